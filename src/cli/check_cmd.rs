//! `amxc check PATH...`

use super::failure::{Failure, Outcome};
use super::output::{counts, emit};
use super::DiagArgs;
use crate::driver::inputs::ReadError;
use crate::driver::load::{check_paths, check_stdin};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

pub fn run(
    paths: &[PathBuf],
    matrix: Option<&Path>,
    stdin_filename: Option<&Path>,
    diag: &DiagArgs,
) -> Outcome {
    let mut sources = SourceMap::new();
    let found = match super::failure::stdin_policy(paths, stdin_filename, "check")? {
        Some(name) => check_stdin(&mut sources, name, matrix),
        None => check_paths(&mut sources, paths, matrix),
    };
    let mut report = match found {
        Ok(r) => r,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(e.into()),
    };
    if report.policies == 0 {
        let list: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(Failure::usage(
            format!("no `.amx` policy found in {}", list.join(", ")),
            "name .amx files, or folders that hold them",
        ));
    }
    // the repository's own severities (`.amxc.yaml`)
    report.diagnostics = crate::driver::settings::apply(&mut sources, report.diagnostics);
    let acknowledged = match report.acknowledged {
        0 => String::new(),
        1 => " (1 finding acknowledged by `allow`)".to_string(),
        n => format!(" ({n} findings acknowledged by `allow`)"),
    };
    let summary = format!(
        "checked {} {} in {} configurations: {}{acknowledged}",
        report.policies,
        if report.policies == 1 {
            "policy"
        } else {
            "policies"
        },
        report.configurations,
        counts(&report.diagnostics)
    );
    Ok(emit(&sources, &report.diagnostics, diag, Some(summary)))
}
