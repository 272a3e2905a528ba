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
    let article = feature_list(p, loaded.matrix.as_ref(), details);
    // with `--format json`: the article's Markdown in one document with the diagnostics
    let result = serde_json::json!({
        "format_version": 1,
        "amx": p.id.text,
        "markdown": article,
    });
    let notes: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    Ok(super::output::emit_result(
        &sources,
        &notes,
        diag,
        Some(&article),
        Some(result),
    ))
}
