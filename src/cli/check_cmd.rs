//! `amxc check PATH...`

use super::output::{counts, emit};
use super::DiagArgs;
use crate::check::check_paths;
use crate::inputs::ReadError;
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], matrix: Option<&Path>, diag: &DiagArgs) -> miette::Result<u8> {
    let mut sources = SourceMap::new();
    let report = match check_paths(&mut sources, paths, matrix) {
        Ok(r) => r,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(miette::miette!(code = "amxc::io", "{e}")),
    };
    let summary = format!(
        "checked {} {} in {} configurations: {}",
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
