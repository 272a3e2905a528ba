//! `amxc fmt [--check] [PATH...]`

use super::failure::{Failure, Outcome};
use super::output::{emit, emit_result};
use super::{DiagArgs, EXIT_FINDINGS};
use crate::diagnostic::Format;
use crate::driver::inputs::{self, ReadError};
use crate::format::format_file;
use crate::parse::{self, parse};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

/// `amxc fmt -`: the policy on standard input, formatted onto standard output (with
/// `--check`, its diff instead, and exit 1 when it is not formatted). A policy that does not
/// parse prints nothing but its findings, and exits 1: an editor keeps its buffer.
fn run_stdin(name: &Path, check: bool, diag: &DiagArgs) -> Outcome {
    let mut sources = SourceMap::new();
    let file = match inputs::read_stdin(&mut sources, name, parse::MAX_POLICY_BYTES) {
        Ok(f) => f,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(e.into()),
    };
    let text = sources.text(file);
    let parsed = parse(file, text);
    if parsed.value.is_none() || parsed.diagnostics.iter().any(|d| d.is_error()) {
        let code = emit(&sources, &parsed.diagnostics, diag, None);
        return Ok(code.max(EXIT_FINDINGS));
    }
    let formatted = format_file(text);
    if !check {
        super::output::stdout(&formatted);
        return Ok(0);
    }
    if formatted == text {
        return Ok(0);
    }
    let shown = sources.name(file).to_string();
    super::output::stdout(&crate::driver::textdiff::unified(
        &shown, &shown, text, &formatted,
    ));
    Ok(EXIT_FINDINGS)
}

pub fn run(
    paths: &[PathBuf],
    check: bool,
    stdin_filename: Option<&Path>,
    diag: &DiagArgs,
) -> Outcome {
    if let Some(name) = super::failure::stdin_policy(paths, stdin_filename, "fmt")? {
        return run_stdin(name, check, diag);
    }
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = inputs::policy_files(&paths).map_err(Failure::from)?;
    let mut sources = SourceMap::new();
    let mut diags = Vec::new();
    let mut changed = 0;
    // with `--format json`, one document at the end: each file that is (or would be) rewritten,
    // with its diff when checking
    let json = Format::from(diag.format) == Format::Json;
    let mut report: Vec<serde_json::Value> = Vec::new();
    for path in &files {
        let file = match inputs::read(&mut sources, path, parse::MAX_POLICY_BYTES) {
            Ok(f) => f,
            Err(ReadError::Invalid(d)) => {
                diags.push(*d);
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let text = sources.text(file);
        let parsed = parse(file, text);
        if parsed.value.is_none() || parsed.diagnostics.iter().any(|d| d.is_error()) {
            diags.extend(parsed.diagnostics);
            continue;
        }
        let formatted = format_file(text);
        if formatted == text {
            continue;
        }
        changed += 1;
        let name = path.display().to_string();
        if check {
            let diff = crate::driver::textdiff::unified(&name, &name, text, &formatted);
            report.push(serde_json::json!({ "path": name, "diff": diff }));
            if json {
                continue;
            }
            // each file's diff as soon as it is known
            super::output::stdout(&diff);
        } else {
            report.push(serde_json::json!({ "path": name }));
            // a new file of a random name, created exclusively, renamed over the policy: no
            // name planted beside it is ever followed
            if let Err(e) = crate::driver::files::replace(path, formatted.as_bytes()) {
                return Err(Failure::io(format!(
                    "cannot rewrite `{}`: {}",
                    path.display(),
                    crate::driver::inputs::io_words(&e)
                )));
            }
        }
    }
    let summary = if check {
        format!("{changed} of {} files would be reformatted", files.len())
    } else {
        format!("{changed} of {} files reformatted", files.len())
    };
    let code = if json {
        let key = if check {
            "would_reformat"
        } else {
            "reformatted"
        };
        let result = serde_json::json!({
            "format_version": 1,
            "files": files.len(),
            key: report,
        });
        emit_result(&sources, &diags, diag, None, Some(result))
    } else {
        emit(&sources, &diags, diag, Some(summary))
    };
    Ok(if check && changed > 0 {
        code.max(EXIT_FINDINGS)
    } else {
        code
    })
}
