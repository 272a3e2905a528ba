//! `amxc diff OLD NEW`

use super::output::stdout;
use super::{DiffFormat, EXIT_FINDINGS};
use crate::diff::{diff, markdown, read_tree, text};
use std::path::Path;

pub fn run(old: &Path, new: &Path, format: DiffFormat, exit_code: bool) -> miette::Result<u8> {
    let io = |e: String| miette::miette!(code = "amxc::io", "{e}");
    let o = read_tree(old).map_err(io)?;
    let n = read_tree(new).map_err(io)?;
    if o.is_empty() && n.is_empty() {
        return Err(miette::miette!(
            code = "amxc::usage",
            help =
                "point at a server's folder (with filters.yaml) or at the output folder of a fleet",
            "neither `{}` nor `{}` holds compiled outputs",
            old.display(),
            new.display()
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
