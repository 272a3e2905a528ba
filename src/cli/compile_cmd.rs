//! `amxc compile POLICY --target FILE | --targets DIR --out DIR [--check]`

use super::failure::{Failure, Outcome};
use super::output::{counts, emit, emit_result};
use super::{DiagArgs, EXIT_FINDINGS};
use crate::diagnostic::Format;
use crate::driver::fleet::{compile_fleet, FleetArgs};
use crate::driver::inputs::ReadError;
use crate::source::SourceMap;
use std::path::Path;

pub fn run(args: FleetArgs, manifest_path: Option<&Path>, diag: &DiagArgs) -> Outcome {
    let mut sources = SourceMap::new();
    let mut report = match compile_fleet(&mut sources, &args) {
        Ok(r) => r,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(e.into()),
    };
    // the repository's own severities (`.amxc.yaml`)
    report.diagnostics =
        crate::driver::settings::apply(&mut sources, std::mem::take(&mut report.diagnostics));
    // stale servers' diffs as they are, or (with `--format json`) in the one document at the end
    let json = Format::from(diag.format) == Format::Json;
    if !json {
        for (_, diff) in &report.stale {
            super::output::stdout(diff);
        }
    }
    // a shard's manifest: beside its servers, or where `--manifest` says (with `--check`, only
    // there: a check writes nothing into OUT)
    if let (Some(m), Some(p)) = (&report.manifest, &args.partition) {
        let path = match manifest_path {
            Some(path) => Some(path.to_path_buf()),
            None if !args.check => Some(args.out.join(p.manifest_name())),
            None => None,
        };
        if let Some(path) = path {
            let text = serde_json::to_string_pretty(m).unwrap_or_default() + "\n";
            if let Err(e) = crate::driver::output::write_file_atomic(&path, &text) {
                return Err(Failure::io(format!(
                    "cannot write the manifest `{}`: {}",
                    path.display(),
                    crate::driver::inputs::io_words(&e)
                )));
            }
        }
    }
    if !report.write_failures.is_empty() {
        return Err(Failure::io(format!(
            "cannot write outputs: {}",
            report.write_failures.join("; ")
        )));
    }
    let n = report.considered;
    let shard = args.partition.as_ref().map_or(String::new(), |p| {
        format!(" in shard {} ({})", p.label(), p.source)
    });
    let summary = if report.policy_failed {
        format!(
            "not compiled: the policy has problems ({})",
            counts(&report.diagnostics)
        )
    } else if n == 0 && args.partition.is_some() {
        format!(
            "no server of the fleet is{shard}: nothing to compile; {}",
            counts(&report.diagnostics)
        )
    } else if args.check {
        format!(
            "{} servers compared{shard}, {} stale; {}",
            report.servers.len(),
            report.stale.len(),
            counts(&report.diagnostics)
        )
    } else {
        format!(
            "compiled {} of {n} servers{shard} into {}; {}",
            report.servers.len(),
            args.out.display(),
            counts(&report.diagnostics)
        )
    };
    let code = if json {
        let result = serde_json::json!({
            "format_version": 1,
            "check": args.check,
            "out": args.out.display().to_string(),
            "servers": report.servers,
            "stale": report.stale.iter().map(|(server, diff)| serde_json::json!({
                "server": server, "diff": diff,
            })).collect::<Vec<_>>(),
            "shard": args.partition.as_ref().map(|p| p.label()),
            "policy_failed": report.policy_failed,
        });
        emit_result(&sources, &report.diagnostics, diag, None, Some(result))
    } else {
        emit(&sources, &report.diagnostics, diag, Some(summary))
    };
    Ok(if report.failed(n) {
        code.max(EXIT_FINDINGS)
    } else {
        code
    })
}
