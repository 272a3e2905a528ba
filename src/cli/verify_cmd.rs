//! `amxc verify POLICY --target FILE [--services F] [--filters F] [--reg F] [--cluster F]`: drift between a running
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
    pub cluster: Option<&'a Path>,
}

pub fn run(
    policy: &Path,
    matrix: Option<&Path>,
    target: &Path,
    captures: Captures,
    diag: &DiagArgs,
) -> Outcome {
    if captures.services.is_none()
        && captures.filters.is_none()
        && captures.reg.is_none()
        && captures.cluster.is_none()
    {
        return Err(Failure::usage(
            "nothing to verify",
            "give --services (sc qc / sc qfailure output), --filters (the Management Client's filter lists), --reg (a reg export) or --cluster (the role's resources, Format-List)",
        ));
    }
    let mut sources = SourceMap::new();
    // captures first, so that findings can point into them
    let mut read = |p: Option<&Path>| p.map(|p| capture(&mut sources, p)).transpose();
    let services = read(captures.services)?;
    let filters = read(captures.filters)?;
    let reg = read(captures.reg)?;
    let cluster = read(captures.cluster)?;
    // a role's capture: the server runs failover clustering
    let engine = cluster
        .as_ref()
        .map(|_| crate::engine::EngineKind::Wsfc.engine());
    let (found, errors) = with_plan(&mut sources, policy, matrix, target, engine, |plan| {
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
        let engine = plan.env.engine.kind();
        if let Some(c) = &cluster {
            if engine == crate::engine::EngineKind::Wsfc {
                out.extend(verify::cluster::check(plan, c));
                checked.push("cluster role");
            }
        }
        (plan.target.server.clone(), checked, out, engine)
    })
    .map_err(Failure::from)?
    .into_parts();
    if let (Some((server, _, _, engine)), Some(_)) = (&found, &cluster) {
        if *engine != crate::engine::EngineKind::Wsfc {
            return Err(Failure::usage(
                format!(
                    "--cluster: {server} runs the `{}` engine, as its profile says",
                    engine.name()
                ),
                "give the profile of a server that runs failover clustering (`engine: wsfc`, or no `engine:`)",
            ));
        }
    }
    let Some((server, checked, drift, _)) = found else {
        // the policy or profile has errors: they are what is reported
        let code = emit_result(&sources, &errors, diag, None, None);
        return Ok(code.max(super::EXIT_FINDINGS));
    };
    let count = drift.iter().filter(|d| d.is_error()).count();
    let summary = if count == 0 {
        format!("{server} matches the policy ({})\n", checked.join(", "))
    } else {
        format!(
            "{server} differs from the policy in {} place{} ({})\n",
            count,
            if count == 1 { "" } else { "s" },
            checked.join(", ")
        )
    };
    let result = serde_json::json!({
        "format_version": 1,
        "server": server,
        "checked": checked,
        "drift": count,
    });
    let code = emit_result(&sources, &drift, diag, None, Some(result));
    if crate::diagnostic::Format::from(diag.format) != crate::diagnostic::Format::Json
        && !diag.quiet
    {
        eprint!("{summary}");
    }
    Ok(code)
}
