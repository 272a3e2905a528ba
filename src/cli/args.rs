//! The command line as clap parses it. These raw flags become validated options in the
//! command modules; nothing below the CLI sees them.

use crate::diagnostic::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "amxc", version, about = "Compile .amx policies into filter sets, service scripts and review pages", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// Options shared by commands that print diagnostics.
#[derive(clap::Args, Debug, Clone)]
pub struct DiagArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and validate policies against their version matrix, in every configuration.
    Check {
        /// Policy files, or folders searched recursively for `*.amx`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The version matrix (default: `<name>.versions.yaml` beside each policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Explain a diagnostic code: what it means, an example, the fix.
    Explain {
        /// A code such as AMX0302.
        code: Option<String>,
        /// List every code with its title.
        #[arg(long)]
        list: bool,
    },
    /// Show the configuration space of a policy and the release that serves each configuration.
    Matrix {
        policy: PathBuf,
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
}
