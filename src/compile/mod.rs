//! `compile`: a checked policy evaluated for one real server (stage 3) and rendered into its
//! outputs (stage 4) — filter set, service scripts, summary — held in memory until written.

mod order;
mod plan;

pub use order::start_order;
pub use plan::{Plan, ScriptKind};

use crate::diagnostic::Diagnostic;
use crate::emit;
use std::collections::BTreeMap;

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

/// Compile one server. `plan` was built by [`Plan::new`].
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

/// Build the plan and render it, or the diagnostics that prevent it.
pub fn compile(
    input: &plan::Input,
    target: &crate::target::Target,
    opts: Options,
) -> Result<Compiled, Vec<Diagnostic>> {
    let plan = Plan::new(input, target)?;
    Ok(render(&plan, opts))
}

pub use plan::Input;
