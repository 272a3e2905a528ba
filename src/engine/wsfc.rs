//! Windows Server Failover Clustering (WSFC; "server clusters" up to Windows Server 2003): the
//! protected services become Generic Service resources of one clustered role (a group) that
//! runs on one node at a time; the cluster moves the role, restarts failed resources and
//! restores registry checkpoints on the node that brings a resource online. There is no file
//! or registry replication: data lives on clustered storage.
//!
//! Sources, cited by each fact below:
//! - [FC] Microsoft, FailoverClusters module reference (Windows Server 2008 R2 and later):
//!   `Add-ClusterGroup`, `Add-ClusterResource -ResourceType "Generic Service"`,
//!   `Set-ClusterParameter`, `Set-ClusterResourceDependency`, `Add-ClusterCheckpoint
//!   -RegistryCheckpoint` ("software\clusname": relative to HKLM, no leading backslash).
//! - [CLU] Microsoft, Windows Server 2003 command-line reference, "Cluster resource" and
//!   "Cluster group": `/create /group: /type:`, `/priv`, `/prop`, `/adddep:`, `/addcheck:`.
//! - [PROPS] Microsoft, Resource Common Properties: RestartAction (0 ClusterResourceDontRestart,
//!   1 ClusterResourceRestartNoNotify, 2 ClusterResourceRestartNotify — the default),
//!   RestartThreshold (default 3), RestartPeriod (default 900000 ms), PendingTimeout (default
//!   180000 ms).
//! - [CKPT] Microsoft, CLUSCTL_RESOURCE_ADD_REGISTRY_CHECKPOINT(_32BIT): a checkpoint is a
//!   whole subtree relative to HKEY_LOCAL_MACHINE, restored on the node before the resource
//!   comes online; the 32-bit view has its own control code, which no cmdlet and no cluster.exe
//!   switch exposes — a 32-bit application's keys are checkpointed by their `Wow6432Node` path,
//!   where the 32-bit view keeps them.
//! - [ROLE] Microsoft, `Add-ClusterServerRole` ("a group containing only a client access point
//!   and storage; after adding the group, you can add other resources"), `Add-ClusterResourceDependency`
//!   ("existing dependencies will remain on the list", unlike `Set-ClusterResourceDependency`,
//!   which overwrites them), `Move-ClusterResource -Group`; cluster.exe `resource /move:Group`,
//!   `/ren:`, `/removedep:`; `sc.exe \\server config` addresses another node's service control
//!   manager.
//! - [GROUP] Microsoft, Failover Cluster group common properties: FailoverThreshold (by
//!   default the number of nodes less one) failovers in FailoverPeriod (6 hours) before the
//!   group is left failed; resource common properties: RetryPeriodOnFailure (an hour).
//! - [OWN] Microsoft supports SQL Server on a cluster only as a SQL Server failover cluster
//!   instance installed by SQL Server Setup, and Exchange only through its own high
//!   availability (a clustered mailbox server in 2007, a database availability group from
//!   2010) — never as Generic Service resources.

use super::{windows, Danger, Engine, FailureActionKind, Feature, Veto};
use crate::ast::{ServiceState, Startup, TaskKind, TaskSide, Version};

/// The failover-clustering engine.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wsfc;

/// RestartAction values. [PROPS]
pub const DONT_RESTART: u32 = 0;
pub const RESTART_NO_FAILOVER: u32 = 1;
pub const RESTART_THEN_FAILOVER: u32 = 2;
/// RestartPeriod when the policy gives none: the cluster's default, 15 minutes. [PROPS]
pub const DEFAULT_RESTART_PERIOD_MS: u64 = 900_000;
/// PendingTimeout when the policy gives no start or stop timeout: the cluster's default. [PROPS]
pub const DEFAULT_PENDING_TIMEOUT_MS: u64 = 180_000;
/// The resource type of a clustered Windows service. [FC; CLU]
pub const GENERIC_SERVICE: &str = "Generic Service";

/// Services Microsoft supports on a cluster only as their own clustered role [OWN]: a name
/// pattern (case-insensitive; a trailing `*` matches any rest), the product, and the supported
/// way.
pub const OWN_ROLE: &[(&str, &str, &str)] = &[
    ("MSSQLSERVER", "SQL Server", "a SQL Server failover cluster instance, installed by SQL Server Setup (\"New SQL Server failover cluster installation\")"),
    ("MSSQL$*", "SQL Server", "a SQL Server failover cluster instance, installed by SQL Server Setup (\"New SQL Server failover cluster installation\")"),
    ("SQLSERVERAGENT", "SQL Server Agent", "the SQL Server failover cluster instance it belongs to"),
    ("SQLAgent$*", "SQL Server Agent", "the SQL Server failover cluster instance it belongs to"),
    ("MSExchange*", "Exchange", "Exchange's own high availability (a clustered mailbox server in Exchange 2007, a database availability group from 2010)"),
];

/// The product and supported way when `service` may not be a Generic Service resource.
pub fn own_role(service: &str) -> Option<(&'static str, &'static str)> {
    let s = service.to_ascii_lowercase();
    OWN_ROLE.iter().find_map(|(pattern, product, way)| {
        let p = pattern.to_ascii_lowercase();
        let hit = match p.strip_suffix('*') {
            Some(prefix) => s.starts_with(prefix),
            None => s == p,
        };
        hit.then_some((*product, *way))
    })
}

/// How a policy construct is carried out by this engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fidelity {
    /// As the policy says.
    Mapped,
    /// Something close, described in `how`.
    Approximated,
    /// Not carried out at all.
    Dropped,
}

impl Fidelity {
    pub fn as_str(self) -> &'static str {
        match self {
            Fidelity::Mapped => "mapped",
            Fidelity::Approximated => "approximated",
            Fidelity::Dropped => "dropped",
        }
    }
}

/// A construct of the policy model, as the mapping table lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Construct {
    Service,
    StartOrder,
    ManualStartup,
    OtherStartup,
    RunningOnPassive,
    MonitorOnly,
    Timeouts,
    UnequalTimeouts,
    RecoverService,
    SwitchoverAction,
    RestartApplications,
    LogWarning,
    TaskAction,
    AfterSwitchover,
    RegistrySubtree,
    RegistryKeyOnly,
    RegistryWildcard,
    RegistryOutsideHklm,
    RegistryExclusion,
    FileInclusion,
    FileExclusion,
    Unprotected,
    Snapshot,
    NetworkTask,
    StartStopTask,
    ShadowTask,
    PeriodicTask,
    RuleActionTask,
    ClientAccessPoint,
    Storage,
    NotMonitored,
    FailoverLimit,
}

/// One row of the mapping table: a construct, how this engine carries it out, and how.
pub struct Row {
    pub construct: Construct,
    /// The construct as the policy writes it.
    pub what: &'static str,
    pub fidelity: Fidelity,
    /// What the engine makes of it, ending with the sources (`[PROPS]`) that `docs/engines.md`
    /// lists.
    pub how: &'static str,
}

impl Row {
    /// [`Row::how`] without its sources, for a reader who has not the list of them at hand (a
    /// diagnostic, a server's summary).
    pub fn said(&self) -> &'static str {
        match self.how.rfind(" [") {
            Some(i) if self.how.ends_with(']') => &self.how[..i],
            _ => self.how,
        }
    }
}

const fn row(
    construct: Construct,
    what: &'static str,
    fidelity: Fidelity,
    how: &'static str,
) -> Row {
    Row {
        construct,
        what,
        fidelity,
        how,
    }
}

use Construct as C;
use Fidelity::{Approximated as A, Dropped as D, Mapped as M};

/// Every construct of the policy model and what this engine makes of it, in the order the
/// documentation lists them. A test ties this table to `docs/engines.md`.
pub const MAPPING: &[Row] = &[
    row(C::Service, "a protected service (`service`)", M, "a Generic Service resource of the role, named by its service name (a display name may change), with `ServiceName` set; a resource of the role for the same service under another name is renamed, one for a service the policy no longer lists is reported (and removed with `-Prune`) [FC; CLU]"),
    row(C::StartOrder, "start order (`after`)", M, "resource dependencies, added to those an administrator set (never replacing them; extra ones are reported): a resource comes online after its providers and goes offline before them [ROLE: Add-ClusterResourceDependency; CLU: /adddep]"),
    row(C::ClientAccessPoint, "the server's public name and address, which a switchover moves, where the profile has no `cluster:`", D, "the role gets no client access point, and clients cannot follow it; with `cluster: network_name, ip` it is created with the role and every service resource depends on it, with `cluster: group` the resources join the application's existing role [ROLE: Add-ClusterServerRole; CLU: Network Name and IP Address resources]"),
    row(C::NotMonitored, "a service the HA product does not monitor (`monitor no`)", A, "the cluster health-checks every Generic Service resource: a failure of the service restarts it or fails the role over as its restart policy says [PROPS]"),
    row(C::FailoverLimit, "a `switchover` failure action, every time it is reached", M, "the role fails over; the cluster's limits apply (every clustered server's summary names them): at most FailoverThreshold times in FailoverPeriod (by default the number of nodes less one, in 6 hours), then stays failed; a failed resource is retried after RetryPeriodOnFailure (by default an hour) [GROUP: Microsoft, Failover Cluster group common properties; resource common properties]"),
    row(C::Storage, "the application's data disks, where the profile names none (`cluster: disks`)", D, "no disk moves with the role; named disks are moved into it and every service resource depends on them [ROLE: -Storage; CLU: /move:]"),
    row(C::ManualStartup, "`startup manual`", M, "the service is set to Manual on every node of the cluster (`sc.exe \\\\NODE config`), so that only the cluster starts it wherever the role moves [ROLE]"),
    row(C::OtherStartup, "`startup automatic` or `disabled`", A, "set to Manual: a clustered service is started by the cluster, never by Windows"),
    row(C::RunningOnPassive, "`passive running`", D, "a Generic Service resource runs on one node at a time"),
    row(C::MonitorOnly, "a monitored-only service (`manage no`)", D, "the cluster starts and stops every resource it holds; the service is left out of the role"),
    row(C::Timeouts, "`start-timeout`, `stop-timeout`", M, "the resource's PendingTimeout (the cluster waits this long for online and offline) [PROPS]"),
    row(C::UnequalTimeouts, "different start and stop timeouts", A, "PendingTimeout is one value for both: the larger is used [PROPS]"),
    row(C::RecoverService, "`recover-service` failure actions", M, "RestartThreshold: as many restarts as the list has before a `switchover` [PROPS]"),
    row(C::SwitchoverAction, "a `switchover` failure action", M, "RestartAction 2: once the restarts are used up, the role fails over to another node; without one, RestartAction 1 (restart, no failover) or 0 (an empty list) [PROPS]"),
    row(C::RestartApplications, "a `restart-applications` failure action", A, "counted as a restart of the failed resource; resources that depend on it go offline and online with it"),
    row(C::LogWarning, "a `log-warning` failure action", A, "the cluster logs every resource failure in its own log and event log; no separate warning is raised"),
    row(C::TaskAction, "a task as a failure action (`task NAME`)", D, "a resource failure runs no program"),
    row(C::AfterSwitchover, "failure actions after a `switchover`", D, "never reached: the role has moved to another node"),
    row(C::RegistrySubtree, "a registry inclusion of a whole subtree (`HKLM\\…\\**`)", M, "a registry checkpoint of the key, relative to HKLM; a 32-bit application's by its `Wow6432Node` path [FC: Add-ClusterCheckpoint; CLU: /addcheck; CKPT]"),
    row(C::RegistryKeyOnly, "a registry inclusion of one key (`HKLM\\…\\Key`)", A, "a checkpoint is always a whole subtree: the key's subkeys are copied too [CKPT]"),
    row(C::RegistryWildcard, "a registry inclusion with `*` or `?` in a key name, or `**` inside", D, "a checkpoint names one literal key"),
    row(C::RegistryOutsideHklm, "a registry inclusion outside HKLM", D, "checkpoints are relative to HKEY_LOCAL_MACHINE [CKPT]"),
    row(C::RegistryExclusion, "a registry exclusion", D, "a checkpoint copies its whole subtree: excluded keys are copied with the rest"),
    row(C::FileInclusion, "a file inclusion", D, "the cluster replicates no files: the data must live on clustered storage that moves with the role"),
    row(C::FileExclusion, "a file exclusion", D, "the cluster replicates no files"),
    row(C::Unprotected, "unprotected data (`unprotected … because`)", M, "nothing is replicated unless a checkpoint names it"),
    row(C::Snapshot, "snapshot sets (`snapshot`)", D, "the cluster takes no snapshots of application data"),
    row(C::NetworkTask, "network-configuration tasks", D, "the role's client access point moves the name and address; a task runs no program there"),
    row(C::StartStopTask, "pre/post start and stop tasks", D, "a Generic Service resource runs no program around online and offline"),
    row(C::ShadowTask, "pre/post shadow tasks", D, "the cluster takes no snapshots"),
    row(C::PeriodicTask, "periodic tasks", D, "the cluster schedules nothing on its nodes"),
    row(C::RuleActionTask, "rule-action tasks", D, "the cluster has no rules that run programs"),
];

/// The row of a construct.
pub fn row_of(c: Construct) -> &'static Row {
    MAPPING
        .iter()
        .find(|r| r.construct == c)
        .expect("every construct has a row")
}

/// The construct a task of `kind` is.
pub fn task_construct(kind: TaskKind) -> Construct {
    match kind {
        TaskKind::Network => C::NetworkTask,
        TaskKind::PreStart | TaskKind::PostStart | TaskKind::PreStop | TaskKind::PostStop => {
            C::StartStopTask
        }
        TaskKind::PreShadow | TaskKind::PostShadow => C::ShadowTask,
        TaskKind::Periodic(_) => C::PeriodicTask,
        TaskKind::RuleAction => C::RuleActionTask,
    }
}

/// Whether a Windows release has the FailoverClusters PowerShell module: Windows Server 2008
/// R2 and later; 2003 and 2008 have `cluster.exe` only. `None` when the text names no release.
/// [FC: "Windows Server 2008 R2"; CLU]
pub fn has_failover_clusters_module(os: &str) -> Option<bool> {
    let ps = windows::shipped_powershell(os)?;
    // the module ships with the release that first ships PowerShell: 2008 R2
    Some(matches!(ps, windows::PowerShell::Version(_)))
}

impl Engine for Wsfc {
    fn kind(&self) -> super::EngineKind {
        super::EngineKind::Wsfc
    }

    fn maps(&self, feature: Feature) -> bool {
        match feature {
            Feature::RegistryFilters => true,
            Feature::FileFilters | Feature::Exclusions | Feature::Snapshots | Feature::Task(_) => {
                false
            }
            Feature::FailureAction(k) => {
                matches!(
                    k,
                    FailureActionKind::RecoverService | FailureActionKind::Switchover
                )
            }
        }
    }

    /// The cluster replicates no folder, so it vetoes none.
    fn vetoed_roots(&self, _system_drive: &str) -> Vec<Veto> {
        Vec::new()
    }

    fn drive_root_veto(&self) -> Option<&'static str> {
        None
    }

    /// Registry locations that belong to each node: a checkpoint of them would overwrite the
    /// node's own configuration when the role comes online.
    fn dangerous(&self, _system_drive: &str) -> Vec<Danger> {
        windows::server_registry_dangers()
    }

    /// A checkpoint has no exclusions.
    fn has_exclusions(&self, _generation: Option<&Version>) -> bool {
        false
    }

    /// The failure list becomes a restart count: any length maps.
    fn max_failure_actions(&self) -> usize {
        usize::MAX
    }

    fn default_side(&self, _kind: TaskKind) -> TaskSide {
        TaskSide::Active
    }

    fn allowed_sides(&self, _kind: TaskKind) -> &'static [TaskSide] {
        &[
            TaskSide::Active,
            TaskSide::Passive,
            TaskSide::Both,
            TaskSide::Primary,
            TaskSide::Secondary,
        ]
    }

    /// Clustered services are set to Manual: the cluster starts them. [Microsoft, "Generic
    /// Service resource"; DOMAIN]
    fn default_startup(&self) -> Startup {
        Startup::Manual
    }

    /// Running on the node that owns the role, stopped on the others.
    fn default_states(&self) -> (ServiceState, ServiceState) {
        (ServiceState::Running, ServiceState::Stopped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_construct_has_exactly_one_row() {
        let mut seen: Vec<Construct> = MAPPING.iter().map(|r| r.construct).collect();
        let n = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), n, "a construct is listed twice");
        // what `maps` says agrees with the table
        let e = Wsfc;
        assert!(!e.maps(Feature::FileFilters));
        assert_eq!(row_of(C::FileInclusion).fidelity, D);
        assert!(e.maps(Feature::RegistryFilters));
        assert_eq!(row_of(C::RegistrySubtree).fidelity, M);
        assert!(!e.maps(Feature::Snapshots));
        assert_eq!(row_of(C::Snapshot).fidelity, D);
    }

    #[test]
    fn the_module_comes_with_windows_server_2008_r2() {
        assert_eq!(has_failover_clusters_module("2003"), Some(false));
        assert_eq!(has_failover_clusters_module("2008"), Some(false));
        assert_eq!(has_failover_clusters_module("2008 R2"), Some(true));
        assert_eq!(has_failover_clusters_module("2016"), Some(true));
        assert_eq!(has_failover_clusters_module("Vista"), None);
    }
}
