//! `amxc matrix POLICY`

use super::failure::Outcome;
use super::output::emit;
use super::DiagArgs;
use crate::driver::inputs::ReadError;
use crate::driver::load::load;
use crate::emit::{space_json, space_table};
use crate::source::SourceMap;
use std::path::Path;

pub fn run(policy: &Path, matrix: Option<&Path>, diag: &DiagArgs) -> Outcome {
    let mut sources = SourceMap::new();
    let loaded = match load(&mut sources, policy, matrix) {
        Ok(l) => l,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(e.into()),
    };
    let (Some(p), Some(m)) = (&loaded.policy, &loaded.matrix) else {
        let code = emit(&sources, &loaded.diagnostics, diag, None);
        return Ok(code.max(1));
    };
    if diag.format == super::args::FormatArg::Json {
        super::output::stdout(&space_json(p, m));
    } else {
        super::output::stdout(&space_table(p, m));
    }
    Ok(0)
}
