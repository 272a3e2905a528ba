//! `amxc doc POLICY`

use super::failure::Outcome;
use super::output::emit;
use super::{DiagArgs, EXIT_FINDINGS};
use crate::driver::inputs::ReadError;
use crate::driver::load::load;
use crate::emit::feature_list;
use crate::source::SourceMap;
use std::path::Path;

pub fn run(policy: &Path, matrix: Option<&Path>, details: bool, diag: &DiagArgs) -> Outcome {
    let mut sources = SourceMap::new();
    let loaded = match load(&mut sources, policy, matrix) {
        Ok(l) => l,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(e.into()),
    };
    let Some(p) = &loaded.policy else {
        return Ok(emit(&sources, &loaded.diagnostics, diag, None).max(EXIT_FINDINGS));
    };
    super::output::stdout(&feature_list(p, loaded.matrix.as_ref(), details));
    Ok(0)
}
