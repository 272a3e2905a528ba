//! Printing diagnostics as the user asked, and the exit code they imply.

use super::{ColorChoice, DiagArgs, EXIT_FINDINGS};
use crate::diagnostic::{render, Diagnostic, Format, Severity};
use crate::source::SourceMap;
use std::io::{IsTerminal, Write};

/// Whether human output (on stdout) gets colour: `--color`, else the conventions terminals
/// and CI systems set — `NO_COLOR` (no colour), `CLICOLOR_FORCE` (colour even into a pipe),
/// `CLICOLOR=0` and `TERM=dumb` (none) — else whether stdout is a terminal (read with
/// anstyle-query, as clap and cargo read them).
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if anstyle_query::no_color() {
                false
            } else if anstyle_query::clicolor_force()
                && std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0")
            {
                // the convention: forced unless `0` (anstyle-query takes any non-empty value)
                true
            } else {
                anstyle_query::clicolor() != Some(false)
                    && anstyle_query::term_supports_color()
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Set when output could not be written (a full disk, a device error): the run then exits 2,
/// never 0 with a truncated report. A closed pipe (`amxc … | head`) is not such a failure.
static WRITE_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether some output could not be written.
pub fn write_failed() -> bool {
    WRITE_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Note the result of writing to stdout: an error other than a closed pipe is reported once
/// on stderr and makes the run fail.
pub fn written(r: std::io::Result<()>) {
    if let Err(e) = r {
        if e.kind() != std::io::ErrorKind::BrokenPipe
            && !WRITE_FAILED.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            let _ = writeln!(
                std::io::stderr().lock(),
                "error[AMX0501]: cannot write the output: {}",
                crate::driver::inputs::io_words(&e)
            );
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
    stdout(&text);
    if format == Format::Human && !args.quiet {
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

/// Write to stdout, flushed; a failure other than a closed pipe makes the run fail
/// ([`written`]).
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    written(out.write_all(text.as_bytes()).and_then(|()| out.flush()));
}
