//! A server's plan rendered into all its outputs — filter set, service scripts, summary —
//! held in memory until the driver writes them.

use crate::emit;
pub use crate::plan::scripts::ScriptKind;
use crate::plan::Plan;
use std::collections::BTreeMap;

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
        let crate::plan::scripts::Scripts { ps1, cmd } = plan.scripts(opts.scripts);
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
    let crate::plan::scripts::Scripts { ps1, cmd } = plan.scripts(opts.scripts);
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
