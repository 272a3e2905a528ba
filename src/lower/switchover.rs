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
//! none ([`DEFAULT_WAIT_SECONDS`]); the types are in `model/timeline.rs`.

use crate::ast::{FailureAction, TaskKind, TaskSide};
use crate::model::timeline::{FailurePath, Phase, Plan, Step, Timeline, DEFAULT_WAIT_SECONDS};
use crate::model::{Change, EvService, EvTask, Evaluated, Roles, ServiceStep};

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
