//! What a switchover does, in order, on which server, and how long each step can take: the
//! managed switchover from the active to the passive, the failover when the active is lost,
//! and what each monitored service's failures lead to. Validation checks the worst case
//! against the policy's budget in every configuration; `amxc plan`, `summary.md` and
//! `services.yaml` show it for a server.
//!
//! The order is the replication engine's (`engine/neverfail.rs`): network configuration
//! first, then on the server leaving the active role its pre-stop tasks, the services the
//! passive role wants stopped stopped in the exact reverse of the start order, its post-stop
//! tasks and the services the passive role wants running (`passive running`) started; then on
//! the server becoming active its pre-start tasks, the services the active role wants stopped
//! stopped, the others started in order, and its post-start tasks (`lower/roles.rs`).
//! A step's worst case is its timeout, or the time amxc's scripts wait when the policy gives
//! none ([`DEFAULT_WAIT_SECONDS`]).

use super::roles::{Change, Roles, ServiceStep};
use super::{EvService, EvTask, Evaluated, Origin};
use crate::ast::{FailureAction, TaskKind, TaskSide};
use serde::Serialize;

/// Seconds amxc's scripts wait for a service to start or stop, or for a task, when the policy
/// gives no timeout.
pub const DEFAULT_WAIT_SECONDS: u64 = 300;

/// A part of a switchover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Network,
    PreStop,
    Stop,
    PostStop,
    PreStart,
    Start,
    PostStart,
    /// Periodic tasks that move with the active role (no time of their own).
    Periodic,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Network => "network",
            Phase::PreStop => "prestop",
            Phase::Stop => "stop",
            Phase::PostStop => "poststop",
            Phase::PreStart => "prestart",
            Phase::Start => "start",
            Phase::PostStart => "poststart",
            Phase::Periodic => "periodic",
        }
    }
}

/// One step of a switchover.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub phase: Phase,
    /// `old active`, `new active`, or for a network task the identity it runs on (`primary`,
    /// `secondary`).
    pub server: &'static str,
    /// `service` or `task`.
    pub kind: &'static str,
    pub name: String,
    /// The worst case: the timeout, or [`DEFAULT_WAIT_SECONDS`]; 0 for what only moves.
    pub seconds: u64,
    /// Whether `seconds` is the default rather than the policy's.
    pub default: bool,
    pub origin: Origin,
    /// Where to point: a service's name, a task's statement.
    pub span: crate::source::Span,
}

/// A switchover or failover, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub steps: Vec<Step>,
}

impl Timeline {
    /// The worst case: the sum of the steps.
    pub fn worst_case(&self) -> u64 {
        self.steps
            .iter()
            .fold(0u64, |sum, s| sum.saturating_add(s.seconds))
    }

    /// The longest steps, longest first (ties in order), at most `n`.
    pub fn longest(&self, n: usize) -> Vec<&Step> {
        let mut v: Vec<&Step> = self.steps.iter().filter(|s| s.seconds > 0).collect();
        v.sort_by_key(|s| std::cmp::Reverse(s.seconds));
        v.truncate(n);
        v
    }
}

/// What the failures of one monitored service lead to.
#[derive(Clone, Debug, PartialEq)]
pub struct FailurePath {
    pub service: String,
    /// The 1st, 2nd, 3rd failure's action, as the policy writes it.
    pub actions: Vec<String>,
    /// What happens at the next failure, once the list is used up.
    pub then: &'static str,
    pub origin: Origin,
}

/// What holds in one environment, as switchover and failover timelines and failure paths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub switchover: Timeline,
    pub failover: Timeline,
    pub failures: Vec<FailurePath>,
}

fn task_step(phase: Phase, server: &'static str, t: &EvTask) -> Step {
    Step {
        phase,
        server,
        kind: "task",
        name: t.name.clone(),
        seconds: t.timeout.map_or(DEFAULT_WAIT_SECONDS, |d| d.seconds),
        default: t.timeout.is_none(),
        origin: t.origin.clone(),
        span: t.origin.span,
    }
}

fn service_step(server: &'static str, services: &[EvService], st: &ServiceStep) -> Step {
    let s = &services[st.service];
    Step {
        phase: match st.change {
            Change::Start => Phase::Start,
            Change::Stop => Phase::Stop,
        },
        server,
        kind: "service",
        name: s.name.clone(),
        seconds: st.seconds,
        default: st.default,
        origin: s.origin.clone(),
        span: s.name_span,
    }
}

/// The action as the policy writes it.
pub fn action_word(a: &FailureAction) -> String {
    match a {
        FailureAction::RecoverService => "recover-service".into(),
        FailureAction::RestartApplications => "restart-applications".into(),
        FailureAction::LogWarning => "log-warning".into(),
        FailureAction::Switchover => "switchover".into(),
        FailureAction::Task(n) => format!("task {}", n.text),
    }
}

/// The timelines of `ev` with the start order `start` (indices into `ev.services`).
pub fn plan(ev: &Evaluated, start: &[usize]) -> Plan {
    let services = &ev.services;
    let tasks = |kind: fn(TaskKind) -> bool| ev.tasks.iter().filter(move |t| kind(t.kind));
    let network: Vec<Step> = tasks(|k| k == TaskKind::Network)
        .map(|t| {
            let server = match t.side {
                TaskSide::Secondary => "secondary",
                TaskSide::Primary => "primary",
                _ => "new active",
            };
            task_step(Phase::Network, server, t)
        })
        .collect();
    // each server brings the services to the states of its new role (lower/roles.rs)
    let roles = Roles::new(services, start);
    let role_steps = |server: &'static str, steps: &[ServiceStep], change: Change| -> Vec<Step> {
        steps
            .iter()
            .filter(|st| st.change == change)
            .map(|st| service_step(server, services, st))
            .collect()
    };
    let mut becoming_active: Vec<Step> = tasks(|k| k == TaskKind::PreStart)
        .map(|t| task_step(Phase::PreStart, "new active", t))
        .collect();
    becoming_active.extend(role_steps("new active", &roles.to_active, Change::Stop));
    becoming_active.extend(role_steps("new active", &roles.to_active, Change::Start));
    becoming_active.extend(
        tasks(|k| k == TaskKind::PostStart).map(|t| task_step(Phase::PostStart, "new active", t)),
    );
    let moving: Vec<Step> = tasks(|k| matches!(k, TaskKind::Periodic(_)))
        .filter(|t| t.side == TaskSide::Active || t.side == TaskSide::Passive)
        .map(|t| Step {
            phase: Phase::Periodic,
            server: if t.side == TaskSide::Active {
                "new active"
            } else {
                "new passive"
            },
            kind: "task",
            name: t.name.clone(),
            seconds: 0,
            default: false,
            origin: t.origin.clone(),
            span: t.origin.span,
        })
        .collect();

    let mut switchover = network.clone();
    switchover.extend(
        tasks(|k| k == TaskKind::PreStop).map(|t| task_step(Phase::PreStop, "old active", t)),
    );
    switchover.extend(role_steps("old active", &roles.to_passive, Change::Stop));
    switchover.extend(
        tasks(|k| k == TaskKind::PostStop).map(|t| task_step(Phase::PostStop, "old active", t)),
    );
    // what runs on the passive (`passive running`) starts once the server is passive
    switchover.extend(role_steps("old active", &roles.to_passive, Change::Start));
    switchover.extend(becoming_active.iter().cloned());
    switchover.extend(moving.iter().cloned());

    // the active is lost: nothing runs on it; the passive becomes active
    let mut failover = network;
    failover.extend(becoming_active);
    failover.extend(moving);

    let failures = services
        .iter()
        .filter(|s| s.monitor)
        .map(|s| FailurePath {
            service: s.name.clone(),
            actions: s.on_failure.iter().map(action_word).collect(),
            then: if s.on_failure.contains(&FailureAction::Switchover) {
                "the switchover moved the service: the list starts again on the new active"
            } else {
                "no further action by the HA engine: the service stays failed until someone acts"
            },
            origin: s.origin.clone(),
        })
        .collect();
    Plan {
        switchover: Timeline { steps: switchover },
        failover: Timeline { steps: failover },
        failures,
    }
}

/// `7m 30s`, `12m`, `45s`, `1h 2m`.
pub fn human(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human(450), "7m 30s");
        assert_eq!(human(720), "12m");
        assert_eq!(human(0), "0s");
        assert_eq!(human(3720), "1h 2m");
    }
}
