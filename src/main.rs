//! The `amxc` binary: parse the command line, run, map the result to an exit code.

use clap::Parser;

/// mimalloc: validation builds and drops large per-environment tables; glibc's allocator
/// spent a quarter of the time consolidating and re-zeroing pages for them. The feature
/// `system-alloc` keeps the system allocator, for heap profilers that hook malloc (heaptrack).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    amxc::cli::run(amxc::cli::Cli::parse())
}
