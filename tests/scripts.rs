//! The generated scripts run on the servers they target: every `.ps1` uses only the language,
//! cmdlets and .NET types of Windows PowerShell 2.0, every `.cmd` only what a stock Windows
//! Server 2003 has, within cmd's line limit, and every file that reaches Windows is read in
//! the encoding Windows reads it with. The allow-lists, with their sources, are in
//! `tests/fixtures/compat/`.

use crate::compile::parse_ps1;
use amxc::driver::fleet::{compile_fleet, FleetArgs};
use amxc::emit::{Compiled, Options, ScriptKind};
use amxc::source::SourceMap;
use std::path::{Path, PathBuf};

fn allow_list(name: &str) -> Vec<String> {
    std::fs::read_to_string(format!("tests/fixtures/compat/{name}"))
        .expect("allow-list")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// What in a `.ps1` Windows PowerShell 2.0 could not run, or that falls outside the lists.
pub fn ps2_violations(text: &str) -> Vec<String> {
    let commands = allow_list("ps2-commands.txt");
    let types = allow_list("ps2-types.txt");
    let tree = parse_ps1(text);
    let mut out = Vec::new();
    let mut defined = Vec::new();
    let mut nodes = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        nodes.push(n);
        stack.extend(n.children(&mut cursor));
    }
    for n in &nodes {
        if n.kind() == "function_name" {
            defined.push(text[n.byte_range()].to_ascii_lowercase());
        }
    }
    for n in &nodes {
        let t = &text[n.byte_range()];
        let lower = t.to_ascii_lowercase();
        match n.kind() {
            _ if n.is_error() || n.is_missing() => out.push(format!("syntax error at {t:?}")),
            "command_name" if !commands.contains(&lower) && !defined.contains(&lower) => {
                out.push(format!("command `{t}` is not on the PowerShell 2.0 list"))
            }
            "type_literal" => {
                // `[string[]]`: an array of a listed type
                let name = lower
                    .strip_prefix('[')
                    .and_then(|l| l.strip_suffix(']'))
                    .unwrap_or(&lower);
                let name = name.strip_suffix("[]").unwrap_or(name);
                if !types.contains(&name.to_string()) {
                    out.push(format!("type `{t}` is not on the .NET 2.0 list"));
                }
            }
            "member_name" if lower == "new" => out.push("`::new()` is PowerShell 5.0".into()),
            "comparison_operator" if matches!(lower.as_str(), "-in" | "-notin") => {
                out.push(format!("`{t}` is PowerShell 3.0"))
            }
            "variable"
                if matches!(
                    lower.as_str(),
                    "$psscriptroot" | "$pscommandpath" | "$psitem"
                ) =>
            {
                out.push(format!("`{t}` is PowerShell 3.0 outside modules"))
            }
            "command_parameter" if lower == "-raw" => out.push("`-Raw` is PowerShell 3.0".into()),
            _ => {}
        }
    }
    for line in text.lines() {
        let l = line.trim_start().to_ascii_lowercase();
        if l.starts_with("#requires") {
            out.push(format!(
                "`{line}`: #Requires is not needed and -RunAsAdministrator is 4.0"
            ));
        }
        if l.starts_with("set-strictmode") && !l.ends_with("-version 2.0") {
            out.push(format!(
                "`{line}`: PowerShell 2.0 knows versions 1.0 and 2.0"
            ));
        }
    }
    out
}

/// The commands a cmd line runs: the first word of every part between `&`, `&&`, `||`, `|`
/// and a block's `(` outside quotes, after an `if` condition.
fn cmd_words(line: &str) -> Vec<String> {
    let line = line.replace("2>&1", " ").replace(">nul", " ");
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            '&' | '|' if !quoted => parts.push(std::mem::take(&mut cur)),
            // a `(` opens a block only where a command starts (or after an `if` condition)
            '(' if !quoted
                && (cur.trim().is_empty()
                    || cur.trim_start().to_ascii_lowercase().starts_with("if ")) =>
            {
                parts.push(std::mem::take(&mut cur))
            }
            c => cur.push(c),
        }
    }
    parts.push(cur);
    let mut words = Vec::new();
    for p in parts {
        let tokens: Vec<&str> = p
            .trim()
            .trim_start_matches([')', '@'])
            .split_whitespace()
            .collect();
        let Some(first) = tokens.first() else {
            continue;
        };
        let mut i = 0;
        if first.eq_ignore_ascii_case("if") {
            words.push("if".to_string());
            i = 1;
            if tokens.get(i).is_some_and(|t| t.eq_ignore_ascii_case("/i")) {
                i += 1;
            }
            if tokens.get(i).is_some_and(|t| t.eq_ignore_ascii_case("not")) {
                i += 1;
            }
            let op = |t: &&str| {
                ["equ", "neq", "lss", "leq", "gtr", "geq"]
                    .contains(&t.to_ascii_lowercase().as_str())
            };
            if tokens.get(i).is_some_and(|t| {
                t.eq_ignore_ascii_case("errorlevel") || t.eq_ignore_ascii_case("defined")
            }) {
                i += 2;
            } else if tokens.get(i + 1).is_some_and(op) {
                i += 3;
            } else {
                i += 1;
            }
        }
        if let Some(w) = tokens.get(i) {
            let w = w.to_ascii_lowercase();
            // a program of Windows by its full path, never found through the current folder
            // or PATH
            let full = w
                .strip_prefix("\"%systemroot%\\system32\\")
                .and_then(|p| p.strip_suffix('"'));
            words.push(match full {
                Some(program) => program.to_string(),
                None if SYSTEM_PROGRAMS.contains(&w.as_str()) => {
                    format!("{w} (not by its full path)")
                }
                None => w,
            });
        }
    }
    words
}

/// Programs in `%SystemRoot%\System32` the scripts run, each only by its full path.
const SYSTEM_PROGRAMS: &[&str] = &[
    "sc.exe",
    "ping.exe",
    "cscript.exe",
    "taskkill.exe",
    "cluster.exe",
    "find.exe",
    "findstr.exe",
];

/// Pipes and `for /f` commands: cmd runs each in a child `cmd /c`, which expands a `%` that a
/// value brought in a second time (`X%CMDCMDLINE:~-1%&calc` closes the quotes). No line of a
/// generated script has either.
fn child_cmds(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            '|' if !quoted => {
                out.push(format!("a pipe in `{line}`"));
                break;
            }
            _ => {}
        }
    }
    let l = line.to_ascii_lowercase();
    if l.contains("for /f") && l.contains(" in ('") {
        out.push(format!("a `for /f` command in `{line}`"));
    }
    out
}

/// Variables the cmd scripts set only to numbers or fixed words: the only ones that may be
/// expanded outside double quotes. Every other `%AMX_…%` holds a value from the policy or the
/// server, which cmd would parse as commands (`&`, `|`, `>`) if it expanded outside quotes.
const UNQUOTED_OK: &[&str] = &[
    // the word of sc.exe's own STATE line
    "AMX_STATE",
    // how many services a script stops before the one it checks
    "AMX_EN",
    // a client access point's address and subnet mask, read as IPv4 addresses from the profile
    "AMX_ADDR",
    "AMX_MASK",
    "AMX_WAITED",
    "AMX_TIMEOUT",
    "AMX_START",
    "AMX_ARGS",
    "AMX_RC",
    "AMX_ACTION",
    "AMX_THRESHOLD",
    "AMX_PERIOD",
    "AMX_PENDING",
];

/// `%AMX_…%` expansions outside double quotes, other than [`UNQUOTED_OK`].
fn unquoted_values(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut quoted = false;
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => quoted = !quoted,
            // `%AMX_…%`, and `!AMX_…!` where a subroutine turns delayed expansion on
            q @ (b'%' | b'!') if line[i + 1..].starts_with("AMX_") => {
                let Some(len) = line[i + 1..].find(q as char) else {
                    break;
                };
                let name = &line[i + 1..i + 1 + len];
                if !quoted && !UNQUOTED_OK.contains(&name) {
                    out.push(format!(
                        "`%{name}%` is expanded outside double quotes in `{line}`"
                    ));
                }
                i += len + 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// What in a `.cmd` a stock Windows Server 2003 could not run.
pub fn cmd_violations(text: &str) -> Vec<String> {
    let commands = allow_list("ws2003-commands.txt");
    let mut out = Vec::new();
    if !text.is_ascii() {
        out.push("non-ASCII text: cmd.exe reads the OEM code page".into());
    }
    for line in text.split("\r\n") {
        if line.len() > 8191 {
            out.push(format!("a line of {} characters", line.len()));
        }
        let l = line.trim();
        if l.is_empty() || l.starts_with(':') || l.to_ascii_lowercase().starts_with("rem ") {
            continue;
        }
        if !l.starts_with("set \"") {
            out.extend(unquoted_values(l));
        }
        out.extend(child_cmds(l));
        for w in cmd_words(l) {
            if !commands.contains(&w) {
                out.push(format!(
                    "`{w}` (in `{l}`) is not on the Windows Server 2003 list"
                ));
            }
        }
    }
    out
}

/// Every shipped policy compiled for every shipped server, with both kinds of script, for
/// each engine.
fn shipped() -> Vec<Compiled> {
    let mut all = Vec::new();
    for policy in crate::support::files("policies", "amx") {
        let stem = policy
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let dir = PathBuf::from(format!("policies/targets/{stem}"));
        let targets = crate::support::files(&dir.to_string_lossy(), "yaml");
        for engine in amxc::engine::EngineKind::ALL.map(|k| k.engine()) {
            let out = tempfile::tempdir().expect("temp");
            let mut sources = SourceMap::new();
            let args = FleetArgs {
                policy: &policy,
                matrix: None,
                targets: targets.clone(),
                out: out.path(),
                options: Options {
                    scripts: ScriptKind::Both,
                    json: false,
                    allow_lossy: true,
                },
                check: false,
                keep: true,
                engine: Some(engine),
                partition: None,
            };
            let report = compile_fleet(&mut sources, &args).expect("compile");
            if stem == "sql-server" && engine.name() == "wsfc" {
                // clustered only as a SQL Server failover cluster instance (AMX0413)
                assert!(report.policy_failed || report.compiled.is_empty());
                continue;
            }
            assert_eq!(report.servers.len(), targets.len(), "{}", policy.display());
            all.extend(report.compiled);
        }
    }
    all
}

#[test]
fn every_shipped_script_runs_on_powershell_2_or_windows_server_2003() {
    let compiled = shipped();
    assert!(compiled.len() >= 7);
    let mut checked = 0;
    for c in &compiled {
        for (name, text) in &c.files {
            let problems = if name.ends_with(".ps1") {
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                ps2_violations(text)
            } else if name.ends_with(".cmd") {
                cmd_violations(text)
            } else {
                continue;
            };
            assert_eq!(problems, Vec::<String>::new(), "{}/{name}", c.server);
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} scripts");
}

#[test]
fn the_gate_catches_a_value_expanded_outside_quotes() {
    let bad = "@echo off\r\necho checkpoint %AMX_KEY%\r\n";
    assert_eq!(cmd_violations(bad).len(), 1, "{:?}", cmd_violations(bad));
    let good = "@echo off\r\necho checkpoint \"%AMX_KEY%\" after %AMX_WAITED% s\r\n";
    assert_eq!(cmd_violations(good), Vec::<String>::new());
}

#[test]
fn the_gate_catches_a_value_in_a_child_cmd_and_a_program_found_by_path() {
    // the left side of a pipe runs in a child cmd, which expands `%` again
    let pipe = "@echo off\r\n\"%SystemRoot%\\System32\\sc.exe\" query \"%AMX_NAME%\" | find \"RUNNING\"\r\n";
    assert!(cmd_violations(pipe).iter().any(|v| v.starts_with("a pipe")));
    let for_cmd = "for /f %%i in ('sc.exe query \"%AMX_NAME%\"') do echo %%i\r\n";
    assert!(cmd_violations(for_cmd)
        .iter()
        .any(|v| v.contains("`for /f` command")));
    let by_path = "sc.exe query \"%AMX_NAME%\"\r\n";
    assert!(cmd_violations(by_path)
        .iter()
        .any(|v| v.contains("not by its full path")));
    // a `|` inside quotes is text
    let quoted = "echo \"a | b\"\r\n";
    assert_eq!(cmd_violations(quoted), Vec::<String>::new());
}

#[test]
fn the_task_runner_starts_only_what_windows_server_2003_has() {
    let commands = allow_list("ws2003-commands.txt");
    let js = amxc::emit::TASK_RUNNER_JS;
    // each program by its full path: `"\"" + root + "\\System32\\cmd.exe\" …"`
    let prefix = "\"\\\"\" + root + \"\\\\System32\\\\";
    let mut started = 0;
    for call in ["shell.Exec(", "shell.Run("] {
        for (at, _) in js.match_indices(call) {
            let rest = &js[at + call.len()..];
            let program = rest
                .strip_prefix(prefix)
                .and_then(|r| r.split('\\').next())
                .unwrap_or_else(|| panic!("not by its full path: {}", &rest[..40.min(rest.len())]))
                .to_ascii_lowercase();
            assert!(commands.contains(&program), "the runner starts `{program}`");
            started += 1;
        }
    }
    assert_eq!(started, 2);
    assert!(js.is_ascii());
}

#[test]
fn the_gate_catches_what_powershell_2_cannot_run() {
    // the gate itself can fail: each construct newer than 2.0 is caught
    for (script, what) in [
        ("#Requires -RunAsAdministrator\n", "#Requires"),
        ("Set-StrictMode -Version 3.0\n", "versions 1.0 and 2.0"),
        ("$h = [ordered]@{}\n", "[ordered]"),
        ("$o = [pscustomobject]@{}\n", "[pscustomobject]"),
        (
            "$l = [System.Collections.Generic.List[int]]::new()\n",
            "::new",
        ),
        ("if (1 -in @(1)) { }\n", "-in"),
        ("Write-Host $PSScriptRoot\n", "$PSScriptRoot"),
        ("Get-Content -Raw 'x'\n", "Get-Content"),
        ("Get-CimInstance Win32_Service\n", "Get-CimInstance"),
    ] {
        let found = ps2_violations(script);
        assert!(
            found.iter().any(|f| f.contains(what)),
            "{what} not caught in {script:?}: {found:?}"
        );
    }
    for (script, what) in [
        ("timeout /t 5\r\n", "timeout"),
        ("powershell -File x.ps1\r\n", "powershell"),
        ("echo ok & choice /c yn\r\n", "choice"),
        ("if errorlevel 1 timeout 3\r\n", "timeout"),
    ] {
        let found = cmd_violations(script);
        assert!(
            found.iter().any(|f| f.contains(what)),
            "{what} not caught in {script:?}: {found:?}"
        );
    }
    let long = format!("echo {}\r\n", "x".repeat(8200));
    assert!(!cmd_violations(&long).is_empty());
}

#[test]
fn a_server_without_powershell_gets_cmd_and_one_with_it_powershell() {
    let dir = tempfile::tempdir().expect("temp");
    let base = std::fs::read_to_string("policies/targets/symantec-mail-security/EXCH01.yaml")
        .expect("profile");
    let cases = [
        ("\npowershell: \"2.0\"", "powershell: none", false),
        ("\npowershell: \"2.0\"", "powershell: \"5.1\"", true),
        // without the line, Windows Server 2008 (SP2) ships no PowerShell
        ("\npowershell: \"2.0\"", "", false),
    ];
    for (from, to, ps) in cases {
        let profile = dir.path().join("EXCH01.yaml");
        std::fs::write(&profile, base.replacen(from, &format!("\n{to}"), 1)).expect("write");
        let mut sources = SourceMap::new();
        let out = dir.path().join("out");
        let args = FleetArgs {
            policy: Path::new("policies/symantec-mail-security.amx"),
            matrix: None,
            targets: vec![profile],
            out: &out,
            options: Options {
                scripts: ScriptKind::Auto,
                json: false,
                allow_lossy: false,
            },
            check: false,
            keep: true,
            engine: None,
            partition: None,
        };
        let report = compile_fleet(&mut sources, &args).expect("compile");
        let files = &report.compiled[0].files;
        assert_eq!(files.contains_key("start.ps1"), ps, "{to:?}");
        assert_eq!(files.contains_key("start.cmd"), !ps, "{to:?}");
    }
}

#[test]
fn shipped_windows_releases_map_to_the_powershell_they_ship() {
    use amxc::engine::windows::{shipped_powershell, PowerShell};
    let v = |s: &str| PowerShell::parse(s).expect("version");
    assert_eq!(shipped_powershell("2003"), Some(PowerShell::Absent));
    assert_eq!(shipped_powershell("2008"), Some(PowerShell::Absent));
    assert_eq!(shipped_powershell("2008 R2"), Some(v("2.0")));
    assert_eq!(shipped_powershell("2012"), Some(v("3.0")));
    assert_eq!(shipped_powershell("2012r2"), Some(v("4.0")));
    assert_eq!(shipped_powershell("2019"), Some(v("5.1")));
    assert_eq!(shipped_powershell("vista"), None);
}
