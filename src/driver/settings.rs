//! `.amxc.yaml`: a repository's own severities for amxc's findings, as ruff's and Regal's
//! configuration files give them. The file nearest a policy — in its folder or the closest
//! folder above, up to the repository's root (the folder with `.git`) — applies to the
//! findings in that policy:
//!
//! ```yaml
//! severity:
//!   AMX0320: error      # a warning this team treats as an error
//!   AMX0303: note       # a covered inclusion is only worth a note here
//! ignore: [AMX0308]     # superseded releases are listed on purpose
//! ```
//!
//! Only findings of checking can be changed: an error stays an error (it stops a compile
//! because the outputs would be wrong), and codes of reading and usage (AMX0500–AMX0599) are
//! not findings. A file that cannot be read is itself a finding (AMX0504) and changes nothing.
//! `allow` in a policy is still the way to acknowledge one finding with its reason.

use crate::diagnostic::{codes, Code, Diagnostic, Severity};
use crate::source::{FileId, SourceMap};
use crate::yaml::Fields;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The file's name.
pub const FILE: &str = ".amxc.yaml";

/// One configuration file, read.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub severity: HashMap<Code, Severity>,
    pub ignore: Vec<Code>,
}

/// Whether a code's severity may be set: a finding of checking, not an error.
fn settable(code: Code) -> Result<(), String> {
    if (500..600).contains(&code.0) || code == codes::INTERNAL {
        return Err(format!(
            "{code} is about reading or running, not a finding about a policy"
        ));
    }
    if code.info().severity == Severity::Error {
        return Err(format!(
            "{code} is an error: it stops a compile because the outputs would be wrong"
        ));
    }
    Ok(())
}

/// Read a configuration file; its problems are AMX0504 findings.
pub fn read(file: FileId, text: &str) -> (Settings, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut s = Settings::default();
    let bad = |span, msg: String, help: &str| {
        Diagnostic::new(codes::SETTINGS, msg)
            .at(file, span, "here")
            .with_help(help.to_string())
    };
    let root = match crate::yaml::load(file, text, codes::SETTINGS) {
        Ok(r) => r,
        Err(d) => return (s, vec![d]),
    };
    if root.is_null() {
        return (s, out);
    }
    let Some(entries) = root.as_map() else {
        out.push(bad(
            root.span,
            "the configuration must be a mapping".into(),
            "give `severity:` and `ignore:`",
        ));
        return (s, out);
    };
    let mut f = Fields::new(entries);
    if let Some(n) = f.get("severity") {
        match n.as_map() {
            Some(items) => {
                for (k, v) in items {
                    let key = k.as_scalar().unwrap_or("");
                    let Some(code) = Code::parse(key) else {
                        out.push(bad(
                            k.span,
                            format!("`{key}` is not an amxc diagnostic code"),
                            "`amxc explain --list` lists them",
                        ));
                        continue;
                    };
                    if let Err(why) = settable(code) {
                        out.push(bad(k.span, why, "only warnings and notes of checking can be changed; acknowledge one finding with `allow` in the policy"));
                        continue;
                    }
                    let sev = match v.as_scalar().map(str::to_ascii_lowercase).as_deref() {
                        Some("error") => Severity::Error,
                        Some("warning") => Severity::Warning,
                        Some("note") => Severity::Note,
                        _ => {
                            out.push(bad(
                                v.span,
                                format!("`{code}` needs `error`, `warning` or `note`"),
                                "write `AMX0320: error`",
                            ));
                            continue;
                        }
                    };
                    s.severity.insert(code, sev);
                }
            }
            None => out.push(bad(
                n.span,
                "`severity` must map codes to `error`, `warning` or `note`".into(),
                "write `severity: { AMX0320: error }`",
            )),
        }
    }
    if let Some(n) = f.get("ignore") {
        match n.scalar_or_list() {
            Some(items) => {
                for (t, span) in items {
                    match Code::parse(t) {
                        Some(code) => match settable(code) {
                            Ok(()) => s.ignore.push(code),
                            Err(why) => out.push(bad(
                                span,
                                why,
                                "only warnings and notes of checking can be ignored",
                            )),
                        },
                        None => out.push(bad(
                            span,
                            format!("`{t}` is not an amxc diagnostic code"),
                            "`amxc explain --list` lists them",
                        )),
                    }
                }
            }
            None => out.push(bad(
                n.span,
                "`ignore` must be a code or a list of codes".into(),
                "write `ignore: [AMX0308]`",
            )),
        }
    }
    for (key, span) in f.unknown() {
        out.push(bad(
            span,
            format!("unknown key `{key}`"),
            "the keys are `severity` and `ignore`",
        ));
    }
    if !out.is_empty() {
        // a file with problems changes nothing
        return (Settings::default(), out);
    }
    (s, out)
}

/// The configuration file that applies to `path`: the nearest `.amxc.yaml` in its folder or
/// above, up to the folder holding `.git` (or the filesystem's root).
pub fn nearest(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()?.to_path_buf()
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let mut dir = std::fs::canonicalize(&start).ok()?;
    loop {
        let candidate = dir.join(FILE);
        if std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.is_file()) {
            return Some(candidate);
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}

/// Apply the configuration files that hold for each finding (by the file it points into)
/// to `diags`: their severities changed, the ignored ones left out, and the problems of the
/// configuration files themselves added.
pub fn apply(sources: &mut SourceMap, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // each folder's configuration file, and each file read once
    let mut file_of: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut read_files: HashMap<PathBuf, Settings> = HashMap::new();
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(diags.len());
    for mut d in diags {
        let Some(p) = d.primary.as_ref() else {
            out.push(d);
            continue;
        };
        let name = PathBuf::from(sources.name(p.file));
        let dir = name.parent().map(Path::to_path_buf).unwrap_or_default();
        let cfg = file_of.entry(dir).or_insert_with(|| nearest(&name)).clone();
        let Some(cfg) = cfg else {
            out.push(d);
            continue;
        };
        if !read_files.contains_key(&cfg) {
            let settings = match super::files::read_input(&cfg, 1024 * 1024) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    // named as the user would (relative to the working folder where it is below it)
                    let shown = std::env::current_dir()
                        .ok()
                        .and_then(|d| std::fs::canonicalize(d).ok())
                        .and_then(|d| cfg.strip_prefix(d).ok().map(Path::to_path_buf))
                        .unwrap_or_else(|| cfg.clone());
                    let id = sources.add(shown.display().to_string(), text);
                    let (s, ds) = read(id, sources.text(id));
                    problems.extend(ds);
                    s
                }
                Err(_) => Settings::default(),
            };
            read_files.insert(cfg.clone(), settings);
        }
        let s = &read_files[&cfg];
        if s.ignore.contains(&d.code) {
            continue;
        }
        if let Some(sev) = s.severity.get(&d.code) {
            d.severity = *sev;
        }
        out.push(d);
    }
    problems.extend(out);
    problems
}
