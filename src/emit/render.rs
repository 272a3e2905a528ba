//! A server's plan rendered into all its outputs — filter set, service scripts, summary —
//! held in memory until the driver writes them.

use crate::emit;
use crate::plan::Plan;
use std::collections::BTreeMap;

/// Which script language to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptKind {
    /// PowerShell on Windows Server 2008 and later, cmd on 2003.
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
}

/// One server's outputs: file name → contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    pub server: String,
    pub files: BTreeMap<String, String>,
}

/// Render one server's outputs. `plan` was built by [`Plan::new`].
pub fn render(plan: &Plan, opts: Options) -> Compiled {
    let mut files = BTreeMap::new();
    files.insert("filters.yaml".to_string(), emit::filters_yaml(plan));
    if opts.json {
        files.insert("filters.json".to_string(), emit::filters_json(plan));
    }
    let kind = match opts.scripts {
        ScriptKind::Auto => {
            if plan.legacy_os() {
                ScriptKind::Cmd
            } else {
                ScriptKind::Ps1
            }
        }
        k => k,
    };
    if matches!(kind, ScriptKind::Ps1 | ScriptKind::Both) {
        files.extend(emit::ps1_scripts(plan));
    }
    if matches!(kind, ScriptKind::Cmd | ScriptKind::Both) {
        files.extend(emit::cmd_scripts(plan));
    }
    files.insert("services.yaml".to_string(), emit::services_yaml(plan));
    files.insert("summary.md".to_string(), emit::summary(plan));
    Compiled {
        server: plan.target.server.clone(),
        files,
    }
}
