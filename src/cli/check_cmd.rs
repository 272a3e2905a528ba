//! `amxc check PATH...`

use super::output::{counts, emit};
use super::DiagArgs;
use crate::driver::inputs::ReadError;
use crate::driver::load::check_paths;
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], matrix: Option<&Path>, diag: &DiagArgs) -> miette::Result<u8> {
    let mut sources = SourceMap::new();
    let report = match check_paths(&mut sources, paths, matrix) {
        Ok(r) => r,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(miette::miette!(code = "amxc::io", "{e}")),
    };
    if report.policies == 0 {
        let list: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(miette::miette!(
            code = "amxc::usage",
            help = "name .amx files, or folders that hold them",
            "no `.amx` policy found in {}",
            list.join(", ")
        ));
    }
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
