//! Rendering: `human` (codespan-reporting, colour only when asked), `short` (one line each, for
//! editors and grep) and `json` (one document for tools).

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};

/// How diagnostics are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Source excerpts with labels (default).
    Human,
    /// `path:line:col: severity[CODE]: message`, one line each.
    Short,
    /// One JSON document with every diagnostic.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands, which annotate a pull request.
    Github,
}

/// Version of the JSON shape, bumped on incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Render all diagnostics. `color` applies to `human` only.
pub fn render(sources: &SourceMap, diags: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Human => human(sources, diags, color),
        Format::Short => diags.iter().map(|d| short(sources, d) + "\n").collect(),
        Format::Json => json(sources, diags),
        Format::Sarif => sarif(sources, diags),
        Format::Github => diags.iter().map(|d| github(sources, d) + "\n").collect(),
    }
}

fn human(sources: &SourceMap, diags: &[Diagnostic], color: bool) -> String {
    let config = term::Config::default();
    let mut out: Vec<u8> = Vec::new();
    for d in diags {
        let diag = to_codespan(d);
        let result = if color {
            let mut w = termcolor::Ansi::new(&mut out);
            term::emit_to_write_style(&mut w, &config, sources.files(), &diag)
        } else {
            term::emit_to_io_write(&mut out, &config, sources.files(), &diag)
        };
        if result.is_err() {
            out.extend_from_slice(short(sources, d).as_bytes());
            out.push(b'\n');
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(cs::Label::primary(p.file, p.span.range()).with_message(&p.message));
    }
    for s in &d.secondary {
        labels.push(cs::Label::secondary(s.file, s.span.range()).with_message(&s.message));
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code.to_string())
        .with_message(&d.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// `path:line:col: error[AMX0001]: message`
pub fn short(sources: &SourceMap, d: &Diagnostic) -> String {
    let sev = d.severity.as_str();
    match &d.primary {
        Some(p) => {
            let lc = sources.line_col(p.file, p.span.start());
            format!(
                "{}:{}:{}: {sev}[{}]: {}",
                sources.name(p.file),
                lc.line,
                lc.column,
                d.code,
                d.message
            )
        }
        None => format!("{sev}[{}]: {}", d.code, d.message),
    }
}

fn json(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    let mut s = serde_json::to_string_pretty(&json_document(sources, diags))
        .unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// The `--format json` document of `diags`, as a value (commands add their `result` to it).
pub fn json_document(sources: &SourceMap, diags: &[Diagnostic]) -> serde_json::Value {
    let label = |l: &super::Label| {
        let start = sources.line_col(l.file, l.span.start());
        let end = sources.line_col(l.file, l.span.end());
        serde_json::json!({
            "file": sources.name(l.file),
            "start": { "offset": l.span.start(), "line": start.line, "column": start.column },
            "end": { "offset": l.span.end(), "line": end.line, "column": end.column },
            "message": l.message,
        })
    };
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity,
                "code": d.code.to_string(),
                "message": d.message,
                "primary": d.primary.as_ref().map(label),
                "secondary": d.secondary.iter().map(label).collect::<Vec<_>>(),
                "notes": d.notes,
                "help": d.help,
                "fix": d.fix.as_ref().map(|f| {
                    let mut l = label(&super::Label { file: f.file, span: f.span, message: f.title.clone() });
                    l["replacement"] = serde_json::Value::String(f.replacement.clone());
                    l
                }),
            })
        })
        .collect();
    serde_json::json!({
        "format_version": JSON_FORMAT_VERSION,
        "diagnostics": items,
        "summary": {
            "errors": diags.iter().filter(|d| d.severity == Severity::Error).count(),
            "warnings": diags.iter().filter(|d| d.severity == Severity::Warning).count(),
            "notes": diags.iter().filter(|d| d.severity == Severity::Note).count(),
        }
    })
}

/// SARIF 2.1.0: one run, the codes as rules, each diagnostic a result.
fn sarif(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    // each file's path relative to the folder amxc runs in, worked out once
    let cwd = std::env::current_dir()
        .ok()
        .map(|c| c.to_string_lossy().replace('\\', "/"));
    let rel: Vec<String> = (0..sources.len())
        .map(|f| relative(sources.name(f), cwd.as_deref()))
        .collect();
    let location = |l: &super::Label| {
        let start = sources.line_col(l.file, l.span.start());
        let end = sources.line_col(l.file, l.span.end().max(l.span.start()));
        let mut loc = serde_json::json!({
            "physicalLocation": {
                "artifactLocation": artifact(&rel[l.file]),
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column.max(if end.line == start.line { start.column } else { 1 }),
                }
            }
        });
        if !l.message.is_empty() {
            loc["message"] = serde_json::json!({ "text": l.message });
        }
        loc
    };
    let mut codes: Vec<super::Code> = diags.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            let i = c.info();
            let mut markdown = format!("{}\n\n", i.meaning);
            if !i.example.is_empty() {
                markdown.push_str(&format!("Example:\n\n```\n{}\n```\n\n", i.example));
            }
            markdown.push_str(&format!("Fix: {}", i.fix));
            serde_json::json!({
                "id": c.to_string(),
                "name": i.title,
                "shortDescription": { "text": i.title },
                "fullDescription": { "text": i.meaning },
                "help": { "text": i.fix, "markdown": markdown },
                "defaultConfiguration": { "level": sarif_level(i.severity) },
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            for n in &d.notes {
                text.push_str(&format!("\nnote: {n}"));
            }
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let mut r = serde_json::json!({
                "ruleId": d.code.to_string(),
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": sarif_level(d.severity),
                "message": { "text": text },
            });
            if let Some(p) = &d.primary {
                r["locations"] = serde_json::json!([location(p)]);
            }
            r["partialFingerprints"] =
                serde_json::json!({ "amxc/v1": fingerprint(sources, &rel, d) });
            if !d.secondary.is_empty() {
                let related: Vec<serde_json::Value> = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(k, l)| {
                        let mut v = location(l);
                        v["id"] = serde_json::json!(k);
                        v
                    })
                    .collect();
                r["relatedLocations"] = serde_json::Value::Array(related);
            }
            r
        })
        .collect();
    sarif_doc(
        rules,
        results,
        serde_json::json!({ "executionSuccessful": true }),
    )
}

/// A SARIF log of one run of amxc.
fn sarif_doc(
    rules: Vec<serde_json::Value>,
    results: Vec<serde_json::Value>,
    invocation: serde_json::Value,
) -> String {
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "amxc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "automationDetails": { "id": "amxc/" },
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "the folder amxc ran in (the repository's root in CI)" } }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation],
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

/// A SARIF log for a run that could not finish: no results, and the failure as the tool's
/// notification (code scanning shows it as a failed analysis, not as a clean one).
pub fn sarif_failure(d: &Diagnostic) -> String {
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str(&format!("\nhelp: {h}"));
    }
    sarif_doc(
        Vec::new(),
        Vec::new(),
        serde_json::json!({
            "executionSuccessful": false,
            "toolExecutionNotifications": [{
                "level": "error",
                "message": { "text": text },
                "descriptor": { "id": d.code.to_string() },
            }],
        }),
    )
}

/// A fingerprint of a finding that survives other lines moving: its code, file, message and
/// the text it points at — never its line (FNV-1a, 64 bits, the same on every machine).
fn fingerprint(sources: &SourceMap, rel: &[String], d: &Diagnostic) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes.iter().chain([0xffu8].iter()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    eat(d.code.to_string().as_bytes());
    eat(d.message.as_bytes());
    if let Some(p) = &d.primary {
        eat(rel[p.file].as_bytes());
        let text = sources.text(p.file);
        eat(text.get(p.span.range()).unwrap_or("").as_bytes());
    }
    format!("{h:016x}")
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Characters a URI path segment keeps as they are (RFC 3986 unreserved).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path as given on the command line, relative to the folder amxc runs in (`cwd`, with `/`)
/// where it lies there: `\` becomes `/`, a leading `./` goes.
fn relative(path: &str, cwd: Option<&str>) -> String {
    let p = path.replace('\\', "/");
    let p = match cwd {
        Some(cwd) if std::path::Path::new(&p).is_absolute() => p
            .strip_prefix(&format!("{}/", cwd.trim_end_matches('/')))
            .map(str::to_string)
            .unwrap_or(p),
        _ => p,
    };
    let mut p = p.as_str();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    p.to_string()
}

/// Where a file is, for SARIF, from its [`relative`] path: relative to `%SRCROOT%` (the folder
/// amxc ran in), each segment percent-encoded; a file outside it by its absolute `file:` URI.
fn artifact(rel: &str) -> serde_json::Value {
    let encoded: Vec<String> = rel
        .split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    if rel.starts_with('/') {
        serde_json::json!({ "uri": format!("file://{}", encoded.join("/")) })
    } else {
        serde_json::json!({ "uri": encoded.join("/"), "uriBaseId": "%SRCROOT%" })
    }
}

/// `::error file=…,line=…,col=…,title=AMX0001::message`
pub fn github(sources: &SourceMap, d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str(&format!("\nhelp: {h}"));
    }
    let title = format!("{}: {}", d.code, d.code.info().title);
    match &d.primary {
        Some(p) => {
            let start = sources.line_col(p.file, p.span.start());
            let end = sources.line_col(p.file, p.span.end());
            format!(
                "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                prop(sources.name(p.file)),
                start.line,
                start.column,
                end.line,
                end.column,
                prop(&title),
                data(&msg)
            )
        }
        None => format!("::{kind} title={}::{}", prop(&title), data(&msg)),
    }
}
