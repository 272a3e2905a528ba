//! Compiling a policy for one server or a fleet: load and validate the policy, load every
//! target profile, compile the servers in parallel, then write (or compare) each server's
//! folder. A failing server is reported and the others are still written.

use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::driver::inputs::ReadError;
use crate::driver::load::{load_checked, load_target};
use crate::driver::output::{lock, recover_all, stale, write_server, NotOurs};
use crate::driver::partition::{
    sha256_hex, Manifest, ManifestServer, Partition, StaleServer, HASH_RULE,
    MANIFEST_FORMAT_VERSION,
};
use crate::emit::{Compiled, Options};
use crate::profile::Target;
use crate::source::SourceMap;
use rayon::prelude::*;
use std::collections::BTreeMap;
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
    /// Only the servers of this shard (`--partition`); the report then carries the shard's
    /// manifest.
    pub partition: Option<Partition>,
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
    /// Profiles this run is responsible for: all, or those of its shard.
    pub considered: usize,
    /// The shard's manifest, when partitioned.
    pub manifest: Option<Manifest>,
}

impl FleetReport {
    pub fn failed(&self, targets: usize) -> bool {
        self.policy_failed
            || self.servers.len() < targets
            || !self.stale.is_empty()
            || !self.write_failures.is_empty()
    }
}

/// An output folder's error: what amxc did not write is named as such; others in words.
fn describe_io(path: &Path, e: &std::io::Error) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<NotOurs>())
    {
        Some(n) => {
            format!("{n}: move it out of the output folder, amxc neither follows nor replaces it")
        }
        None if e.kind() == std::io::ErrorKind::Other => e.to_string(),
        None => format!("{}: {}", path.display(), crate::driver::inputs::io_words(e)),
    }
}

/// Target profiles in a folder: `*.yaml` and `*.yml`, sorted.
pub fn target_files(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let yaml = |p: &Path| p.extension().is_some_and(|x| x == "yaml" || x == "yml");
    super::files::walk(dir, Some(0), &yaml).map_err(|e| ReadError::Io(dir.to_path_buf(), e))
}

/// A fleet's profiles, loaded: those of the shard (all without a partition).
pub struct LoadedTargets {
    pub targets: Vec<Target>,
    /// Diagnostics of the shard's profiles; a server described twice among them.
    pub diagnostics: Vec<Diagnostic>,
    /// Profiles of the shard, read or not.
    pub considered: usize,
    /// The shard's profiles that could not be read, by file name.
    pub failed_profiles: Vec<String>,
}

/// Load the profiles of a fleet that belong to `partition`'s shard (a profile that cannot be
/// read belongs to the shard of its file name), giving `engine` to those that name none, and
/// keeping the first profile of a server described twice.
pub fn load_targets(
    sources: &mut SourceMap,
    paths: &[PathBuf],
    checked: &crate::Checked,
    partition: Option<&Partition>,
    engine: Option<&'static dyn crate::engine::Engine>,
) -> Result<LoadedTargets, ReadError> {
    let mut out = LoadedTargets {
        targets: Vec::new(),
        diagnostics: Vec::new(),
        considered: 0,
        failed_profiles: Vec::new(),
    };
    // servers by lower-cased name, to find one described twice without comparing every pair
    let mut seen: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    let in_shard = |name: &str| partition.is_none_or(|p| p.holds(name));
    for path in paths {
        let (t, ds) = load_target(sources, path, checked)?.into_parts();
        let Some(mut t) = t else {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if in_shard(&stem) {
                out.considered += 1;
                out.diagnostics.extend(ds);
                out.failed_profiles.push(stem);
            }
            continue;
        };
        if !in_shard(&t.server) {
            continue;
        }
        out.considered += 1;
        out.diagnostics.extend(ds);
        if let (None, Some(e)) = (t.engine, engine) {
            t.engine = Some((e, t.server_span));
        }
        let key = t.server.to_ascii_lowercase();
        if let Some(first) = seen.get(&key).map(|&i| &out.targets[i]) {
            out.diagnostics.push(
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
        seen.insert(key, out.targets.len());
        out.targets.push(t);
    }
    Ok(out)
}

pub fn compile_fleet(sources: &mut SourceMap, args: &FleetArgs) -> Result<FleetReport, ReadError> {
    let mut report = FleetReport::default();
    let (checked, diags) = load_checked(sources, args.policy, args.matrix)?.into_parts();
    report.diagnostics = diags;
    let Some(checked) = checked else {
        report.policy_failed = true;
        return Ok(report);
    };
    let loaded = load_targets(
        sources,
        &args.targets,
        &checked,
        args.partition.as_ref(),
        args.engine,
    )?;
    // the policy's findings that hold for these servers, and the servers' own
    report.diagnostics = super::scope::for_servers(
        &checked,
        &loaded.targets,
        std::mem::take(&mut report.diagnostics),
    );
    report.diagnostics.extend(loaded.diagnostics);
    report.considered = loaded.considered;
    let (targets, failed_profiles) = (loaded.targets, loaded.failed_profiles);
    // each server is written (or compared) as soon as it is compiled: a server's folder is
    // replaced atomically, and an interrupted fleet leaves the servers not yet reached
    // untouched
    struct Outcome {
        compiled: Staged<Compiled>,
        failure: Option<String>,
        stale: Option<String>,
        /// File name → SHA-256, for the shard's manifest.
        hashes: BTreeMap<String, String>,
    }
    // one run per output folder; what an interrupted run left is put back once, before any
    // server is written
    let _lock = if args.check {
        None
    } else {
        let servers: Vec<String> = targets.iter().map(|t| t.server.clone()).collect();
        match lock(args.out).and_then(|l| recover_all(args.out, &servers).map(|()| l)) {
            Ok(l) => Some(l),
            Err(e) => {
                report.write_failures.push(describe_io(args.out, &e));
                return Ok(report);
            }
        }
    };
    let results: Vec<Outcome> = targets
        .par_iter()
        .map(|t| {
            let compiled = crate::compile(&checked, t, args.options);
            let hashes = match (&compiled.value, &args.partition) {
                (Some(c), Some(_)) => c
                    .files
                    .iter()
                    .map(|(name, text)| (name.clone(), sha256_hex(text.as_bytes())))
                    .collect(),
                _ => BTreeMap::new(),
            };
            let (failure, stale) = match &compiled.value {
                Some(c) if args.check => (None, Some(stale(args.out, c)).filter(|d| !d.is_empty())),
                Some(c) => (
                    write_server(args.out, c)
                        .err()
                        .map(|e| describe_io(&args.out.join(&c.server), &e)),
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
                hashes,
            }
        })
        .collect();
    let mut manifest = args.partition.as_ref().map(|p| Manifest {
        format_version: MANIFEST_FORMAT_VERSION,
        policy: args
            .policy
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        shard: p.k,
        shards: p.n,
        hash: HASH_RULE.to_string(),
        check: args.check,
        failed: failed_profiles,
        ..Manifest::default()
    });
    for (o, t) in results.into_iter().zip(&targets) {
        if let Some(m) = manifest.as_mut() {
            match &o.compiled.value {
                Some(c) => {
                    m.servers.push(ManifestServer {
                        server: c.server.clone(),
                        files: o.hashes,
                    });
                    if let Some(d) = &o.stale {
                        m.stale.push(StaleServer {
                            server: c.server.clone(),
                            diff: d.clone(),
                        });
                    }
                }
                None => m.failed.push(t.server.clone()),
            }
        }
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
    if let Some(m) = manifest.as_mut() {
        m.servers.sort_by(|a, b| a.server.cmp(&b.server));
        m.failed.sort();
        m.stale.sort_by(|a, b| a.server.cmp(&b.server));
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity != crate::diagnostic::Severity::Note)
        {
            *m.diagnostics.entry(d.code.to_string()).or_default() += 1;
        }
    }
    report.manifest = manifest;
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
