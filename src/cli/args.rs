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
    /// Always colour (also when piped).
    Always,
    /// Never colour.
    Never,
}

/// Options shared by commands that print diagnostics.
#[derive(clap::Args, Debug, Clone)]
pub struct DiagArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print the findings and nothing else (no summary line).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and validate policies against their version matrix, in every configuration.
    #[command(
        after_help = "Examples:\n  amxc check policies/\n  amxc check - --stdin-filename policies/app.amx < buffer.amx\n  amxc check policies/ --format sarif > amxc.sarif\n  amxc check policies/app.amx --matrix matrices/app.versions.yaml --deny-warnings"
    )]
    Check {
        /// Policy files, or folders searched recursively for `*.amx`; `-` reads one policy from
        /// standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The version matrix (default: `<name>.versions.yaml` beside each policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// With `-`: the path the policy on standard input has (its name in findings, and where
        /// its matrix is looked for), as an editor knows it.
        #[arg(long)]
        stdin_filename: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Start a module: a policy, its version matrix, a target profile and a policy test that check clean.
    #[command(after_help = "Example:\n  amxc init contoso-backup --dir modules/contoso-backup")]
    Init {
        /// The module's name (lower-case letters, digits and hyphens).
        name: String,
        /// The folder to write into (created; default: the current folder). Existing files are never overwritten.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Run policy test files (`*.amxtest.yaml`): what must hold on named servers or configurations.
    #[command(
        after_help = "Examples:\n  amxc test policies/\n  amxc test policies/tests/symantec-mail-security.amxtest.yaml --format github\n\nThe format is in docs/testing.md. Exit 0: every assertion holds; 1: one does not, or a file cannot be run."
    )]
    Test {
        /// Test files, or folders searched recursively for `*.amxtest.yaml` (default: the current folder).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Rewrite policies in the canonical layout (files, or folders searched for `*.amx`).
    #[command(
        after_help = "Examples:\n  amxc fmt policies/\n  amxc fmt --check policies/\n  amxc fmt - < app.amx > formatted.amx"
    )]
    Fmt {
        /// Policy files, or folders searched recursively for `*.amx` (default: the current folder);
        /// `-` formats standard input onto standard output, as editors run formatters.
        paths: Vec<PathBuf>,
        /// Write nothing; exit 1 with a diff when a file is not formatted.
        #[arg(long)]
        check: bool,
        /// With `-`: the path the policy on standard input has (its name in findings).
        #[arg(long)]
        stdin_filename: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Compare two compiled output folders (a server's or a fleet's) by meaning.
    #[command(after_help = "Example:\n  amxc diff /tmp/old out/ --format markdown > diff.md")]
    Diff {
        /// The output folder before the change (a server's, or a fleet's with one folder per server).
        old: PathBuf,
        /// The output folder after the change.
        new: PathBuf,
        /// How to print the differences.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 1 when there are differences.
        #[arg(long)]
        exit_code: bool,
    },
    /// Classify a server's paths (`dir /s /b` output, registry keys) against its filters.
    #[command(
        after_help = "Examples:\n  amxc coverage policies/symantec-mail-security.amx --target policies/targets/symantec-mail-security/EXCH01.yaml --paths listing.txt --summary\n  amxc coverage policies/symantec-mail-security.amx --targets servers/ --paths listings/ --partition auto"
    )]
    #[command(group(clap::ArgGroup::new("servers").required(true).args(["target", "targets"])))]
    Coverage {
        /// The policy (`*.amx`); its matrix is the `.versions.yaml` beside it unless `--matrix` names one.
        policy: PathBuf,
        /// The server's target profile (YAML).
        #[arg(long)]
        target: Option<PathBuf>,
        /// A fleet: a folder of target profiles; `--paths` is then a folder of listings, `<server>.txt` each.
        #[arg(long)]
        targets: Option<PathBuf>,
        /// Only one shard of the fleet: `hash:K/N` or `auto` (as `compile --partition`).
        #[arg(long, value_name = "hash:K/N|auto", requires = "targets")]
        partition: Option<String>,
        /// A listing: one absolute path or registry key per line (with `--targets`, a folder of them).
        #[arg(long)]
        paths: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// Counts per class and per rule, and the rules that matched nothing.
        #[arg(long)]
        summary: bool,
        /// The code page of a listing with no byte order mark that is not UTF-8: 1252 (the
        /// default), or the OEM code page `dir > file` in cmd writes (437, 850, …; `chcp` says).
        #[arg(long, value_name = "CP", default_value = "1252", value_parser = crate::encoding::CodePage::parse)]
        code_page: crate::encoding::CodePage,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Say how one path is treated on a server, and by which rule.
    #[command(
        after_help = "Example:\n  amxc explain-path 'E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\logs\\a.log' policies/symantec-mail-security.amx --target policies/targets/symantec-mail-security/EXCH01.yaml"
    )]
    ExplainPath {
        /// An absolute path or registry key, as the server has it.
        path: String,
        /// The policy (`*.amx`).
        policy: PathBuf,
        /// The server's target profile (YAML).
        #[arg(long)]
        target: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Hold what a running server has, captured with standard tools, against what the policy compiles to for it; name every drift.
    #[command(
        after_help = "Captures, made on the server:\n  --services  sc qc NAME and sc qfailure NAME of each protected service (or sc queryex), in one file\n  --filters   the Management Client's File Filters and Registry Filters, one filter a line: Include|Exclude, pattern, state\n  --reg       reg export of the application's keys (UTF-16 or REGEDIT4)\n  --cluster   the role's resources, Format-List (docs/deploy.md gives the command)\nExit 0: the server matches; 1: drift; 2: a file could not be read.\n\nExample:\n  amxc verify policies/symantec-mail-security.amx --target policies/targets/symantec-mail-security/EXCH01.yaml --services sc.txt --filters filters.txt"
    )]
    Verify {
        /// The policy (`*.amx`).
        policy: PathBuf,
        /// The server's target profile (YAML).
        #[arg(long)]
        target: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// `sc qc` / `sc qfailure` / `sc queryex` output of the server (several services in one file).
        #[arg(long)]
        services: Option<PathBuf>,
        /// The filter lists as copied from the Management Client.
        #[arg(long)]
        filters: Option<PathBuf>,
        /// A `reg export` of the application's keys on the server.
        #[arg(long)]
        reg: Option<PathBuf>,
        /// The failover-cluster role's resources as PowerShell lists them (`Format-List`; the
        /// server runs failover clustering even where its profile names no engine).
        #[arg(long)]
        cluster: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Show what a switchover from a server does, in order, on which server, and how long it can take.
    #[command(
        after_help = "Examples:\n  amxc plan policies/sql-server.amx --target policies/targets/sql-server/SQL01.yaml\n  amxc plan policies/sql-server.amx --target policies/targets/sql-server/SQL01.yaml --format markdown > plan.md\n  amxc plan policies/sql-server.amx --target policies/targets/sql-server/SQL01.yaml --format json"
    )]
    Plan {
        /// The policy (`*.amx`); its matrix is the `.versions.yaml` beside it unless `--matrix` names one.
        policy: PathBuf,
        /// The server's target profile (YAML): the active server of the switchover.
        #[arg(long)]
        target: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// How to print the plan (errors are printed as human diagnostics).
        #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
        format: PlanFormat,
        /// Colour in diagnostics.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Join the manifests of a fleet's shards (`compile --partition`) into one report.
    #[command(
        after_help = "Examples:\n  amxc merge shards/\n  amxc merge out-1/amxc-shard-1-of-2.json out-2/amxc-shard-2-of-2.json --format markdown > comment.md"
    )]
    Merge {
        /// Manifests (`amxc-shard-K-of-N.json`), or folders searched for them (three levels down).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Run the language server (LSP over stdin and stdout), for editors.
    #[command(
        after_help = "Editors start it themselves; see editors/vscode/ and the README (Neovim: nvim-lspconfig).\nExample:\n  amxc lsp"
    )]
    Lsp {
        /// Talk over stdin and stdout (the only transport; accepted because language clients,
        /// such as VS Code's, pass it)
        #[arg(long)]
        stdio: bool,
    },
    /// Propose a policy from what a real server shows (registry exports, Process Monitor traces, listings, service configurations).
    #[command(
        after_help = "A folder the application wrote 3 or more files of becomes `folder\\**`; fewer files sharing an extension `folder\\*.ext`. Registry keys become their application's subtree (HKLM\\SOFTWARE\\Vendor\\Product\\**). Temporary folders are proposed unprotected; system and vetoed locations and other processes are left out, each named in a comment.\n\nExamples:\n  amxc discover --name contoso-backup --release 2021-06-15 --procmon trace.csv --process ContosoBackup.exe --reg contoso.reg --services sc.txt > contoso-backup.amx\n  amxc discover --name contoso-backup --procmon trace.csv --policy policies/contoso-backup.amx"
    )]
    Discover(DiscoverArgs),
    /// Explain a diagnostic code: what it means, an example, the fix.
    #[command(
        after_help = "Examples:\n  amxc explain AMX0302\n  amxc explain --list\n  amxc explain --list --format json > codes.json"
    )]
    Explain {
        /// A code such as AMX0302.
        code: Option<String>,
        /// List every code with its title.
        #[arg(long)]
        list: bool,
        /// How to print the explanation.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Compile a policy for one server or a fleet into filter sets, scripts and summaries.
    #[command(
        after_help = "Examples:\n  amxc compile policies/symantec-mail-security.amx --targets policies/targets/symantec-mail-security --out out/\n  amxc compile policies/symantec-mail-security.amx --target policies/targets/symantec-mail-security/EXCH01.yaml --out out/ --script both\n  amxc compile policies/symantec-mail-security.amx --targets servers/ --out compiled/ --check\n  amxc compile policies/symantec-mail-security.amx --targets servers/ --out cluster/ --engine wsfc --allow-lossy\n  amxc compile policies/symantec-mail-security.amx --targets servers/ --out out/ --partition hash:3/8"
    )]
    #[command(group(clap::ArgGroup::new("servers").required(true).args(["target", "targets"])))]
    Compile {
        /// The policy (`*.amx`); its matrix is the `.versions.yaml` beside it unless `--matrix` names one.
        policy: PathBuf,
        /// One server's target profile.
        #[arg(long)]
        target: Option<PathBuf>,
        /// A folder of target profiles (`*.yaml`): one output folder per server.
        #[arg(long)]
        targets: Option<PathBuf>,
        /// Output folder; each server gets `OUT/<server>/`.
        #[arg(long)]
        out: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// Script language: by the server's PowerShell (auto), PowerShell, cmd or both.
        #[arg(long, value_enum, default_value_t = ScriptArg::Auto)]
        script: ScriptArg,
        /// HA engine for servers whose profile names none (`engine:`); default neverfail.
        #[arg(long, value_enum)]
        engine: Option<EngineArg>,
        /// Only the servers of one shard: `hash:K/N` (shard K of N by a stable hash of the server
        /// name), or `auto` (from AMXC_SHARD/AMXC_SHARDS, Buildkite or a Kubernetes Indexed Job).
        #[arg(long, value_name = "hash:K/N|auto")]
        partition: Option<String>,
        /// Where to write the shard's manifest (default: `OUT/amxc-shard-K-of-N.json`, or none
        /// with `--check`); `amxc merge` joins the shards' manifests.
        #[arg(long, requires = "partition")]
        manifest: Option<PathBuf>,
        /// Write servers whose engine drops or approximates part of the policy, with a warning
        /// for each construct and the losses in the summary (without it they are errors).
        #[arg(long)]
        allow_lossy: bool,
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
    #[command(
        after_help = "Examples:\n  amxc doc policies/symantec-mail-security.amx > feature-list.md\n  amxc doc --details policies/symantec-mail-security.amx > feature-list-for-review.md"
    )]
    Doc {
        /// The policy (`*.amx`).
        policy: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        /// Also name every statement's condition and list every filter and location.
        #[arg(long)]
        details: bool,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Print the JSON Schema of a YAML input, for editors.
    #[command(
        after_help = "Examples:\n  amxc schema matrix > schemas/matrix.schema.json\n  amxc schema target > schemas/target.schema.json"
    )]
    Schema {
        /// Which input: the version matrix or the target profile.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  amxc completions bash > /etc/bash_completion.d/amxc\n  amxc completions zsh > ~/.zfunc/_amxc"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    #[command(after_help = "Example:\n  amxc man > amxc.1 && man ./amxc.1")]
    Man,
    /// Show the configuration space of a policy and the release that serves each configuration.
    #[command(
        after_help = "Examples:\n  amxc matrix policies/symantec-mail-security.amx\n  amxc matrix policies/symantec-mail-security.amx --format json"
    )]
    Matrix {
        /// The policy (`*.amx`).
        policy: PathBuf,
        /// The version matrix (default: `<name>.versions.yaml` beside the policy).
        #[arg(long)]
        matrix: Option<PathBuf>,
        #[command(flatten)]
        diag: DiagArgs,
    },
}

/// `--format`: how diagnostics are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Source excerpts with labels (default).
    Human,
    /// `path:line:col: severity[CODE]: message`, one line each.
    Short,
    /// One JSON document with every diagnostic.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions workflow commands, which annotate a pull request.
    Github,
}

impl From<FormatArg> for Format {
    fn from(a: FormatArg) -> Format {
        match a {
            FormatArg::Human => Format::Human,
            FormatArg::Short => Format::Short,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EmitExtra {
    /// `filters.json` beside `filters.yaml`.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// Text for a terminal.
    Text,
    /// One JSON document with a `format_version`: each code's severity, title, meaning,
    /// example and fix.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The version matrix (`<name>.versions.yaml`).
    Matrix,
    /// A target profile (one server).
    Target,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Lines for a terminal.
    Text,
    /// A pull-request comment: summary line, collapsible details, under 60,000 characters.
    Markdown,
    /// One JSON document with a `format_version`.
    Json,
}

/// What `amxc discover` reads and how it answers.
#[derive(clap::Args, Debug)]
pub struct DiscoverArgs {
    /// The module's id (`amx "NAME"`).
    #[arg(long)]
    pub name: String,
    /// The release the evidence comes from (`versions`); with `--policy`, its first release by default.
    #[arg(long)]
    pub release: Option<String>,
    /// `reg export` files (UTF-16 "Version 5.00" or ANSI REGEDIT4).
    #[arg(long = "reg", value_name = "FILE")]
    pub reg: Vec<PathBuf>,
    /// Process Monitor traces saved as CSV.
    #[arg(long = "procmon", value_name = "FILE")]
    pub procmon: Vec<PathBuf>,
    /// `dir /s /b` listings of the server (UTF-16, UTF-8, or the code page `--code-page` names).
    #[arg(long = "listing", value_name = "FILE")]
    pub listing: Vec<PathBuf>,
    /// The code page of listings, `sc` and `mountvol` captures with no byte order mark that
    /// are not UTF-8: 1252 (the default), or the OEM code page cmd writes redirected output in
    /// (437, 850, …; `chcp` says).
    #[arg(long, value_name = "CP", default_value = "1252", value_parser = crate::encoding::CodePage::parse)]
    pub code_page: crate::encoding::CodePage,
    /// Which folder each volume is: `mountvol` output, or a device map (`D:  \Device\HarddiskVolume3` per line), for Process Monitor's `\Device\HarddiskVolumeN\…` paths.
    #[arg(long = "volumes", value_name = "FILE")]
    pub volumes: Vec<PathBuf>,
    /// `sc qc NAME` / `sc queryex` output.
    #[arg(long = "services", value_name = "FILE")]
    pub services: Vec<PathBuf>,
    /// Keep only these processes' events (`ContosoBackup.exe`); all when none is given.
    #[arg(long = "process", value_name = "NAME")]
    pub process: Vec<String>,
    /// Compare with this policy instead: what it lacks, and its rules the evidence never touched.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// The proposal as a policy (`amx`) or as JSON.
    #[arg(long, value_enum, default_value_t = DiscoverFormat::Amx)]
    pub format: DiscoverFormat,
}

/// `amxc discover --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiscoverFormat {
    /// A policy in `amxc fmt`'s layout.
    Amx,
    /// JSON (`format_version` 1).
    Json,
}

/// `amxc plan --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A table for a terminal.
    Text,
    /// Tables and a Mermaid gantt chart.
    Markdown,
    /// JSON (`format_version` 1).
    Json,
}

/// `--engine`: the HA engine of servers whose profile names none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// Replication between an active and a passive server (the default).
    Neverfail,
    /// Windows Server Failover Clustering: a role of Generic Service resources.
    Wsfc,
}

impl EngineArg {
    pub fn engine(self) -> &'static dyn crate::engine::Engine {
        match self {
            EngineArg::Neverfail => crate::engine::EngineKind::Neverfail,
            EngineArg::Wsfc => crate::engine::EngineKind::Wsfc,
        }
        .engine()
    }
}

/// `--script`: which script language to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScriptArg {
    /// PowerShell where the server has PowerShell 2.0 or later, cmd elsewhere.
    Auto,
    /// PowerShell only.
    Ps1,
    /// cmd only.
    Cmd,
    /// Both.
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
            | Command::Verify { diag, .. }
            | Command::Fmt { diag, .. }
            | Command::Test { diag, .. }
            | Command::Matrix { diag, .. } => Some(diag),
            _ => None,
        }
    }
}
