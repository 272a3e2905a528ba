//! `amxc diff OLD NEW`

use super::failure::{Failure, Outcome};
use super::output::stdout;
use super::{DiffFormat, EXIT_FINDINGS};
use crate::diff::{diff, markdown, text};
use crate::driver::readback::read_tree;
use std::path::Path;

pub fn run(old: &Path, new: &Path, format: DiffFormat, exit_code: bool) -> Outcome {
    let o = read_tree(old)?;
    let n = read_tree(new)?;
    if o.is_empty() && n.is_empty() {
        return Err(Failure::usage(
            format!(
                "neither `{}` nor `{}` holds compiled outputs",
                old.display(),
                new.display()
            ),
            "point at a server's folder (with filters.yaml) or at the output folder of a fleet",
        ));
    }
    let d = diff(&o, &n);
    let rendered = match format {
        DiffFormat::Text => text(&d),
        DiffFormat::Markdown => markdown(&d),
        DiffFormat::Json => serde_json::to_string_pretty(&d).unwrap_or_default() + "\n",
    };
    stdout(&rendered);
    Ok(if exit_code && !d.is_empty() {
        EXIT_FINDINGS
    } else {
        0
    })
}
