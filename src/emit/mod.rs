//! Stage 4, emit: a server's plan rendered as files — filter set, service scripts, summary —
//! and a policy rendered as its KB feature list. Every file starts with a banner line naming
//! the policy and amxc's version; nothing depends on time or hash order.

mod checklist;
pub mod cluster;
pub(crate) mod cmd;
mod doc;
mod filters;
mod ps1;
pub mod quote;
mod render;
mod services;
mod space_table;
mod summary;
pub mod switchover;
mod yaml;

pub use cmd::{cmd_scripts, TASK_RUNNER, TASK_RUNNER_JS};
pub use doc::feature_list;
pub use filters::{
    filter_set, filters_json, filters_yaml, Entry, FilterSet, OverriddenEntry, Pair,
    FILTERS_FORMAT_VERSION,
};
pub use ps1::{ps1_scripts, task_script_stem};
pub use render::{render, Compiled, Options, ScriptKind};
pub use services::{service_set, services_yaml, ServiceEntry, ServiceSet, TaskEntry};
pub use space_table::{space_json, space_rows, space_table, SpaceRow};
pub use summary::summary;

use crate::ast::TaskSide;
use crate::model::EvTask;
use crate::plan::Plan;
use std::collections::BTreeMap;

/// What the `start` scripts do (run where the server becomes active).
pub(crate) const ACTIVE_PURPOSE: &str = "Run on the server becoming active: the services the active role wants stopped are stopped (reverse start order), then the others started in dependency order.";

/// What the `stop` scripts do (run where the server becomes passive).
pub(crate) const PASSIVE_PURPOSE: &str = "Run on the server becoming passive: the services the passive role wants stopped are stopped (reverse start order), then those it wants running (passive running) started.";

/// The plan's tasks grouped by kind (script stem → tasks in policy order).
pub(crate) fn tasks_by_kind<'p>(plan: &'p Plan) -> BTreeMap<String, Vec<&'p EvTask>> {
    let mut out: BTreeMap<String, Vec<&EvTask>> = BTreeMap::new();
    for t in &plan.ev.tasks {
        out.entry(task_script_stem(t.kind)).or_default().push(t);
    }
    out
}

pub(crate) fn side_name(s: TaskSide) -> &'static str {
    match s {
        TaskSide::Active => "active",
        TaskSide::Passive => "passive",
        TaskSide::Both => "active and passive",
        TaskSide::Primary => "primary",
        TaskSide::Secondary => "secondary",
    }
}

/// The second line of a task script: what it runs, in which order.
pub(crate) fn task_script_purpose(kind: crate::ast::TaskKind) -> String {
    format!(
        "Run the {} tasks, in the order the policy lists them.",
        kind.keyword()
    )
}

/// `task "LiveUpdate": on the active, every 4h, from policy.amx:50`
pub(crate) fn task_comment(plan: &Plan, t: &EvTask) -> String {
    let mut s = format!("task {}: runs on the {}", t.name, side_name(t.side));
    if let crate::ast::TaskKind::Periodic(d) = t.kind {
        s.push_str(&format!(", every {d}"));
    }
    s.push_str(&format!(", from {}", plan.origin(t.origin.span)));
    if let Some(e) = t.origin.exception {
        s.push_str(&format!(" (exception {e})"));
    }
    s
}

/// One server's compiled outputs, as read back.
pub struct Outputs {
    pub server: String,
    pub filters: FilterSet,
    pub services: ServiceSet,
    /// A clustered server's role (`cluster.yaml`); its filters and services are then empty.
    pub cluster: Option<cluster::ClusterFile>,
}
