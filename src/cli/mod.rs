//! The command-line interface: turns parsed flags into calls of the library and results into
//! exit codes — 0 clean, 1 findings that fail, 2 usage or I/O failure.

mod args;
mod check_cmd;
mod explain_cmd;
mod matrix_cmd;
mod output;

pub use args::{Cli, ColorChoice, Command, DiagArgs};

use std::process::ExitCode;

/// Exit code for findings that fail the run.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage and I/O failures.
pub const EXIT_USAGE: u8 = 2;

/// Run one command.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check {
            paths,
            matrix,
            diag,
        } => check_cmd::run(&paths, matrix.as_deref(), &diag),
        Command::Explain { code, list } => explain_cmd::run(code.as_deref(), list),
        Command::Matrix {
            policy,
            matrix,
            diag,
        } => matrix_cmd::run(&policy, matrix.as_deref(), &diag),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
