//! A server's plan as a failover-cluster role (`engine/wsfc.rs`): one Generic Service
//! resource per managed service, dependencies from `after`, a restart policy from each
//! service's failure actions, registry checkpoints from the registry inclusions — and every
//! construct of the policy that the cluster carries out only approximately, or not at all.

use super::Plan;
use crate::ast::{FailureAction, FilterKind, FilterMode, ServiceState, Startup};
use crate::engine::wsfc::{self, Construct, Fidelity};
use crate::filters::SegKind;
use crate::lower::{EvFilter, Origin};
use crate::source::Span;

/// The clustered role of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// The role (cluster group): the profile's `cluster: group`, else its network name, else
    /// the policy's name.
    pub group: String,
    /// Whether the role exists already (`cluster: group` without a network name: an add-on
    /// module's resources join its application's role); otherwise the scripts create it.
    pub existing: bool,
    /// The client access point created with the role: its network name and addresses.
    pub network_name: Option<String>,
    pub ips: Vec<crate::profile::cluster::Address>,
    /// Clustered disks moved into the role.
    pub disks: Vec<String>,
    /// The role's possible owners, where the services are configured; empty: every node.
    pub nodes: Vec<String>,
    /// The description the scripts give the resources they make (`amxc: <policy>`), so that a
    /// rerun tells them from the application's own.
    pub mark: String,
    /// One resource per managed service, in start order.
    pub resources: Vec<Resource>,
    /// Registry checkpoints, held by the first resource to come online, so that the keys are
    /// restored before any service starts.
    pub checkpoints: Vec<Checkpoint>,
    /// What the cluster carries out only approximately or not at all, in policy order.
    pub losses: Vec<Loss>,
}

/// One Generic Service resource; `cluster.yaml` writes it as it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resource {
    /// The resource's name: the service's name, which a display name's change does not move.
    pub name: String,
    /// The Windows service (`ServiceName`).
    pub service: String,
    /// Resources it depends on (by resource name): it comes online after them.
    pub depends_on: Vec<String>,
    pub restart_action: u32,
    pub restart_threshold: u32,
    pub restart_period_ms: u64,
    pub pending_timeout_ms: u64,
    /// `policy.amx:LINE` of its service.
    pub origin: String,
    /// Where its service is named in the policy (for diagnostics; not written).
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The key relative to HKEY_LOCAL_MACHINE, without a leading backslash.
    pub key: String,
    /// The inclusion it comes from, as the policy resolves it on this server.
    pub pattern: String,
    pub origin: String,
    pub span: Span,
}

/// A construct the cluster does not carry out as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub construct: Construct,
    pub fidelity: Fidelity,
    /// What in the policy: `service 'X'`, `registry include 'HKCU\…'`.
    pub subject: String,
    /// `policy.amx:LINE`.
    pub origin: String,
    pub span: Span,
}

impl Role {
    pub fn of(plan: &Plan) -> Role {
        let mut losses = Vec::new();
        let mut lose = |c: Construct, subject: String, origin: &Origin| {
            let row = wsfc::row_of(c);
            // a service's setting: say which (`service 'X' (different start and stop timeouts)`)
            let setting = matches!(
                c,
                Construct::MonitorOnly
                    | Construct::NotMonitored
                    | Construct::OtherStartup
                    | Construct::RunningOnPassive
                    | Construct::UnequalTimeouts
                    | Construct::AfterSwitchover
                    | Construct::RestartApplications
                    | Construct::LogWarning
            );
            losses.push(Loss {
                construct: c,
                fidelity: row.fidelity,
                subject: if setting {
                    format!("{subject} ({})", row.what)
                } else {
                    subject
                },
                origin: plan.origin_of(origin),
                span: origin.span,
            });
        };
        let services = &plan.ev.services;
        // resource names: the service's own name, stable where a display name changes
        let name_of = |i: usize| services[i].name.clone();
        let spec = plan.target.cluster.as_ref();
        let network_name = spec.and_then(|c| c.network_name.clone());
        let disks: Vec<String> = spec.map(|c| c.disks.clone()).unwrap_or_default();
        // every service depends on the access point and the disks: the role's name and data
        // are there before any service starts
        let role_providers: Vec<String> = network_name
            .iter()
            .cloned()
            .chain(disks.iter().cloned())
            .collect();
        let managed = |i: usize| services[i].manage;
        let mut resources = Vec::new();
        // a service the HA product only watches has no place in the role (and in no start order)
        for s in services.iter().filter(|s| !s.manage) {
            lose(
                Construct::MonitorOnly,
                format!("service '{}'", s.name),
                &s.origin,
            );
        }
        for &i in plan.start.iter().filter(|&&i| managed(i)) {
            let s = &services[i];
            let subject = format!("service '{}'", s.name);
            if s.startup != Startup::Manual {
                lose(Construct::OtherStartup, subject.clone(), &s.origin);
            }
            if s.passive == ServiceState::Running {
                lose(Construct::RunningOnPassive, subject.clone(), &s.origin);
            }
            if !s.monitor {
                lose(Construct::NotMonitored, subject.clone(), &s.origin);
            }
            let (start, stop) = (
                s.start_timeout.map(|d| d.seconds),
                s.stop_timeout.map(|d| d.seconds),
            );
            if let (Some(a), Some(b)) = (start, stop) {
                if a != b {
                    lose(Construct::UnequalTimeouts, subject.clone(), &s.origin);
                }
            }
            let pending = start
                .max(stop)
                .map_or(wsfc::DEFAULT_PENDING_TIMEOUT_MS, |s| s * 1000);
            let mut threshold = 0u32;
            let mut failover = false;
            for a in &s.on_failure {
                if failover {
                    lose(Construct::AfterSwitchover, subject.clone(), &s.origin);
                    continue;
                }
                match a {
                    FailureAction::RecoverService => threshold += 1,
                    FailureAction::RestartApplications => {
                        threshold += 1;
                        lose(Construct::RestartApplications, subject.clone(), &s.origin);
                    }
                    FailureAction::LogWarning => {
                        lose(Construct::LogWarning, subject.clone(), &s.origin)
                    }
                    FailureAction::Task(t) => lose(
                        Construct::TaskAction,
                        format!("{subject}: task '{}'", t.text),
                        &s.origin,
                    ),
                    FailureAction::Switchover => failover = true,
                }
            }
            let restart_action = if failover {
                wsfc::RESTART_THEN_FAILOVER
            } else if threshold > 0 {
                wsfc::RESTART_NO_FAILOVER
            } else {
                wsfc::DONT_RESTART
            };
            let mut depends_on: Vec<String> = role_providers.clone();
            depends_on.extend(s.after.iter().filter_map(|a| {
                let j = services
                    .iter()
                    .position(|o| o.name.eq_ignore_ascii_case(&a.text))?;
                managed(j).then(|| name_of(j))
            }));
            resources.push(Resource {
                name: name_of(i),
                service: s.name.clone(),
                depends_on,
                restart_action,
                restart_threshold: threshold,
                restart_period_ms: wsfc::DEFAULT_RESTART_PERIOD_MS,
                pending_timeout_ms: pending,
                origin: plan.origin_of(&s.origin),
                span: s.name_span,
            });
        }
        // data: every rule that holds here; checkpoints from the effective inclusions
        for f in &plan.ev.filters {
            let subject = format!(
                "{} {} '{}'",
                f.kind.keyword(),
                f.mode.as_str(),
                f.pattern.display
            );
            let c = match (f.kind, f.mode) {
                (FilterKind::Files, FilterMode::Include) => Some(Construct::FileInclusion),
                (FilterKind::Files, FilterMode::Exclude) => Some(Construct::FileExclusion),
                (FilterKind::Snapshot, _) => Some(Construct::Snapshot),
                (FilterKind::Registry, FilterMode::Exclude) => Some(Construct::RegistryExclusion),
                (FilterKind::Registry, FilterMode::Include) => match checkpoint_key(f) {
                    Ok((_, true)) => None,
                    Ok((_, false)) => Some(Construct::RegistryKeyOnly),
                    Err(c) => Some(c),
                },
            };
            if let Some(c) = c {
                lose(c, subject, &f.origin);
            }
        }
        let mut checkpoints: Vec<Checkpoint> = plan
            .filters
            .iter()
            .filter(|f| f.kind == FilterKind::Registry && f.mode == FilterMode::Include)
            .filter_map(|f| {
                let (key, _) = checkpoint_key(f).ok()?;
                Some(Checkpoint {
                    key,
                    pattern: f.pattern.display.clone(),
                    origin: plan.origin_of(&f.origin),
                    span: f.pattern_span,
                })
            })
            .collect();
        checkpoints.sort_by_key(|c| c.key.to_ascii_lowercase());
        checkpoints.dedup_by(|a, b| a.key.eq_ignore_ascii_case(&b.key));
        for t in &plan.ev.tasks {
            lose(
                wsfc::task_construct(t.kind),
                format!("{} task '{}'", t.kind.keyword(), t.name),
                &t.origin,
            );
        }
        // the checkpoints' holder comes online before every other resource, so that the keys
        // are restored before any service starts (a checkpoint is restored when its resource
        // comes online)
        if !checkpoints.is_empty() {
            if let Some((holder, rest)) = resources.split_first_mut() {
                for r in rest {
                    if !r
                        .depends_on
                        .iter()
                        .any(|d: &String| d.eq_ignore_ascii_case(&holder.name))
                    {
                        r.depends_on.push(holder.name.clone());
                    }
                }
            }
        }
        if spec.is_none() {
            let here = Origin {
                span: plan.input.policy.id.span,
                exception: None,
                overrides: None,
            };
            lose(
                Construct::ClientAccessPoint,
                "the role (no `cluster:` in the server's profile)".into(),
                &here,
            );
            lose(
                Construct::Storage,
                "the role (no `cluster: disks` in the server's profile)".into(),
                &here,
            );
        }
        losses.sort_by_key(|l| l.span.start());
        Role {
            group: spec
                .and_then(|c| c.role_name())
                .map_or_else(|| plan.input.policy.id.text.clone(), str::to_string),
            existing: spec.is_some_and(|c| c.group.is_some() && c.network_name.is_none()),
            network_name,
            ips: spec.map(|c| c.ips.clone()).unwrap_or_default(),
            disks,
            nodes: spec.map(|c| c.nodes.clone()).unwrap_or_default(),
            mark: format!("amxc: {}", plan.input.policy.id.text),
            resources,
            checkpoints,
            losses,
        }
    }

    /// The losses that stop compilation unless they are allowed.
    pub fn lossy(&self) -> bool {
        self.losses.iter().any(|l| l.fidelity != Fidelity::Mapped)
    }
}

/// A registry inclusion as a checkpoint key relative to HKLM, and whether the pattern is the
/// whole subtree (`HKLM\…\**`, mapped) rather than one key (approximated); the construct
/// that cannot map otherwise.
fn checkpoint_key(f: &EvFilter) -> Result<(String, bool), Construct> {
    let segs = &f.pattern.segs;
    if segs.first().and_then(|s| s.lit()) != Some("hklm") {
        return Err(Construct::RegistryOutsideHklm);
    }
    let display: Vec<&str> = f.pattern.display.split('\\').collect();
    let subtree = segs.last().is_some_and(|s| s.is_any());
    let end = if subtree { segs.len() - 1 } else { segs.len() };
    if end < 2
        || segs[1..end]
            .iter()
            .any(|s| !matches!(s.kind(), SegKind::Lit(_)))
        || display.len() != segs.len()
    {
        return Err(Construct::RegistryWildcard);
    }
    Ok((display[1..end].join("\\"), subtree))
}
