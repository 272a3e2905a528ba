//! The command-line interface: turns parsed flags into calls of the library and results into
//! exit codes — 0 clean, 1 findings that fail, 2 usage or I/O failure.

mod args;
mod check_cmd;
mod compile_cmd;
mod coverage_cmd;
mod diff_cmd;
mod discover_cmd;
mod doc_cmd;
mod explain_cmd;
mod failure;
mod fmt_cmd;
mod init_cmd;
mod man;
mod matrix_cmd;
mod merge_cmd;
mod output;
mod plan_cmd;
mod test_cmd;
mod verify_cmd;

pub use args::{Cli, ColorChoice, Command, DiagArgs, DiffFormat, EmitExtra, EngineArg, SchemaKind};
pub use failure::{Failure, Outcome};

use std::process::ExitCode;

/// Exit code for findings that fail the run.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage and I/O failures.
pub const EXIT_USAGE: u8 = 2;

/// Run one command.
pub fn run(cli: Cli) -> ExitCode {
    // a failure is printed as the command prints its diagnostics
    let diag = cli.command.diag_args().cloned();
    let result: Outcome = match cli.command {
        Command::Check {
            paths,
            matrix,
            stdin_filename,
            diag,
        } => check_cmd::run(&paths, matrix.as_deref(), stdin_filename.as_deref(), &diag),
        Command::Compile {
            policy,
            target,
            targets,
            out,
            matrix,
            script,
            engine,
            partition,
            manifest,
            allow_lossy,
            emit,
            check,
            diag,
        } => {
            let files = match (target, targets) {
                (Some(t), _) => Ok(vec![t]),
                (None, Some(dir)) => crate::driver::fleet::target_files(&dir),
                (None, None) => Ok(Vec::new()),
            };
            let partition = partition
                .map(|p| crate::driver::partition::Partition::parse(&p, &|k| std::env::var(k).ok()))
                .transpose();
            match (files, partition) {
                (_, Err(why)) => Err(Failure::usage(
                    why,
                    "give `--partition hash:K/N` (1 ≤ K ≤ N) or `--partition auto` in a CI job",
                )),
                (Ok(targets), Ok(partition)) => compile_cmd::run(
                    crate::driver::fleet::FleetArgs {
                        policy: &policy,
                        matrix: matrix.as_deref(),
                        targets,
                        out: &out,
                        options: crate::emit::Options {
                            scripts: script.into(),
                            json: emit.contains(&EmitExtra::Json),
                            allow_lossy,
                        },
                        check,
                        keep: false,
                        engine: engine.map(EngineArg::engine),
                        partition,
                    },
                    manifest.as_deref(),
                    &diag,
                ),
                (Err(e), _) => Err(e.into()),
            }
        }
        Command::Doc {
            policy,
            matrix,
            details,
            diag,
        } => doc_cmd::run(&policy, matrix.as_deref(), details, &diag),
        Command::Schema { kind } => {
            let v = match kind {
                SchemaKind::Matrix => crate::schema::matrix(),
                SchemaKind::Target => crate::schema::target(),
            };
            output::stdout(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
            Ok(0)
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "amxc", &mut buf);
            output::stdout(&String::from_utf8_lossy(&buf));
            Ok(0)
        }
        Command::Man => match man::page() {
            Ok(page) => {
                output::stdout(&page);
                Ok(0)
            }
            Err(e) => Err(Failure::io(format!("cannot render the manual: {e}"))),
        },
        Command::Diff {
            old,
            new,
            format,
            exit_code,
        } => diff_cmd::run(&old, &new, format, exit_code),
        Command::Coverage {
            policy,
            target,
            targets,
            partition,
            paths,
            matrix,
            summary,
            code_page,
            diag,
        } => {
            match (target, targets) {
                (Some(t), _) => coverage_cmd::coverage(
                    &policy,
                    matrix.as_deref(),
                    &t,
                    (&paths, code_page),
                    summary,
                    &diag,
                ),
                (None, Some(dir)) => {
                    match partition
                    .map(|p| crate::driver::partition::Partition::parse(&p, &|k| std::env::var(k).ok()))
                    .transpose()
                {
                    Ok(part) => coverage_cmd::fleet(&policy, matrix.as_deref(), &dir, (&paths, code_page), part, &diag),
                    Err(why) => Err(Failure::usage(why, "give `--partition hash:K/N` (1 ≤ K ≤ N) or `--partition auto` in a CI job")),
                }
                }
                (None, None) => Err(Failure::usage(
                    "give --target FILE or --targets DIR",
                    "see `amxc coverage --help`",
                )),
            }
        }
        Command::ExplainPath {
            path,
            policy,
            target,
            matrix,
            diag,
        } => coverage_cmd::explain_path(&path, &policy, matrix.as_deref(), &target, &diag),
        Command::Test { paths, diag } => test_cmd::run(&paths, &diag),
        Command::Init { name, dir } => init_cmd::run(&name, &dir),
        Command::Fmt {
            paths,
            check,
            stdin_filename,
            diag,
        } => fmt_cmd::run(&paths, check, stdin_filename.as_deref(), &diag),
        Command::Verify {
            policy,
            target,
            matrix,
            services,
            filters,
            reg,
            cluster,
            diag,
        } => verify_cmd::run(
            &policy,
            matrix.as_deref(),
            &target,
            verify_cmd::Captures {
                services: services.as_deref(),
                filters: filters.as_deref(),
                reg: reg.as_deref(),
                cluster: cluster.as_deref(),
            },
            &diag,
        ),
        Command::Explain { code, list, format } => {
            explain_cmd::run(code.as_deref(), list, format == args::ExplainFormat::Json)
        }
        Command::Matrix {
            policy,
            matrix,
            diag,
        } => matrix_cmd::run(&policy, matrix.as_deref(), &diag),
        Command::Merge { paths, format } => merge_cmd::run(&paths, format),
        Command::Discover(args) => discover_cmd::run(args),
        // stdout carries the protocol alone: a failure is said on stderr
        Command::Lsp { .. } => match crate::lsp::run_stdio() {
            Ok(()) => Ok(0),
            Err(e) => {
                eprintln!("amxc lsp: the language server stopped: {e}");
                Ok(2)
            }
        },
        Command::Plan {
            policy,
            target,
            matrix,
            format,
            color,
        } => plan_cmd::run(&policy, matrix.as_deref(), &target, format, color),
    };
    match result {
        // output that could not be written fails the run, whatever it found
        Ok(_) if output::write_failed() => ExitCode::from(EXIT_USAGE),
        Ok(code) => ExitCode::from(code),
        Err(Failure(d)) => {
            let diag = diag.unwrap_or(DiagArgs {
                format: args::FormatArg::Human,
                color: ColorChoice::Auto,
                deny_warnings: false,
                quiet: false,
            });
            if diag.format == args::FormatArg::Sarif {
                output::stdout(&crate::diagnostic::sarif_failure(&d));
            } else {
                output::emit(&crate::source::SourceMap::new(), &[d], &diag, None);
            }
            ExitCode::from(EXIT_USAGE)
        }
    }
}
