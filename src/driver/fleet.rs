//! Compiling a policy for one server or a fleet: load and validate the policy, load every
//! target profile, compile the servers in parallel, then write (or compare) each server's
//! folder. A failing server is reported and the others are still written.

use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::driver::inputs::ReadError;
use crate::driver::load::{load_checked, load_target};
use crate::driver::output::{recover_all, stale, write_server};
use crate::emit::{Compiled, Options};
use crate::profile::Target;
use crate::source::SourceMap;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// What to compile, and where.
pub struct FleetArgs<'a> {
    pub policy: &'a Path,
    pub matrix: Option<&'a Path>,
    pub targets: Vec<PathBuf>,
    pub out: &'a Path,
    pub options: Options,
    /// Compare with `out` instead of writing.
    pub check: bool,
    /// Keep every server's files in the report (for callers that read them). Without it a
    /// server's files are dropped once written or compared: a fleet's memory then stays
    /// that of the servers in flight, not of the whole fleet.
    pub keep: bool,
    /// The engine of servers whose profile names none (`--engine`).
    pub engine: Option<&'static dyn crate::engine::Engine>,
}

#[derive(Default)]
pub struct FleetReport {
    pub diagnostics: Vec<Diagnostic>,
    /// Servers compiled (and written, unless checking), in target order.
    pub servers: Vec<String>,
    /// Their files, when the arguments asked to keep them.
    pub compiled: Vec<Compiled>,
    /// Whether the policy itself failed, so no server was attempted.
    pub policy_failed: bool,
    /// Unified diffs of stale servers, when checking.
    pub stale: Vec<(String, String)>,
    /// Servers whose folder could not be written, with the reason.
    pub write_failures: Vec<String>,
}

impl FleetReport {
    pub fn failed(&self, targets: usize) -> bool {
        self.policy_failed
            || self.servers.len() < targets
            || !self.stale.is_empty()
            || !self.write_failures.is_empty()
    }
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

pub fn compile_fleet(sources: &mut SourceMap, args: &FleetArgs) -> Result<FleetReport, ReadError> {
    let mut report = FleetReport::default();
    let (checked, diags) = load_checked(sources, args.policy, args.matrix)?.into_parts();
    report.diagnostics = diags;
    let Some(checked) = checked else {
        report.policy_failed = true;
        return Ok(report);
    };
    let mut targets: Vec<Target> = Vec::new();
    for path in &args.targets {
        let (t, ds) = load_target(sources, path, &checked)?.into_parts();
        report.diagnostics.extend(ds);
        let Some(mut t) = t else { continue };
        if let (None, Some(e)) = (t.engine, args.engine) {
            t.engine = Some((e, t.server_span));
        }
        if let Some(first) = targets
            .iter()
            .find(|o| o.server.eq_ignore_ascii_case(&t.server))
        {
            report.diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_SERVER,
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
    // each server is written (or compared) as soon as it is compiled: a server's folder is
    // replaced atomically, and an interrupted fleet leaves the servers not yet reached
    // untouched
    struct Outcome {
        compiled: Staged<Compiled>,
        failure: Option<String>,
        stale: Option<String>,
    }
    // what an interrupted run left is put back once, before any server is written
    if !args.check {
        if let Err(e) = recover_all(args.out) {
            report
                .write_failures
                .push(format!("{}: {e}", args.out.display()));
            return Ok(report);
        }
    }
    let results: Vec<Outcome> = targets
        .par_iter()
        .map(|t| {
            let compiled = crate::compile(&checked, t, args.options);
            let (failure, stale) = match &compiled.value {
                Some(c) if args.check => (None, Some(stale(args.out, c)).filter(|d| !d.is_empty())),
                Some(c) => (
                    write_server(args.out, c)
                        .err()
                        .map(|e| format!("{}: {e}", c.server)),
                    None,
                ),
                None => (None, None),
            };
            Outcome {
                compiled: compiled.map(|c| Compiled {
                    files: if args.keep {
                        c.files
                    } else {
                        Default::default()
                    },
                    server: c.server,
                }),
                failure,
                stale,
            }
        })
        .collect();
    for o in results {
        report.diagnostics.extend(o.compiled.diagnostics);
        if let Some(c) = o.compiled.value {
            {
                report.servers.push(c.server.clone());
                if let Some(d) = o.stale {
                    report.stale.push((c.server.clone(), d));
                }
                if args.keep {
                    report.compiled.push(c);
                }
            }
        }
        report.write_failures.extend(o.failure);
    }
    if !report.stale.is_empty() {
        report.diagnostics.push(
            Diagnostic::new(
                codes::STALE_OUTPUT,
                format!(
                    "{} of {} compiled server folders in `{}` are stale",
                    report.stale.len(),
                    report.servers.len(),
                    args.out.display()
                ),
            )
            .with_help("run `amxc compile` without `--check` and commit the result"),
        );
    }
    Ok(report)
}
