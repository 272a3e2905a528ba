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
    /// Rewrite policies in the canonical layout (files, or folders searched for `*.amx`).
    Fmt {
        paths: Vec<PathBuf>,
        /// Write nothing; exit 1 with a diff when a file is not formatted.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Compare two compiled output folders (a server's or a fleet's) by meaning.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 1 when there are differences.
        #[arg(long)]
        exit_code: bool,
    },
    /// Classify a server's paths (`dir /s /b` output, registry keys) against its filters.
    Coverage {
        policy: PathBuf,
        #[arg(long)]
        target: PathBuf,
        /// A listing: one absolute path or registry key per line.
        #[arg(long)]
        paths: PathBuf,
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// Counts per class and per rule, and the rules that matched nothing.
        #[arg(long)]
        summary: bool,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Say how one path is treated on a server, and by which rule.
    ExplainPath {
        path: String,
        policy: PathBuf,
        #[arg(long)]
        target: PathBuf,
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
    /// Compile a policy for one server or a fleet into filter sets, scripts and summaries.
    Compile {
        policy: PathBuf,
        /// One server's target profile.
        #[arg(long, conflicts_with = "targets", required_unless_present = "targets")]
        target: Option<PathBuf>,
        /// A folder of target profiles (`*.yaml`): one output folder per server.
        #[arg(long)]
        targets: Option<PathBuf>,
        /// Output folder; each server gets `OUT/<server>/`.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// Script language: by the server's OS (auto), PowerShell, cmd or both.
        #[arg(long, value_enum, default_value_t = ScriptArg::Auto)]
        script: ScriptArg,
        /// Extra output formats (`json` adds filters.json).
        #[arg(long, value_enum)]
        emit: Vec<EmitExtra>,
        /// Write nothing; exit 1 with a diff when the outputs in OUT are stale.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Print the KB "Feature List" article generated from a policy (Markdown).
    Doc {
        policy: PathBuf,
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Print the JSON Schema of a YAML input, for editors.
    Schema {
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
    /// Show the configuration space of a policy and the release that serves each configuration.
    Matrix {
        policy: PathBuf,
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitExtra {
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Matrix,
    Target,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    /// A pull-request comment: summary line, collapsible details, under 60,000 characters.
    Markdown,
    Json,
}

/// `--script`: which script language to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScriptArg {
    /// PowerShell on Windows Server 2008 and later, cmd on 2003.
    Auto,
    Ps1,
    Cmd,
    Both,
}

impl From<ScriptArg> for crate::emit::ScriptKind {
    fn from(a: ScriptArg) -> Self {
        match a {
            ScriptArg::Auto => Self::Auto,
            ScriptArg::Ps1 => Self::Ps1,
            ScriptArg::Cmd => Self::Cmd,
            ScriptArg::Both => Self::Both,
        }
    }
}

impl Command {
    /// How the command prints diagnostics, when it prints any.
    pub fn diag_args(&self) -> Option<&DiagArgs> {
        match self {
            Command::Check { diag, .. }
            | Command::Compile { diag, .. }
            | Command::Doc { diag, .. }
            | Command::Coverage { diag, .. }
            | Command::ExplainPath { diag, .. }
            | Command::Fmt { diag, .. }
            | Command::Matrix { diag, .. } => Some(diag),
            _ => None,
        }
    }
}
