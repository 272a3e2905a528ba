//! The deployment checklist at the end of a server's `summary.md`: what a person enters in
//! the Management Client and runs on both servers (a replicated server), or runs on a node of
//! the cluster (a clustered one), in order, ticked off as it is done (the steps and the
//! product facts behind them are in `docs/deploy.md`).

use super::summary::code;
use crate::ast::{FilterKind, FilterMode, TaskKind};
use crate::plan::cluster::Role;
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Where the outputs are copied, the same on both servers.
pub const FOLDER: &str = "C:\\amxc";

/// The product's task type for a task kind (Applications: Tasks).
fn task_type(kind: TaskKind) -> &'static str {
    match kind {
        TaskKind::Network => "Network Configuration",
        TaskKind::PreStart => "Pre Start",
        TaskKind::PostStart => "Post Start",
        TaskKind::PreStop => "Pre Stop",
        TaskKind::PostStop => "Post Stop",
        TaskKind::PreShadow => "Pre Shadow",
        TaskKind::PostShadow => "Post Shadow",
        TaskKind::Periodic(_) => "Periodic",
        TaskKind::RuleAction => "Rule Action",
    }
}

/// The command line the product runs one of `server`'s scripts by.
pub fn command_line(server: &str, script: &str) -> String {
    let path = format!("{FOLDER}\\{server}\\{script}");
    if script.ends_with(".ps1") {
        format!(
            "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File \"{path}\""
        )
    } else {
        format!("cmd.exe /d /c \"\"{path}\"\"")
    }
}

/// The checklist, for the files written for this server.
pub fn checklist(plan: &Plan, files: &BTreeMap<String, String>) -> String {
    let server = &plan.target.server;
    let line = |s: &str| command_line(server, s);
    let ext = if files.contains_key("start.ps1") {
        "ps1"
    } else {
        "cmd"
    };
    let mut s = String::from("\n## Deployment checklist\n\nTick each step as it is done (docs/deploy.md says where and why).\n\n");
    let _ = writeln!(
        s,
        "- [ ] Copy this folder to `{FOLDER}\\{server}` on **both** servers (the same path on each)."
    );
    let count = |k: FilterKind, m: FilterMode| {
        plan.filters
            .iter()
            .filter(|f| f.kind == k && f.mode == m)
            .count()
    };
    for (k, tab) in [
        (FilterKind::Files, "File Filters"),
        (FilterKind::Registry, "Registry Filters"),
    ] {
        let (inc, exc) = (count(k, FilterMode::Include), count(k, FilterMode::Exclude));
        if inc + exc > 0 {
            let _ = writeln!(
                s,
                "- [ ] Management Client, Data: {tab}: enter the {inc} inclusion(s), then the {exc} exclusion(s) of `filters.yaml`; each shows **Effective**."
            );
        }
    }
    let managed: Vec<String> = plan
        .start
        .iter()
        .map(|&i| code(&plan.ev.services[i].name))
        .collect();
    if !managed.is_empty() {
        let _ = writeln!(
            s,
            "- [ ] Applications: Services: protect {} in this order, with the target states (active, passive) and failure actions of `services.yaml`: the product starts and stops them. Do not register `start.{ext}`/`stop.{ext}` as tasks (the services would be started twice); they bring a server to a role's states by hand, as `{}`.",
            managed.join(", "),
            line(&format!("start.{ext}"))
        );
    }
    for (stem, tasks) in super::tasks_by_kind(plan) {
        let script = format!("{stem}.{ext}");
        if files.contains_key(&script) {
            let _ = writeln!(
                s,
                "- [ ] Applications: Tasks: {} runs `{}` ({} task(s); on the {}).",
                task_type(tasks[0].kind),
                line(&script),
                tasks.len(),
                super::side_name(tasks[0].side)
            );
        }
    }
    let _ = writeln!(
        s,
        "- [ ] Run `{}` once on **each** server, as an administrator (startup types; Windows recovery off).",
        line(&format!("configure.{ext}"))
    );
    let _ = writeln!(
        s,
        "- [ ] Capture `sc qc` and `sc qfailure` of each protected service and the filter lists, then `amxc verify … --target {server}.yaml --services sc.txt --filters filters.txt` exits 0."
    );
    s
}

/// The checklist of a clustered server, for the files written for it.
pub fn cluster_checklist(plan: &Plan, role: &Role, files: &BTreeMap<String, String>) -> String {
    let server = &plan.target.server;
    let script = if files.contains_key("cluster.ps1") {
        "cluster.ps1"
    } else {
        "cluster.cmd"
    };
    let mut s = String::from("\n## Deployment checklist\n\nTick each step as it is done (docs/deploy.md says where and why).\n\n");
    let nodes = if role.nodes.is_empty() {
        "every node of the cluster".to_string()
    } else {
        role.nodes.join(", ")
    };
    let services: Vec<String> = role.resources.iter().map(|r| code(&r.service)).collect();
    if !services.is_empty() {
        let _ = writeln!(
            s,
            "- [ ] Install the application on {nodes}: the services {} exist on each.",
            services.join(", ")
        );
    }
    if role.existing {
        let _ = writeln!(
            s,
            "- [ ] The role {} exists (the application's own): these resources join it.",
            code(&role.group)
        );
    }
    for d in &role.disks {
        let _ = writeln!(
            s,
            "- [ ] The disk {} is a cluster disk resource, and the application's data is on it.",
            code(d)
        );
    }
    let _ = writeln!(
        s,
        "- [ ] Copy this folder to `{FOLDER}\\{server}` on one node of the cluster."
    );
    let _ = writeln!(
        s,
        "- [ ] Run `{}` there, as an administrator of the cluster and of {nodes}; it names what it creates or changes, and exits 0{}.",
        command_line(server, script),
        if script == "cluster.ps1" {
            " (add `-Prune` to remove the resources of services the policy no longer lists)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "- [ ] Move the role to each of {nodes} once (Failover Cluster Manager: Move), and see every resource come online."
    );
    if script == "cluster.ps1" {
        let _ = writeln!(
            s,
            "- [ ] Capture the role's resources (docs/deploy.md), then `amxc verify … --target {server}.yaml --cluster role.txt` exits 0."
        );
    }
    s
}
