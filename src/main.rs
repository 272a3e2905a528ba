//! The `amxc` binary: parse the command line, run, map the result to an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    amxc::cli::run(amxc::cli::Cli::parse())
}
