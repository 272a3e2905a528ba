//! The binary as users run it: exit codes, formats, commands.

fn amxc(args: &[&str]) -> (i32, String, String) {
    crate::support::run_amxc(args, &[])
}

#[test]
fn the_seed_policy_checks_clean() {
    let (code, out, err) = amxc(&["check", "policies/symantec-mail-security.amx"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("error["), "{out}");
    assert!(!out.contains("warning["), "{out}");
    // the findings (two notes) on stdout, the summary on stderr
    assert!(out.contains("note[AMX0308]"), "{out}");
    assert!(err.starts_with("checked 1 policy"), "{err}");
}

#[test]
fn every_shipped_policy_checks_clean_with_warnings_denied() {
    let (code, _, err) = amxc(&["check", "policies", "--deny-warnings"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn errors_exit_1_and_usage_problems_exit_2() {
    let (code, _, _) = amxc(&["check", "tests/fixtures/diagnostics/amx0001.amx"]);
    assert_eq!(code, 1);
    let (code, _, err) = amxc(&["check", "no/such/file.amx"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = amxc(&["check"]);
    assert_eq!(code, 2);
    let (code, _, _) = amxc(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn warnings_fail_only_when_denied() {
    let f = "tests/fixtures/diagnostics/amx0100.amx";
    assert_eq!(amxc(&["check", f]).0, 0);
    assert_eq!(amxc(&["check", f, "--deny-warnings"]).0, 1);
}

#[test]
fn short_format_is_one_line_per_diagnostic() {
    // findings on stdout, so that `> report.txt` keeps them
    let (_, out, _) = amxc(&[
        "check",
        "--format",
        "short",
        "tests/fixtures/diagnostics/amx0002.amx",
    ]);
    assert_eq!(
        out.trim(),
        "tests/fixtures/diagnostics/amx0002.amx:2:11: error[AMX0002]: string is never closed"
    );
}

#[test]
fn json_format_is_one_document_with_a_format_version() {
    let (code, out, _) = amxc(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/diagnostics/amx0006.amx",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["diagnostics"][0]["code"], "AMX0006");
    assert_eq!(v["diagnostics"][0]["primary"]["start"]["line"], 2);
}

#[test]
fn human_output_has_no_colour_under_no_color() {
    let (_, out, _) = amxc(&["check", "tests/fixtures/diagnostics/amx0001.amx"]);
    assert!(!out.contains('\u{1b}'));
    let (_, out, _) = amxc(&[
        "check",
        "--color",
        "always",
        "tests/fixtures/diagnostics/amx0001.amx",
    ]);
    assert!(out.contains('\u{1b}'));
}

#[test]
fn explain_prints_meaning_example_and_fix() {
    let (code, out, _) = amxc(&["explain", "AMX0302"]);
    assert_eq!(code, 0);
    assert!(out.contains("exclusion lies in no inclusion"));
    assert!(out.contains("How to fix it"));
    assert_eq!(amxc(&["explain", "AMX4242"]).0, 2);
}

#[test]
fn check_walks_folders_for_policies() {
    let (_, _, err) = amxc(&["check", "policies"]);
    assert!(err.contains("checked "), "{err}");
}

#[test]
fn matrix_shows_which_release_serves_each_configuration() {
    let (code, out, _) = amxc(&["matrix", "policies/symantec-mail-security.amx"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("| 6.0 | 2003     | x86  | 5.2       | 2003 | —"),
        "{out}"
    );
    assert!(out.contains("superseded by 2007-07-11"));
}

#[test]
fn a_folder_without_policies_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp");
    let (code, out, _) = amxc(&["check", &dir.path().to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(out.contains("no `.amx` policy found"), "{out}");
    assert!(out.contains("error[AMX0501]"), "{out}");
}

#[test]
fn a_missing_file_is_a_coded_io_error_in_every_format() {
    let (code, out, _) = amxc(&["check", "policies/no-such-policy.amx"]);
    assert_eq!(code, 2);
    assert!(out.contains("error[AMX0500]"), "{out}");
    assert!(out.contains("no-such-policy.amx"), "{out}");
    // SARIF: a run that did not succeed, with the failure as the tool's notification
    let (code, out, err) = amxc(&["check", "--format", "sarif", "policies/no-such-policy.amx"]);
    assert_eq!(code, 2);
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF on stdout");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{out}{err}");
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["descriptor"]["id"],
        "AMX0500"
    );
    let (code, _, err) = amxc(&["explain", "AMX0500"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn compile_then_check_finds_the_one_stale_server() {
    // the command line keeps no server's files after writing: `--check` compares each one
    // with the folder as it is compiled
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().to_string_lossy().into_owned();
    let compile = |check: bool| {
        let mut args = vec![
            "compile",
            "policies/symantec-mail-security.amx",
            "--targets",
            "policies/targets/symantec-mail-security",
            "--out",
            &out,
        ];
        if check {
            args.push("--check");
        }
        amxc(&args)
    };
    let (code, _, err) = compile(false);
    assert_eq!(code, 0, "{err}");
    let mut servers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("out")
        .flatten()
        .map(|e| e.path())
        .collect();
    servers.sort();
    let n = servers.len();
    assert!(n > 1, "{servers:?}");
    assert!(
        err.contains(&format!("compiled {n} of {n} servers")),
        "{err}"
    );
    let (code, _, err) = compile(true);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(", 0 stale"), "{err}");
    let filters = servers[0].join("filters.yaml");
    let text = std::fs::read_to_string(&filters).expect("filters.yaml");
    std::fs::write(&filters, format!("{text}# edited\n")).expect("edit");
    let (code, diff, err) = compile(true);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(", 1 stale"), "{err}");
    assert!(
        diff.contains("-# edited"),
        "the diff shows the edit: {diff}"
    );
}

#[test]
fn every_argument_and_option_has_help_text() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") || arg.is_hide_set() {
                continue;
            }
            if arg.get_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        if cmd.get_about().is_none() && path != "amxc" {
            missing.push(format!("{path} (no description)"));
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() != "help" {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&amxc::cli::Cli::command(), "amxc", &mut missing);
    assert_eq!(missing, Vec::<String>::new());
}

#[test]
fn compile_without_servers_names_both_ways_to_give_them() {
    let (code, _, err) = amxc(&[
        "compile",
        "policies/symantec-mail-security.amx",
        "--out",
        "x",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--target") && err.contains("--targets"),
        "{err}"
    );
}

#[test]
fn matrix_prints_json_when_asked() {
    let (code, out, _) = amxc(&[
        "matrix",
        "policies/symantec-mail-security.amx",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["format_version"], 1);
    let rows = v["combinations"].as_array().expect("rows");
    assert!(rows.iter().any(|r| r["install"] == "2007-07-11"), "{out}");
}

#[test]
fn explain_path_reads_keys_as_the_server_does_and_names_the_exception() {
    let (code, out, _) = amxc(&[
        "explain-path",
        "HKLM\\SOFTWARE\\Symantec\\SMSMSE\\6.0\\x",
        "policies/symantec-mail-security.amx",
        "--target",
        "policies/targets/symantec-mail-security/EXCH01.yaml",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains(": replicated"), "{out}");
    assert!(
        out.contains("read as HKLM\\SOFTWARE\\Wow6432Node\\Symantec"),
        "{out}"
    );
    let (_, out, _) = amxc(&[
        "explain-path",
        "C:\\Program Files\\Common Files\\Symantec Shared\\VirusDefs\\x.dat",
        "policies/symantec-mail-security.amx",
        "--target",
        "policies/targets/symantec-mail-security/EXCH03.yaml",
    ]);
    assert!(out.contains(":68, exception 2007-03-27)"), "{out}");
}

#[test]
fn compile_for_a_cluster_refuses_losses_unless_allowed() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out");
    let out_s = out.to_string_lossy().into_owned();
    let args = [
        "compile",
        "policies/filemaker-server-8.amx",
        "--targets",
        "policies/targets/filemaker-server-8",
        "--out",
        &out_s,
        "--engine",
        "wsfc",
        "--format",
        "short",
    ];
    let (code, stdout, _) = amxc(&args);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("error[AMX0412]"), "{stdout}");
    assert!(!out.join("FMS01").exists(), "nothing is written");
    let mut allowed = args.to_vec();
    allowed.push("--allow-lossy");
    let (code, stdout, _) = amxc(&allowed);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("warning[AMX0412]"), "{stdout}");
    assert!(out.join("FMS01/cluster.yaml").is_file() && out.join("FMS01/cluster.cmd").is_file());
    // and the folder it wrote is current
    let mut check = allowed.clone();
    check.push("--check");
    let (code, stdout, stderr) = amxc(&check);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn plan_prints_the_switchover_in_each_format() {
    let target = "policies/targets/sql-server/SQL01.yaml";
    let (code, out, _) = amxc(&["plan", "policies/sql-server.amx", "--target", target]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("Switchover of sql-server from SQL01 (active) to its partner: worst case 55m (budget 1h)"), "{out}");
    let (code, out, _) = amxc(&[
        "plan",
        "policies/sql-server.amx",
        "--target",
        target,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["worst_case_seconds"], 3300);
    assert_eq!(v["budget_seconds"], 3600);
    let (code, out, _) = amxc(&[
        "plan",
        "policies/sql-server.amx",
        "--target",
        target,
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("```mermaid\ngantt"), "{out}");
    // a profile that does not load: the errors, exit 1
    let (code, out, err) = amxc(&[
        "plan",
        "policies/sql-server.amx",
        "--target",
        "tests/fixtures/targets/amx0401.target.yaml",
    ]);
    assert_eq!(code, 1, "{out}{err}");
}

#[test]
fn every_command_shows_an_example_in_its_help_and_in_the_manual() {
    use clap::CommandFactory;
    let cli = amxc::cli::Cli::command();
    let (_, page, _) = amxc(&["man"]);
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        let after = sub
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(
            after.contains("amxc "),
            "`amxc {name} --help` shows no example"
        );
        let first = after
            .lines()
            .find(|l| l.trim_start().starts_with("amxc "))
            .expect("an example line")
            .trim();
        // roff escapes `-` as `\-`
        assert!(
            page.replace("\\-", "-")
                .replace("\\e", "\\")
                .contains(first),
            "the manual lacks `{first}` of `amxc {name}`"
        );
    }
}

#[test]
fn a_missing_file_is_worded_one_way_without_os_error_numbers() {
    for args in [
        vec!["check", "/nonexistent/p.amx"],
        vec![
            "compile",
            "policies/sql-server.amx",
            "--target",
            "/nonexistent/t.yaml",
            "--out",
            "/tmp/amxc-none",
        ],
        vec![
            "coverage",
            "policies/sql-server.amx",
            "--target",
            "policies/targets/sql-server/SQL01.yaml",
            "--paths",
            "/nonexistent/l.txt",
        ],
    ] {
        let (code, out, err) = amxc(&args);
        let all = format!("{out}{err}");
        assert_eq!(code, 2, "{all}");
        assert!(all.contains("no such file or folder"), "{args:?}: {all}");
        assert!(!all.contains("os error"), "{args:?}: {all}");
    }
}

#[test]
fn format_json_gives_one_document_with_the_report_for_every_command_that_prints_one() {
    let dir = tempfile::tempdir().expect("temp");
    let listing = dir.path().join("paths.txt");
    std::fs::write(
        &listing,
        "C:\\Program Files (x86)\\Symantec\\SMSMSE\\5.0\\Server\\a.xml\r\nC:\\Windows\\x\r\n",
    )
    .expect("listing");
    let unformatted = dir.path().join("u.amx");
    std::fs::write(&unformatted, "amx \"u\" {\nversions 2007-07-11\n}\n").expect("policy");
    let seed = "policies/symantec-mail-security.amx";
    let target = "policies/targets/symantec-mail-security/EXCH03.yaml";
    let out_dir = dir.path().join("out");
    let out_text = out_dir.to_str().expect("o");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "coverage",
                seed,
                "--target",
                target,
                "--paths",
                listing.to_str().expect("p"),
            ],
            "/result/paths/0/class",
        ),
        (
            vec![
                "coverage",
                seed,
                "--target",
                target,
                "--paths",
                listing.to_str().expect("p"),
                "--summary",
            ],
            "/result/summary/outside",
        ),
        (
            vec!["explain-path", "C:\\Windows\\x", seed, "--target", target],
            "/result/class",
        ),
        (vec!["doc", seed], "/result/markdown"),
        (
            vec![
                "compile", seed, "--target", target, "--out", out_text, "--check",
            ],
            "/result/stale/0/diff",
        ),
        (
            vec!["fmt", "--check", unformatted.to_str().expect("u")],
            "/result/would_reformat/0/diff",
        ),
    ];
    // a compiled folder that is stale: one file edited
    let out = dir.path().join("out");
    let (code, _, err) = crate::support::run_amxc(
        &[
            "compile",
            seed,
            "--target",
            target,
            "--out",
            out.to_str().expect("o"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    std::fs::write(out.join("EXCH03/summary.md"), "edited\n").expect("edit");
    for (mut args, pointer) in cases {
        args.extend(["--format", "json"]);
        let (_, out, err) = crate::support::run_amxc(&args, &[]);
        assert!(!out.is_empty(), "{args:?}: {err}");
        let doc: serde_json::Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}):\n{out}\n{err}"));
        assert!(doc.get("diagnostics").is_some(), "{args:?}: {doc}");
        assert_eq!(doc["format_version"], 1, "{args:?}");
        assert!(
            doc.pointer(pointer).is_some_and(|v| !v.is_null()),
            "{args:?}: no {pointer} in {doc}"
        );
    }
}

#[test]
fn explain_speaks_json_too() {
    let (code, out, _) = crate::support::run_amxc(&["explain", "--list", "--format", "json"], &[]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    let codes = doc["codes"].as_array().expect("codes");
    assert_eq!(codes.len(), amxc::diagnostic::CODES.len());
    let (_, out, _) = crate::support::run_amxc(&["explain", "amx0317", "--format", "json"], &[]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["codes"][0]["code"], "AMX0317");
    assert!(doc["codes"][0]["fix"]
        .as_str()
        .is_some_and(|f| f.contains("allow AMX0317")));
}

#[test]
fn output_that_cannot_be_written_fails_the_run() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        return; // not Linux
    };
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
        .args([
            "check",
            "policies/symantec-mail-security.amx",
            "--format",
            "sarif",
        ])
        .stdout(full)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot write the output: the disk is full"),
        "{o:?}"
    );
}

#[test]
fn colour_follows_clicolor_force_no_color_and_term() {
    let run = |env: &[(&str, &str)]| {
        let (_, out, _) =
            crate::support::run_amxc(&["check", "tests/fixtures/diagnostics/amx0001.amx"], env);
        out.contains('\u{1b}')
    };
    // support::run_amxc sets NO_COLOR=1; an empty NO_COLOR means not set
    assert!(run(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "0")]));
    assert!(!run(&[("NO_COLOR", "")]), "not a terminal");
}

/// Run amxc with `input` on standard input.
fn amxc_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn fmt_and_check_read_a_buffer_from_standard_input_as_editors_pipe_it() {
    let messy = "amx \"app\" {\ntitle   \"App\"\n    versions 2020-01-01\n}\n";
    // formatted onto stdout
    let (code, out, _) = amxc_stdin(&["fmt", "-"], messy);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "amx \"app\" {\n    title \"App\"\n    versions 2020-01-01\n}\n"
    );
    // --check: the diff under the editor's name, exit 1
    let (code, out, _) = amxc_stdin(
        &["fmt", "-", "--check", "--stdin-filename", "app.amx"],
        messy,
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("--- app.amx\n+++ app.amx\n"), "{out}");
    // a buffer that does not parse: its findings, nothing to replace the buffer with
    let (code, out, _) = amxc_stdin(
        &["fmt", "-", "--format", "short"],
        "amx \"a\" {\n  title\n}\n",
    );
    assert_eq!(code, 1);
    assert!(out.starts_with("<stdin>:2:8: error[AMX0001]"), "{out}");
    // check: placed where the editor says, so the matrix beside it is used
    let seed = std::fs::read_to_string("policies/symantec-mail-security.amx").expect("seed");
    let (code, out, err) = amxc_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "policies/symantec-mail-security.amx",
            "--deny-warnings",
        ],
        &seed,
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("checked 1 policy in 40 configurations"),
        "{err}"
    );
    // -q: the findings and nothing else
    let (_, _, err) = amxc_stdin(
        &[
            "check",
            "-",
            "--stdin-filename",
            "policies/symantec-mail-security.amx",
            "-q",
        ],
        &seed,
    );
    assert_eq!(err, "");
}

#[test]
fn init_writes_a_module_that_checks_compiles_formats_and_passes_its_test() {
    for name in ["contoso-backup", "mcafee-epo4"] {
        let dir = tempfile::tempdir().expect("temp");
        let d = dir.path().to_string_lossy().into_owned();
        let (code, out, err) = amxc(&["init", name, "--dir", &d]);
        assert_eq!(code, 0, "{out}{err}");
        let policy = format!("{d}/{name}.amx");
        let (code, out, err) = amxc(&["check", &policy, "--deny-warnings"]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        let (code, out, err) = amxc(&["fmt", "--check", &policy]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        let (code, out, err) = amxc(&["test", &format!("{d}/tests")]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        let (code, out, err) = amxc(&[
            "compile",
            &policy,
            "--targets",
            &format!("{d}/targets"),
            "--out",
            &format!("{d}/out"),
        ]);
        assert_eq!(code, 0, "{name}: {out}{err}");
        // a second run overwrites nothing
        let before = std::fs::read_to_string(&policy).expect("policy");
        let (code, _, _) = amxc(&["init", name, "--dir", &d]);
        assert_eq!(code, 2);
        assert_eq!(std::fs::read_to_string(&policy).expect("policy"), before);
    }
    let (code, _, _) = amxc(&["init", "Not A Name"]);
    assert_eq!(code, 2);
}

#[test]
fn the_feature_list_keeps_every_condition_a_sentence_holds_under() {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("p.amx");
    std::fs::write(
        &p,
        r#"amx "fixture" {
    title "Fixture"
    application "App" {
        writes '%Defs%\**' on passive because "the passive updates its definitions" when management-ip
    }
    versions 2007-07-11
    paths {
        Defs = 'C:\Defs' about "the definition files"
        Repo = 'C:\Repo' about "the master repository"
    }
    services {
        service Framework "App Framework" { passive running when management-ip }
        service Agent "App Agent" { monitor no when arch == x86 }
    }
    data {
        unprotected '%Repo%\**' because "it is rebuilt from the vendor's site" when arch == x64
    }
    tasks {
        task "Update" {
            at prestart
            on active
            run 'C:\App\update.exe'
            writes '%Defs%\**'
        }
    }
}
"#,
    )
    .expect("write");
    let (code, out, err) = amxc(&[
        "doc",
        &p.to_string_lossy(),
        "--matrix",
        "tests/fixtures/diagnostics/small.versions.yaml",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    for want in [
        "Framework also runs on the passive server (only where there is a management IP address available on the passive).",
        "Agent is not monitored (only where arch is x86).",
        "The master repository is not protected (only where arch is x64).",
        "In cases where there is no management IP address on the passive, the definition files are obtained when the server becomes active, because Update runs as a PreStart task",
    ] {
        assert!(out.contains(want), "missing: {want}\n{out}");
    }
}

#[test]
fn a_repository_sets_its_own_severities_in_amxc_yaml() {
    let m = "tests/fixtures/diagnostics/small.versions.yaml";
    // raised to an error: the run fails
    let (code, out, _) = amxc(&[
        "check",
        "tests/fixtures/settings/ok/p.amx",
        "--matrix",
        m,
        "--format",
        "short",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("error[AMX0320]"), "{out}");
    // a configuration with problems changes nothing, and says why
    let (code, out, _) = amxc(&[
        "check",
        "tests/fixtures/settings/amx0504/p.amx",
        "--matrix",
        m,
        "--format",
        "short",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "tests/fixtures/settings/amx0504/.amxc.yaml:3:3: warning[AMX0504]: AMX0302 is an error"
        ),
        "{out}"
    );
    assert!(
        out.contains("warning[AMX0504]: unknown key `colour`"),
        "{out}"
    );
    assert!(out.contains("warning[AMX0320]"), "{out}");
    // ignored: left out
    let dir = tempfile::tempdir().expect("temp");
    std::fs::copy("tests/fixtures/settings/ok/p.amx", dir.path().join("p.amx")).expect("copy");
    std::fs::write(dir.path().join(".amxc.yaml"), "ignore: [AMX0320]\n").expect("write");
    let (code, out, _) = amxc(&[
        "check",
        &dir.path().join("p.amx").to_string_lossy(),
        "--matrix",
        m,
        "--format",
        "short",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("AMX0320"), "{out}");
}

/// A finding that holds only in some configurations is reported for a server whose
/// configuration is one of them, not for the others: a server without a management IP is not
/// failed by `--deny-warnings` on a warning that holds only with one.
#[test]
fn compile_reports_what_holds_for_the_servers_compiled() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    std::fs::copy(
        "tests/fixtures/diagnostics/small.versions.yaml",
        d.join("app.versions.yaml"),
    )
    .expect("matrix");
    std::fs::write(
        d.join("app.amx"),
        "amx \"fixture\" {\n    versions 2007-07-11\n    services {\n        service A \"Indexer\" {\n            passive running when management-ip\n        }\n    }\n}\n",
    )
    .expect("policy");
    let profile = |name: &str, ip: &str| {
        format!("server: {name}\namx: fixture\nversion: \"2007-07-11\"\napp: \"6.0\"\narch: x64\nheartbeat: \"6.0\"\ndrives: [C]\n{ip}")
    };
    std::fs::create_dir(d.join("targets")).expect("targets");
    std::fs::write(d.join("targets/PLAIN.yaml"), profile("PLAIN", "")).expect("target");
    std::fs::write(
        d.join("targets/MGMT.yaml"),
        profile("MGMT", "management_ip: 192.0.2.10\n"),
    )
    .expect("target");
    let s = |p: &std::path::Path| p.display().to_string();
    let (policy, out) = (s(&d.join("app.amx")), s(&d.join("out")));
    // the whole policy: the warning holds in some configurations
    let (code, stdout, _) = amxc(&["check", &policy, "--format", "short"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("warning[AMX0310]"), "{stdout}");
    // the server without a management IP: not there, and warnings denied pass
    let plain = s(&d.join("targets/PLAIN.yaml"));
    let (code, stdout, stderr) = amxc(&[
        "compile",
        &policy,
        "--target",
        &plain,
        "--out",
        &out,
        "--deny-warnings",
        "--format",
        "short",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("AMX0310"), "{stdout}");
    // the server with one: reported, and denied
    let mgmt = s(&d.join("targets/MGMT.yaml"));
    let (code, stdout, _) = amxc(&[
        "compile",
        &policy,
        "--target",
        &mgmt,
        "--out",
        &out,
        "--deny-warnings",
        "--format",
        "short",
    ]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("warning[AMX0310]"), "{stdout}");
    // a fleet of both: reported once
    let (code, stdout, _) = amxc(&[
        "compile",
        &policy,
        "--targets",
        &s(&d.join("targets")),
        "--out",
        &out,
        "--format",
        "short",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout.matches("warning[AMX0310]").count(), 1, "{stdout}");
}
