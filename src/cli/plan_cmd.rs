//! `amxc plan POLICY --target FILE`: the switchover plan of one server.

use super::args::{ColorChoice, FormatArg, PlanFormat};
use super::failure::{Failure, Outcome};
use super::output::{emit, stdout};
use super::{DiagArgs, EXIT_FINDINGS};
use crate::driver::load::with_plan;
use crate::emit::switchover;
use crate::source::SourceMap;
use std::path::Path;

pub fn run(
    policy: &Path,
    matrix: Option<&Path>,
    target: &Path,
    format: PlanFormat,
    color: ColorChoice,
) -> Outcome {
    let diag = DiagArgs {
        format: FormatArg::Human,
        color,
        deny_warnings: false,
        quiet: false,
    };
    let mut sources = SourceMap::new();
    let (out, diags) = with_plan(
        &mut sources,
        policy,
        matrix,
        target,
        None,
        |plan| match format {
            PlanFormat::Text => switchover::text(plan),
            PlanFormat::Markdown => switchover::markdown(plan),
            PlanFormat::Json => switchover::json(plan),
        },
    )
    .map_err(Failure::from)?
    .into_parts();
    let errors: Vec<_> = diags.into_iter().filter(|d| d.is_error()).collect();
    Ok(match out {
        Some(o) => {
            stdout(&o);
            emit(&sources, &errors, &diag, None)
        }
        None => emit(&sources, &errors, &diag, None).max(EXIT_FINDINGS),
    })
}
