//! `amxc merge MANIFEST|FOLDER…`: one report of a fleet compiled in shards.

use super::failure::{Failure, Outcome};
use super::output::stdout;
use super::{DiffFormat, EXIT_FINDINGS};
use crate::driver::merge;
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], format: DiffFormat) -> Outcome {
    let found = merge::find(paths).map_err(Failure::io)?;
    if found.is_empty() {
        return Err(Failure::usage(
            "no shard manifest (`amxc-shard-K-of-N.json`) found",
            "point at the manifests, or at the folders the shards wrote (`compile --partition` writes one beside its servers; with `--check`, `--manifest FILE` says where)",
        ));
    }
    let m = merge::merge(&found).map_err(Failure::io)?;
    stdout(&match format {
        DiffFormat::Text => merge::text(&m),
        DiffFormat::Markdown => merge::markdown(&m),
        DiffFormat::Json => merge::json(&m),
    });
    Ok(if m.failed() { EXIT_FINDINGS } else { 0 })
}
