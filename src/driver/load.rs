//! Reading what a command needs: a policy and its version matrix (the one named, or the one
//! beside the policy) into the source map, parsed; checked policies; target profiles; whole
//! folders of policies for `check`.

use crate::checked::{Checked, Loaded};
use crate::diagnostic::{codes, Diagnostic, Severity, Staged};
use crate::driver::inputs::{self, Disk, Inputs, ReadError};
use crate::matrix;
use crate::parse;
use crate::plan::Plan;
use crate::profile::{self, Target};
use crate::source::{FileId, SourceMap, Span};
use std::path::{Path, PathBuf};

/// Read and parse a policy and read its matrix (`matrix_path`, or the one beside it).
pub fn load(
    sources: &mut SourceMap,
    path: &Path,
    matrix_path: Option<&Path>,
) -> Result<Loaded, ReadError> {
    let file = match inputs::read(sources, path, parse::MAX_POLICY_BYTES) {
        Ok(f) => f,
        Err(ReadError::Invalid(d)) => {
            let file = d.primary.as_ref().map_or(0, |p| p.file);
            return Ok(Loaded::refused(file, *d));
        }
        Err(e) => return Err(e),
    };
    load_file(sources, file, path, matrix_path)
}

/// [`load`] for a policy read elsewhere (standard input) and added to `sources` as `file`:
/// `path` is where it says it is (its matrix is looked for beside it).
pub fn load_file(
    sources: &mut SourceMap,
    file: FileId,
    path: &Path,
    matrix_path: Option<&Path>,
) -> Result<Loaded, ReadError> {
    match load_from(&Disk, sources, file, path, matrix_path) {
        (_, Some(e)) => Err(e),
        (loaded, None) => Ok(loaded),
    }
}

/// The front door of every command and of the language server: the policy added to
/// `sources` as `file` (from `path`), parsed, and its matrix (`matrix_path`, or the one beside
/// `path`) read through `inputs` and loaded. The matrix is read even when the policy does not
/// parse (the language server offers its words), but its problems are reported only for a
/// policy that parses. A matrix that exists but cannot be read comes back beside the loaded
/// policy: the command line stops on it, the language server reports the matrix as missing.
pub fn load_from(
    inputs: &dyn Inputs,
    sources: &mut SourceMap,
    file: FileId,
    path: &Path,
    matrix_path: Option<&Path>,
) -> (Loaded, Option<ReadError>) {
    if let Some(d) = not_a_policy(file, path, sources.text(file)) {
        return (Loaded::refused(file, d), None);
    }
    let parsed = parse::parse(file, sources.text(file));
    let mut diagnostics = parsed.diagnostics;
    let policy = parsed.value;
    let beside = matrix::matrix_path_for(path);
    let chosen = matrix_path.unwrap_or(&beside);
    let mut unread = None;
    let (matrix, matrix_file) =
        match inputs::read_from(inputs, sources, chosen, matrix::MAX_MATRIX_BYTES) {
            Ok(mf) => {
                let loaded = matrix::load(mf, sources.text(mf));
                if policy.is_some() {
                    diagnostics.extend(loaded.diagnostics);
                }
                (loaded.value, Some(mf))
            }
            Err(ReadError::Invalid(d)) => {
                if policy.is_some() {
                    diagnostics.push(*d);
                }
                (None, None)
            }
            Err(ReadError::Io(_, e))
                if matrix_path.is_none() && e.kind() == std::io::ErrorKind::NotFound =>
            {
                if let Some(p) = &policy {
                    diagnostics.push(matrix_not_found(file, p.id.span, &beside));
                }
                (None, None)
            }
            Err(e) => {
                if policy.is_some() {
                    unread = Some(e);
                }
                (None, None)
            }
        };
    let loaded = Loaded {
        file,
        policy,
        matrix,
        matrix_file,
        diagnostics,
    };
    (loaded, unread)
}

/// A version matrix, a target profile or other YAML given where a policy is expected: named,
/// rather than reported as a syntax error at its first character.
fn not_a_policy(file: FileId, path: &Path, text: &str) -> Option<Diagnostic> {
    let name = path.file_name()?.to_string_lossy();
    let yaml_name = name.ends_with(".yaml") || name.ends_with(".yml");
    // the first line that is not blank, a `#` comment or a `//` comment
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .unwrap_or("");
    // `key:` — a policy's first line is `amx "name" {`
    let yaml_content = first.split_once(':').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    if !yaml_name && !yaml_content {
        return None;
    }
    let has_key = |k: &str| text.lines().any(|l| l.starts_with(&format!("{k}:")));
    let what = if name.ends_with(".versions.yaml") || (has_key("dimensions") && has_key("versions"))
    {
        "a version matrix"
    } else if has_key("server") {
        "a target profile"
    } else {
        "YAML"
    };
    let help = match what {
        "a version matrix" => "pass the policy (`*.amx`): the matrix beside it is found by name, or give it with `--matrix`",
        "a target profile" => "pass the policy (`*.amx`) and the profile with `--target` (or a folder of them with `--targets`)",
        _ => "pass a policy (`*.amx`), which starts with `amx \"name\" {`",
    };
    Some(
        Diagnostic::new(
            codes::NOT_A_POLICY,
            format!("`{name}` is {what}, not a policy"),
        )
        .at(
            file,
            {
                let at = text.find(first).unwrap_or(0);
                Span::new(at, at + first.len())
            },
            format!("{what}, read as a policy"),
        )
        .with_help(help),
    )
}

/// The note that a policy is checked without its matrix, at the policy's name: `beside` is
/// where the matrix was looked for.
pub fn matrix_not_found(file: FileId, span: Span, beside: &Path) -> Diagnostic {
    let name = beside
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Diagnostic::new(
        codes::MATRIX_NOT_FOUND,
        "no version matrix: configurations are not checked",
    )
    .at(file, span, format!("no `{name}` beside this policy"))
    .with_note("checked without it: what holds in every configuration (statements without a condition: start order, vetoed, redundant and contradictory filters, exclusions outside every inclusion, data written on the passive and replicated); conditions, releases, exceptions and platforms need the matrix")
    .with_help("put the matrix beside the policy, or name it with `--matrix FILE`")
}

/// The outcome of checking policies.
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    pub policies: usize,
    pub configurations: usize,
    /// Findings the policies acknowledge with `allow`.
    pub acknowledged: usize,
}

/// Check every `.amx` under `paths`.
pub fn check_paths(
    sources: &mut SourceMap,
    paths: &[PathBuf],
    matrix_path: Option<&Path>,
) -> Result<CheckReport, ReadError> {
    let files = inputs::policy_files(paths)?;
    let mut report = CheckReport {
        diagnostics: Vec::new(),
        policies: files.len(),
        configurations: 0,
        acknowledged: 0,
    };
    for path in files {
        let loaded = load(sources, &path, matrix_path)?;
        let file = loaded.file;
        let checking = crate::check(loaded, sources.text(file), file_name(&path));
        report.diagnostics.extend(checking.diagnostics);
        report.configurations += checking.configurations;
        report.acknowledged += checking.acknowledged.len();
    }
    Ok(report)
}

/// Check one policy read from standard input, placed at `path` (its name in findings, and
/// where its matrix is looked for).
pub fn check_stdin(
    sources: &mut SourceMap,
    path: &Path,
    matrix_path: Option<&Path>,
) -> Result<CheckReport, ReadError> {
    let file = inputs::read_stdin(sources, path, parse::MAX_POLICY_BYTES)?;
    let loaded = load_file(sources, file, path, matrix_path)?;
    let checking = crate::check(loaded, sources.text(file), file_name(path));
    Ok(CheckReport {
        diagnostics: checking.diagnostics,
        policies: 1,
        configurations: checking.configurations,
        acknowledged: checking.acknowledged.len(),
    })
}

/// The name origins use for a policy (`policy.amx`).
fn file_name(path: &Path) -> String {
    path.file_name().map_or("policy.amx".to_string(), |n| {
        n.to_string_lossy().into_owned()
    })
}

/// Load and validate a policy for a command that needs a clean one (compile, coverage).
pub fn load_checked(
    sources: &mut SourceMap,
    policy: &Path,
    matrix: Option<&Path>,
) -> Result<Staged<Checked>, ReadError> {
    let loaded = match load(sources, policy, matrix) {
        Ok(l) => l,
        Err(ReadError::Invalid(d)) => return Ok(Staged::fail(*d)),
        Err(e) => return Err(e),
    };
    let no_matrix = loaded.policy.is_some() && loaded.matrix.is_none();
    let file = loaded.file;
    let checking = crate::check(loaded, sources.text(file), file_name(policy));
    let mut diags = checking.diagnostics;
    if no_matrix && !diags.iter().any(Diagnostic::is_error) {
        diags.push(
            Diagnostic::new(
                codes::MATRIX_NOT_FOUND,
                "this command needs the version matrix",
            )
            .with_severity(Severity::Error)
            .with_help("put it beside the policy or name it with `--matrix`"),
        );
    }
    Ok(Staged::new(checking.checked, diags))
}

/// Read and check one target profile against a checked policy.
pub fn load_target(
    sources: &mut SourceMap,
    path: &Path,
    c: &Checked,
) -> Result<Staged<Target>, ReadError> {
    let file = match inputs::read(sources, path, profile::MAX_TARGET_BYTES) {
        Ok(f) => f,
        Err(ReadError::Invalid(d)) => return Ok(Staged::fail(*d)),
        Err(e) => return Err(e),
    };
    Ok(profile::load(
        file,
        sources.text(file),
        &c.policy,
        &c.matrix,
    ))
}

/// Load, validate and plan one server, then hand the plan to `f`. Diagnostics come back
/// with the result: when the policy or the target fails, `f` is not called.
pub fn with_plan<R>(
    sources: &mut SourceMap,
    policy: &Path,
    matrix: Option<&Path>,
    target_path: &Path,
    engine: Option<&'static dyn crate::engine::Engine>,
    f: impl FnOnce(&Plan) -> R,
) -> Result<Staged<R>, ReadError> {
    let checked = load_checked(sources, policy, matrix)?;
    // the policy's notes and warnings belong to `check`; here only what stops the command
    let (c, diags) = checked.into_parts();
    let errors = diags.into_iter().filter(Diagnostic::is_error).collect();
    let Some(c) = c else {
        return Ok(Staged::failed(errors));
    };
    let target = load_target(sources, target_path, &c)?;
    let staged = Staged::new(Some(()), errors)
        .then(|()| target)
        .then(|mut t| {
            // the engine of a server whose profile names none
            if let (None, Some(e)) = (t.engine, engine) {
                t.engine = Some((e, t.server_span));
            }
            crate::plan(&c, &t).map(|plan| f(&plan))
        });
    Ok(staged)
}
