//! `amxc verify POLICY --target FILE [--services F] [--filters F] [--reg F]`: drift between a running
//! server and what the policy compiles to for it. Exit 0: it matches; 1: drift; 2: a file
//! could not be read.

use super::failure::{Failure, Outcome};
use super::output::emit_result;
use super::DiagArgs;
use crate::driver::load::with_plan;
use crate::source::SourceMap;
use crate::verify::{self, Capture};
use std::path::Path;

fn capture(sources: &mut SourceMap, path: &Path) -> Result<Capture, Failure> {
    let bytes = crate::driver::files::read_input(path, crate::driver::files::DEFAULT_LIMIT)
        .map_err(|e| {
            Failure::io(format!(
                "cannot read `{}`: {}",
                path.display(),
                crate::driver::inputs::io_words(&e)
            ))
        })?;
    Capture::read(sources, path.display().to_string(), &bytes).map_err(|why| {
        Failure::io(format!(
            "cannot read the capture `{}`: {why}",
            path.display()
        ))
    })
}

/// The captures of one server a run holds against its policy.
pub struct Captures<'a> {
    pub services: Option<&'a Path>,
    pub filters: Option<&'a Path>,
    pub reg: Option<&'a Path>,
}

pub fn run(
    policy: &Path,
    matrix: Option<&Path>,
    target: &Path,
    captures: Captures,
    diag: &DiagArgs,
) -> Outcome {
    if captures.services.is_none() && captures.filters.is_none() && captures.reg.is_none() {
        return Err(Failure::usage(
            "nothing to verify",
            "give --services (sc qc / sc qfailure output), --filters (the Management Client's filter lists) or --reg (a reg export)",
        ));
    }
    let mut sources = SourceMap::new();
    // captures first, so that findings can point into them
    let mut read = |p: Option<&Path>| p.map(|p| capture(&mut sources, p)).transpose();
    let services = read(captures.services)?;
    let filters = read(captures.filters)?;
    let reg = read(captures.reg)?;
    let (found, errors) = with_plan(&mut sources, policy, matrix, target, |plan| {
        let mut out = Vec::new();
        let mut checked = Vec::new();
        if let Some(c) = &services {
            out.extend(verify::services::check(plan, c));
            checked.push("services");
        }
        if let Some(c) = &filters {
            out.extend(verify::filters::check(plan, c));
            checked.push("filters");
        }
        if let Some(c) = &reg {
            out.extend(verify::registry::check(plan, c));
            checked.push("registry");
        }
        (plan.target.server.clone(), checked, out)
    })
    .map_err(Failure::from)?
    .into_parts();
    let Some((server, checked, drift)) = found else {
        // the policy or profile has errors: they are what is reported
        let code = emit_result(&sources, &errors, diag, None, None);
        return Ok(code.max(super::EXIT_FINDINGS));
    };
    let summary = if drift.is_empty() {
        format!("{server} matches the policy ({})\n", checked.join(", "))
    } else {
        format!(
            "{server} differs from the policy in {} place{} ({})\n",
            drift.len(),
            if drift.len() == 1 { "" } else { "s" },
            checked.join(", ")
        )
    };
    let result = serde_json::json!({
        "format_version": 1,
        "server": server,
        "checked": checked,
        "drift": drift.len(),
    });
    let code = emit_result(&sources, &drift, diag, None, Some(result));
    if crate::diagnostic::Format::from(diag.format) != crate::diagnostic::Format::Json {
        eprint!("{summary}");
    }
    Ok(code)
}
