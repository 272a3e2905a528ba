//! `services.yaml`: the server's services in start order and its tasks, as data — what
//! `amxc diff` compares and what tools read without parsing scripts.

use crate::ast::{ServiceState, Startup, TaskKind};
use crate::plan::Plan;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ServiceEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    pub startup: String,
    pub active: String,
    pub passive: String,
    pub monitor: bool,
    pub manage: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_failure: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_timeout: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_timeout: Option<u64>,
    #[serde(default)]
    pub origin: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TaskEntry {
    pub name: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    pub side: String,
    pub program: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    #[serde(default)]
    pub origin: String,
}

/// The whole file.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct ServiceSet {
    #[serde(default)]
    pub format_version: u32,
    #[serde(default)]
    pub server: String,
    /// Service names in start order (stop order is the reverse).
    #[serde(default)]
    pub start_order: Vec<String>,
    #[serde(default)]
    pub services: Vec<ServiceEntry>,
    #[serde(default)]
    pub tasks: Vec<TaskEntry>,
    /// The worst case of a managed switchover from this server, in seconds (`amxc plan`).
    #[serde(default)]
    pub switchover_worst_case_seconds: u64,
    /// The worst case of a failover to this server's partner, in seconds.
    #[serde(default)]
    pub failover_worst_case_seconds: u64,
}

fn word<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn service_set(plan: &Plan) -> ServiceSet {
    let ev = &plan.ev;
    let timeline = &plan.switchover;
    ServiceSet {
        switchover_worst_case_seconds: timeline.switchover.worst_case(),
        failover_worst_case_seconds: timeline.failover.worst_case(),
        format_version: 1,
        server: plan.target.server.clone(),
        start_order: plan
            .start
            .iter()
            .map(|&i| ev.services[i].name.clone())
            .collect(),
        services: ev
            .services
            .iter()
            .map(|s| ServiceEntry {
                name: s.name.clone(),
                display: s.display.clone(),
                startup: word::<Startup>(s.startup),
                active: word::<ServiceState>(s.active),
                passive: word::<ServiceState>(s.passive),
                monitor: s.monitor,
                manage: s.manage,
                after: s.after.iter().map(|a| a.text.clone()).collect(),
                on_failure: s
                    .on_failure
                    .iter()
                    .map(super::doc::failure_action_name)
                    .collect(),
                start_timeout: s.start_timeout.map(|d| d.seconds),
                stop_timeout: s.stop_timeout.map(|d| d.seconds),
                origin: plan.origin(s.origin.span),
            })
            .collect(),
        tasks: ev
            .tasks
            .iter()
            .map(|t| TaskEntry {
                name: t.name.clone(),
                kind: t.kind.keyword().to_string(),
                every: match t.kind {
                    TaskKind::Periodic(d) => Some(d.to_string()),
                    _ => None,
                },
                side: word(t.side),
                program: t.program.clone(),
                args: t.args.clone(),
                timeout: t.timeout.map(|d| d.seconds),
                origin: plan.origin(t.origin.span),
            })
            .collect(),
    }
}

pub fn services_yaml(plan: &Plan) -> String {
    let body = super::yaml::to_string(&service_set(plan));
    format!("# {}\n{body}", plan.banner())
}
