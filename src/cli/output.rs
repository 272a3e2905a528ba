//! Printing diagnostics as the user asked, and the exit code they imply.

use super::{ColorChoice, DiagArgs, EXIT_FINDINGS};
use crate::diagnostic::{render, Diagnostic, Format, Severity};
use crate::source::SourceMap;
use std::io::{IsTerminal, Write};

/// Whether human output (on stdout) gets colour.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Print diagnostics — the findings, on stdout in every format, as ruff and eslint do — and
/// the summary line on stderr (human format only); return the exit code.
pub fn emit(
    sources: &SourceMap,
    diags: &[Diagnostic],
    args: &DiagArgs,
    summary: Option<String>,
) -> u8 {
    let format = Format::from(args.format);
    let text = render(sources, diags, format, use_color(args.color));
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if format == Format::Human {
        if let Some(s) = summary {
            let _ = writeln!(std::io::stderr().lock(), "{s}");
        }
    }
    exit_code(diags, args.deny_warnings)
}

/// A command's own output and its diagnostics: with `--format json`, one JSON document — the
/// diagnostics document with the command's `result` beside them (`null` when there is none) —
/// so that a pipeline reads one value; otherwise `text` (when there is a result), then the
/// diagnostics as [`emit`] prints them.
pub fn emit_result(
    sources: &SourceMap,
    diags: &[Diagnostic],
    args: &DiagArgs,
    text: Option<&str>,
    result: Option<serde_json::Value>,
) -> u8 {
    if Format::from(args.format) != Format::Json {
        if let Some(t) = text {
            stdout(t);
        }
        return emit(sources, diags, args, None);
    }
    let mut doc = crate::diagnostic::json_document(sources, diags);
    doc["result"] = result.unwrap_or(serde_json::Value::Null);
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    stdout(&out);
    exit_code(diags, args.deny_warnings)
}

pub fn exit_code(diags: &[Diagnostic], deny_warnings: bool) -> u8 {
    let fails = diags.iter().any(|d| {
        d.severity == Severity::Error || (deny_warnings && d.severity == Severity::Warning)
    });
    if fails {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// `2 errors, 1 warning, 3 notes`
pub fn counts(diags: &[Diagnostic]) -> String {
    let n = |s| diags.iter().filter(|d| d.severity == s).count();
    let plural = |k: usize, w: &str| format!("{k} {w}{}", if k == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}",
        plural(n(Severity::Error), "error"),
        plural(n(Severity::Warning), "warning"),
        plural(n(Severity::Note), "note")
    )
}

/// Write to stdout; a closed pipe (`amxc … | head`) is not an error worth a panic.
pub fn stdout(text: &str) {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
