//! amxc compiles `.amx` policies — the Application Module eXtensions that teach an
//! active/passive high-availability pair how to protect one application — into filter sets,
//! service scripts and review pages, after checking them against the vendor's version matrix
//! in every supported configuration.
//!
//! The pipeline (see ARCHITECTURE.md): [`parse`] → [`validate`] ([`check`]) → [`lower`] →
//! [`plan()`] → [`emit`] ([`compile`]). [`driver`] reads inputs and writes outputs around it;
//! [`engine`] holds what is specific to the HA product.

pub mod ast;
pub mod cancel;
pub mod checked;
pub mod cli;
pub mod coverage;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod driver;
pub mod emit;
pub mod encoding;
pub mod engine;
pub mod filters;
pub mod format;
pub mod lower;
pub mod lsp;
pub mod matrix;
pub mod model;
pub mod par;
pub mod parse;
pub mod plan;
pub mod policy_tests;
pub mod profile;
pub mod relate;
pub mod schema;
pub mod source;
pub mod validate;
pub mod verify;
pub mod yaml;

pub use checked::{Checked, Checking, Loaded};

use diagnostic::{Diagnostic, Staged};
use emit::{Compiled, Options};
use plan::Plan;
use profile::Target;

/// Stage 2 on a loaded policy: validate it against its matrix in every configuration (without
/// a matrix, what holds in every configuration). A policy that failed to parse is not
/// validated; one with a matrix and no error becomes [`Checked`]. `text` is the policy's
/// text (for the lines origins name); `name` is its file name, as origins show it.
pub fn check(loaded: Loaded, text: &str, name: String) -> Checking {
    let validation = loaded.validate();
    let Loaded {
        file,
        policy,
        matrix,
        mut diagnostics,
        ..
    } = loaded;
    let Some(policy) = policy else {
        return Checking {
            diagnostics,
            configurations: 0,
            acknowledged: Vec::new(),
            checked: None,
        };
    };
    let mut configurations = 0;
    let mut acknowledged = Vec::new();
    if let Some(v) = validation {
        diagnostics.extend(v.diagnostics);
        configurations = v.configurations;
        acknowledged = v.acknowledged;
    }
    let checked = match matrix {
        Some(m) if !diagnostics.iter().any(Diagnostic::is_error) => {
            let mut c = Checked::new(file, policy, m, text, name);
            c.acknowledged = acknowledged.clone();
            Some(c)
        }
        _ => None,
    };
    Checking {
        diagnostics,
        configurations,
        acknowledged,
        checked,
    }
}

/// Stage 3: a checked policy evaluated for one real server, with the server's own checks.
pub fn plan<'a>(checked: &'a Checked, target: &'a Target) -> Staged<Plan<'a>> {
    Plan::new(checked, target)
}

/// Stages 3–4: plan one server and render its outputs (nothing when the plan has errors, or
/// the outputs asked for cannot be written for this server).
pub fn compile(checked: &Checked, target: &Target, options: Options) -> Staged<Compiled> {
    plan(checked, target).then(|plan| {
        let refused = plan.refusals(options.scripts, options.allow_lossy);
        if refused.iter().any(Diagnostic::is_error) {
            return Staged::failed(refused);
        }
        Staged::new(Some(emit::render(&plan, options)), refused)
    })
}
