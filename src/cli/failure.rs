//! What stops a command before it has findings: a file that cannot be read or written, or a
//! command line asking for what cannot be done. Both are coded diagnostics (AMX0500,
//! AMX0501), printed in the format the command was asked for, with exit code 2.

use crate::diagnostic::{codes, Diagnostic};
use crate::driver::inputs::ReadError;

/// A command's failure, as the diagnostic that says why.
#[derive(Debug)]
pub struct Failure(pub Diagnostic);

/// What a command gives: its exit code, or why it could not run.
pub type Outcome = Result<u8, Failure>;

impl Failure {
    /// A file or folder that cannot be read or written.
    pub fn io(message: impl Into<String>) -> Failure {
        Failure(Diagnostic::new(codes::IO, message).with_help(
            "check that the path exists, is of the right kind and can be read (or written)",
        ))
    }

    /// A command line that asks for what cannot be done.
    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Failure {
        Failure(Diagnostic::new(codes::USAGE, message).with_help(help))
    }
}

impl From<crate::driver::readback::OutputsError> for Failure {
    fn from(e: crate::driver::readback::OutputsError) -> Failure {
        match e {
            crate::driver::readback::OutputsError::Unreadable(m) => Failure::io(m),
            crate::driver::readback::OutputsError::Damaged(m) => Failure(
                Diagnostic::new(codes::IO, m).with_help(
                    "compare folders that `amxc compile` wrote; compile again to replace a damaged file",
                ),
            ),
        }
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Failure {
        match e {
            ReadError::Invalid(d) => Failure(*d),
            e => Failure::io(e.to_string()),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Failure {}

/// For library users that report errors through miette: the code and the help travel along.
impl miette::Diagnostic for Failure {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.0.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.0
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display + 'a>)
    }
}

/// The policy a command reads from standard input: `Some(name)` when the paths are `-` (the
/// name `--stdin-filename` gives, else `-`); `--stdin-filename` without `-` is a usage error.
pub fn stdin_policy<'a>(
    paths: &[std::path::PathBuf],
    stdin_filename: Option<&'a std::path::Path>,
    command: &str,
) -> Result<Option<&'a std::path::Path>, Failure> {
    let stdin = paths.len() == 1 && paths[0] == std::path::Path::new("-");
    match (stdin, stdin_filename) {
        (true, name) => Ok(Some(name.unwrap_or(std::path::Path::new("-")))),
        (false, None) => Ok(None),
        (false, Some(_)) => Err(Failure::usage(
            "--stdin-filename names the policy read from standard input",
            format!("give `-` as the path: `amxc {command} - --stdin-filename app.amx < buffer`"),
        )),
    }
}
