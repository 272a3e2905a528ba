//! `check`: parse and validate policies, each against its version matrix. Chains the stages
//! and gathers every diagnostic; the CLI only renders them.

use crate::ast::Policy;
use crate::diagnostic::{codes, Diagnostic};
use crate::inputs::{self, ReadError};
use crate::matrix::{self, Matrix};
use crate::parse;
use crate::source::{FileId, SourceMap};
use crate::validate::{self, Validation};
use std::path::{Path, PathBuf};

/// A parsed policy with its matrix, ready for validation or compilation.
pub struct Loaded {
    pub file: FileId,
    pub policy: Option<Policy>,
    pub matrix: Option<Matrix>,
    pub diagnostics: Vec<Diagnostic>,
}

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
            return Ok(Loaded {
                file,
                policy: None,
                matrix: None,
                diagnostics: vec![*d],
            });
        }
        Err(e) => return Err(e),
    };
    let parsed = parse::parse(file, sources.text(file));
    let mut diagnostics = parsed.diagnostics;
    let mut matrix = None;
    if parsed.policy.is_some() {
        let beside = matrix::matrix_path_for(path);
        let chosen: Option<PathBuf> = match matrix_path {
            Some(p) => Some(p.to_path_buf()),
            None if beside.exists() => Some(beside.clone()),
            None => None,
        };
        match chosen {
            Some(mp) => match inputs::read(sources, &mp, matrix::MAX_MATRIX_BYTES) {
                Ok(mf) => {
                    let (m, ds) = matrix::load(mf, sources.text(mf));
                    diagnostics.extend(ds);
                    matrix = m;
                }
                Err(ReadError::Invalid(d)) => diagnostics.push(*d),
                Err(e) => return Err(e),
            },
            None => {
                let name = beside
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let span = parsed
                    .policy
                    .as_ref()
                    .map(|p| p.id.span)
                    .unwrap_or_default();
                diagnostics.push(
                    Diagnostic::new(
                        codes::MATRIX_NOT_FOUND,
                        "no version matrix: configurations are not checked",
                    )
                    .at(file, span, format!("no `{name}` beside this policy"))
                    .with_help("put the matrix beside the policy, or name it with `--matrix FILE`"),
                );
            }
        }
    }
    Ok(Loaded {
        file,
        policy: parsed.policy,
        matrix,
        diagnostics,
    })
}

/// The outcome of checking policies.
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    pub policies: usize,
    pub configurations: usize,
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
    };
    for path in files {
        let loaded = load(sources, &path, matrix_path)?;
        report.diagnostics.extend(loaded.diagnostics);
        if let Some(policy) = &loaded.policy {
            let parse_failed = report
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.primary.as_ref().is_some_and(|p| p.file == loaded.file));
            if !parse_failed {
                let Validation {
                    diagnostics,
                    configurations,
                } = validate::validate(policy, sources.text(loaded.file), loaded.matrix.as_ref());
                report.diagnostics.extend(diagnostics);
                report.configurations += configurations;
            }
        }
    }
    Ok(report)
}
