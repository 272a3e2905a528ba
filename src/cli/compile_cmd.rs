//! `amxc compile POLICY --target FILE | --targets DIR --out DIR [--check]`

use super::failure::{Failure, Outcome};
use super::output::{counts, emit};
use super::{DiagArgs, EXIT_FINDINGS};
use crate::driver::fleet::{compile_fleet, FleetArgs};
use crate::driver::inputs::ReadError;
use crate::source::SourceMap;
use std::io::Write;

pub fn run(args: FleetArgs, diag: &DiagArgs) -> Outcome {
    let mut sources = SourceMap::new();
    let report = match compile_fleet(&mut sources, &args) {
        Ok(r) => r,
        Err(ReadError::Invalid(d)) => return Ok(emit(&sources, &[*d], diag, None)),
        Err(e) => return Err(e.into()),
    };
    let mut stdout = std::io::stdout().lock();
    for (_, diff) in &report.stale {
        let _ = stdout.write_all(diff.as_bytes());
    }
    if !report.write_failures.is_empty() {
        return Err(Failure::io(format!(
            "cannot write outputs: {}",
            report.write_failures.join("; ")
        )));
    }
    let n = args.targets.len();
    let summary = if report.policy_failed {
        format!(
            "not compiled: the policy has problems ({})",
            counts(&report.diagnostics)
        )
    } else if args.check {
        format!(
            "{} servers compared, {} stale; {}",
            report.servers.len(),
            report.stale.len(),
            counts(&report.diagnostics)
        )
    } else {
        format!(
            "compiled {} of {n} servers into {}; {}",
            report.servers.len(),
            args.out.display(),
            counts(&report.diagnostics)
        )
    };
    let code = emit(&sources, &report.diagnostics, diag, Some(summary));
    Ok(if report.failed(n) {
        code.max(EXIT_FINDINGS)
    } else {
        code
    })
}
