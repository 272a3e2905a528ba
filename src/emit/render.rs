//! A server's plan rendered into all its outputs — filter set, service scripts, summary —
//! held in memory until the driver writes them.

use crate::emit;
use crate::plan::Plan;
use std::collections::BTreeMap;

/// Which script language to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptKind {
    /// PowerShell where the server has PowerShell 2.0 or later, cmd elsewhere.
    Auto,
    Ps1,
    Cmd,
    Both,
}

/// Which outputs to produce.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub scripts: ScriptKind,
    pub json: bool,
    /// Write a server whose engine drops or approximates part of the policy, with warnings
    /// and the losses in its summary (`--allow-lossy`); without it they are errors.
    pub allow_lossy: bool,
}

/// One server's outputs: file name → contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    pub server: String,
    pub files: BTreeMap<String, String>,
}

/// Render one server's outputs. `plan` was built by [`Plan::new`].
pub fn render(plan: &Plan, opts: Options) -> Compiled {
    if let Some(role) = &plan.role {
        let (ps1, cmd) = script_kinds(plan, opts);
        return Compiled {
            server: plan.target.server.clone(),
            files: emit::cluster::cluster_files(plan, role, ps1, cmd),
        };
    }
    let mut files = BTreeMap::new();
    files.insert("filters.yaml".to_string(), emit::filters_yaml(plan));
    if opts.json {
        files.insert("filters.json".to_string(), emit::filters_json(plan));
    }
    let (ps1, cmd) = script_kinds(plan, opts);
    if ps1 {
        // Windows PowerShell 2.0–5.1 reads a file without a byte order mark in the ANSI code
        // page, where the bytes of `Ñ` or `Ò` include a quote: non-ASCII text gets a BOM
        for (name, text) in emit::ps1_scripts(plan) {
            let text = if text.is_ascii() {
                text
            } else {
                format!("\u{feff}{text}")
            };
            files.insert(name, text);
        }
    }
    if cmd {
        files.extend(emit::cmd_scripts(plan));
    }
    files.insert("services.yaml".to_string(), emit::services_yaml(plan));
    let summary = emit::summary(plan) + &emit::checklist::checklist(plan, &files);
    files.insert("summary.md".to_string(), summary);
    Compiled {
        server: plan.target.server.clone(),
        files,
    }
}

/// Which scripts a server gets: `(PowerShell, cmd)`. `Auto` gives PowerShell where the server
/// has PowerShell 2.0 or later (see [`Plan::powershell`]), cmd elsewhere.
pub fn script_kinds(plan: &Plan, opts: Options) -> (bool, bool) {
    match opts.scripts {
        // a cluster needs the FailoverClusters module (2008 R2 on), else cluster.exe
        ScriptKind::Auto if plan.role.is_some() => {
            let module = plan
                .env
                .dims
                .get(crate::engine::windows::DIM_OS)
                .and_then(|os| crate::engine::wsfc::has_failover_clusters_module(&os.text))
                .unwrap_or_else(|| plan.powershell().runs_scripts());
            (module, !module)
        }
        ScriptKind::Auto => {
            let ps = plan.powershell().runs_scripts();
            (ps, !ps)
        }
        ScriptKind::Ps1 => (true, false),
        ScriptKind::Cmd => (false, true),
        ScriptKind::Both => (true, true),
    }
}

/// Why the plan cannot be rendered as asked: values the chosen scripts cannot hold, and for
/// an engine that carries out only part of the policy, what it would lose (warnings when
/// `allow_lossy`).
pub fn refusals(plan: &Plan, opts: Options) -> Vec<crate::diagnostic::Diagnostic> {
    let (_, cmd) = script_kinds(plan, opts);
    if let Some(role) = &plan.role {
        let mut out = emit::cluster::refusals(plan, role, cmd);
        out.extend(emit::cluster::loss_diagnostics(
            plan,
            role,
            opts.allow_lossy,
        ));
        return out;
    }
    if cmd {
        emit::cmd::refusals(plan)
    } else {
        Vec::new()
    }
}
