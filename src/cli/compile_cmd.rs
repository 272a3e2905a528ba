//! `amxc compile POLICY --target FILE | --targets DIR --out DIR [--check]`

use super::output::{counts, emit};
use super::{DiagArgs, EXIT_FINDINGS};
use crate::check::load;
use crate::compile::{render, Input, Options, Plan};
use crate::diagnostic::{codes, Diagnostic};
use crate::inputs::{self, ReadError};
use crate::output::{stale, write_server};
use crate::source::SourceMap;
use crate::target::{self, Target};
use crate::validate::validate;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The validated settings of one compile run.
pub struct CompileArgs<'a> {
    pub policy: &'a Path,
    pub matrix: Option<&'a Path>,
    pub targets: Vec<PathBuf>,
    pub out: &'a Path,
    pub options: Options,
    pub check: bool,
}

/// Target profiles in a folder: `*.yaml` and `*.yml`, sorted.
pub fn target_files(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ReadError::Io(dir.to_path_buf(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    v.sort();
    Ok(v)
}

pub fn run(args: CompileArgs, diag: &DiagArgs) -> miette::Result<u8> {
    let mut sources = SourceMap::new();
    let io = |e: ReadError| miette::miette!(code = "amxc::io", "{e}");
    let loaded = match load(&mut sources, args.policy, args.matrix) {
        Ok(l) => l,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(io(e)),
    };
    let mut diags = loaded.diagnostics.clone();
    let (Some(policy), Some(matrix)) = (&loaded.policy, &loaded.matrix) else {
        if !diags.iter().any(Diagnostic::is_error) {
            diags.push(
                Diagnostic::new(
                    codes::MATRIX_NOT_FOUND,
                    "compiling needs the version matrix",
                )
                .with_help("put it beside the policy or name it with `--matrix`")
                .with_severity(crate::diagnostic::Severity::Error),
            );
        }
        return Ok(emit(&sources, &diags, diag, None).max(EXIT_FINDINGS));
    };
    let text = sources.text(loaded.file).to_string();
    if !diags.iter().any(Diagnostic::is_error) {
        diags.extend(validate(policy, &text, Some(matrix)).diagnostics);
    }
    if diags.iter().any(Diagnostic::is_error) {
        let summary = format!("not compiled: the policy has problems ({})", counts(&diags));
        return Ok(emit(&sources, &diags, diag, Some(summary)).max(EXIT_FINDINGS));
    }
    // read and check every target
    let mut targets: Vec<Target> = Vec::new();
    for path in &args.targets {
        let file = match inputs::read(&mut sources, path, target::MAX_TARGET_BYTES) {
            Ok(f) => f,
            Err(ReadError::Invalid(d)) => {
                diags.push(*d);
                continue;
            }
            Err(e) => return Err(io(e)),
        };
        let (t, ds) = target::load(file, sources.text(file), policy, matrix);
        diags.extend(ds);
        if let Some(t) = t {
            if let Some(first) = targets
                .iter()
                .find(|o| o.server.eq_ignore_ascii_case(&t.server))
            {
                diags.push(
                    Diagnostic::new(
                        codes::INVALID_SERVER_NAME,
                        format!("server `{}` is described by two profiles", t.server),
                    )
                    .at(t.file, t.server_span, "described again here")
                    .with_label(first.file, first.server_span, "first described here")
                    .with_help("each server needs one profile; its name is its output folder"),
                );
                continue;
            }
            targets.push(t);
        }
    }
    let name = args
        .policy
        .file_name()
        .map_or("policy.amx".to_string(), |n| {
            n.to_string_lossy().into_owned()
        });
    let input = Input {
        policy,
        text: &text,
        name,
        matrix,
    };
    let results: Vec<Result<crate::compile::Compiled, Vec<Diagnostic>>> = targets
        .par_iter()
        .map(|t| Plan::new(&input, t).map(|plan| render(&plan, args.options)))
        .collect();
    let mut compiled = Vec::new();
    for r in results {
        match r {
            Ok(c) => compiled.push(c),
            Err(ds) => diags.extend(ds),
        }
    }
    let mut stale_count = 0;
    if args.check {
        let mut stdout = std::io::stdout().lock();
        for c in &compiled {
            let d = stale(args.out, c);
            if !d.is_empty() {
                stale_count += 1;
                let _ = stdout.write_all(d.as_bytes());
            }
        }
        if stale_count > 0 {
            diags.push(
                Diagnostic::new(
                    codes::STALE_OUTPUT,
                    format!(
                        "{stale_count} of {} compiled server folders in `{}` are stale",
                        compiled.len(),
                        args.out.display()
                    ),
                )
                .with_help("run `amxc compile` without `--check` and commit the result"),
            );
        }
    } else {
        let failures: Vec<String> = compiled
            .par_iter()
            .filter_map(|c| {
                write_server(args.out, c)
                    .err()
                    .map(|e| format!("{}: {e}", c.server))
            })
            .collect();
        if !failures.is_empty() {
            return Err(miette::miette!(
                code = "amxc::io",
                "cannot write outputs: {}",
                failures.join("; ")
            ));
        }
    }
    let failed = args.targets.len() - compiled.len();
    let summary = if args.check {
        format!(
            "{} servers compared, {stale_count} stale; {}",
            compiled.len(),
            counts(&diags)
        )
    } else {
        format!(
            "compiled {} of {} servers into {}; {}",
            compiled.len(),
            args.targets.len(),
            args.out.display(),
            counts(&diags)
        )
    };
    let code = emit(&sources, &diags, diag, Some(summary));
    Ok(if failed > 0 || stale_count > 0 {
        code.max(EXIT_FINDINGS)
    } else {
        code
    })
}
