//! `amxc compile`: every output of the seed policy for four servers snapshotted, scripts that
//! parse, values that cannot escape their quotes, atomic and deterministic output.

use crate::support::{human, short, snapshot_settings};
use amxc::driver::fleet::{compile_fleet, target_files, FleetArgs, FleetReport};
use amxc::emit::{Options, ScriptKind};
use amxc::source::SourceMap;
use std::path::{Path, PathBuf};

const SEED: &str = "policies/symantec-mail-security.amx";
const SEED_TARGETS: &str = "policies/targets/symantec-mail-security";

fn options(scripts: ScriptKind) -> Options {
    Options {
        scripts,
        json: true,
        allow_lossy: false,
    }
}

fn run(
    policy: &str,
    matrix: Option<&str>,
    targets: Vec<PathBuf>,
    out: &Path,
    scripts: ScriptKind,
    check: bool,
) -> (SourceMap, FleetReport) {
    let mut sources = SourceMap::new();
    let args = FleetArgs {
        policy: Path::new(policy),
        matrix: matrix.map(Path::new),
        targets,
        out,
        options: options(scripts),
        check,
        keep: true,
        engine: None,
        partition: None,
    };
    let report = compile_fleet(&mut sources, &args).unwrap_or_else(|e| panic!("{e}"));
    (sources, report)
}

/// Errors and warnings, rendered (notes are advisories that every run of the seed shows).
fn problems(sources: &SourceMap, r: &FleetReport) -> String {
    let ds: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity != amxc::diagnostic::Severity::Note)
        .cloned()
        .collect();
    short(sources, &ds)
}

/// Every PowerShell script of every compiled server parses.
fn assert_ps1_parse(report: &FleetReport) {
    for c in &report.compiled {
        for (name, text) in c.files.iter().filter(|(n, _)| n.ends_with(".ps1")) {
            assert_eq!(
                ps1_errors(text),
                Vec::<String>::new(),
                "{}/{name}",
                c.server
            );
        }
    }
}

fn seed_targets() -> Vec<PathBuf> {
    target_files(Path::new(SEED_TARGETS)).expect("seed targets")
}

pub fn parse_ps1(text: &str) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("grammar");
    parser.parse(text, None).expect("parse")
}

/// Names of ERROR or MISSING nodes, with their text.
pub fn ps1_errors(text: &str) -> Vec<String> {
    let tree = parse_ps1(text);
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            out.push(format!(
                "{} at {:?}: {:?}",
                n.kind(),
                n.start_position(),
                &text[n.byte_range()]
            ));
        }
        stack.extend(n.children(&mut cursor));
    }
    out
}

#[test]
fn every_output_of_the_seed_policy_for_four_servers_is_snapshotted() {
    let dir = tempfile::tempdir().expect("temp");
    let (sources, report) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Both,
        false,
    );
    assert_eq!(problems(&sources, &report), "");
    assert_eq!(report.compiled.len(), 4);
    for c in &report.compiled {
        for (name, text) in &c.files {
            snapshot_settings(Path::new(SEED_TARGETS)).bind(|| {
                insta::assert_snapshot!(format!("compile@{}-{name}", c.server), text);
            });
        }
    }
}

#[test]
fn the_servers_get_the_scripts_of_their_windows_generation() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, report) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Auto,
        false,
    );
    for c in &report.compiled {
        let legacy = c.server == "EXCH2003" || c.server == "EXCH03";
        assert_eq!(c.files.contains_key("start.cmd"), legacy, "{}", c.server);
        assert_eq!(c.files.contains_key("start.ps1"), !legacy, "{}", c.server);
        let folder = dir.path().join(&c.server);
        for name in c.files.keys() {
            assert!(folder.join(name).is_file(), "{} was not written", name);
        }
    }
}

#[test]
fn every_generated_powershell_script_parses() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, report) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Both,
        false,
    );
    assert_ps1_parse(&report);
}

#[test]
fn every_generated_file_starts_with_a_banner_naming_the_policy_and_version() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, report) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Both,
        false,
    );
    let version = env!("CARGO_PKG_VERSION");
    for c in &report.compiled {
        for (name, text) in &c.files {
            let first = if name.ends_with(".cmd") {
                text.lines().nth(1)
            } else {
                text.lines().next()
            };
            let first = first.unwrap_or_default();
            let json_banner = name.ends_with(".json")
                && text
                    .lines()
                    .nth(2)
                    .is_some_and(|l| l.contains("Generated by amxc"));
            assert!(
                json_banner
                    || (first.contains(&format!("amxc {version}"))
                        && first.contains("symantec-mail-security.amx")),
                "{}/{name} starts with {first:?}",
                c.server
            );
        }
    }
}

#[test]
fn compiling_twice_gives_byte_identical_output() {
    let a = tempfile::tempdir().expect("temp");
    let b = tempfile::tempdir().expect("temp");
    let (_, ra) = run(
        SEED,
        None,
        seed_targets(),
        a.path(),
        ScriptKind::Both,
        false,
    );
    let (_, rb) = run(
        SEED,
        None,
        seed_targets(),
        b.path(),
        ScriptKind::Both,
        false,
    );
    assert_eq!(ra.compiled, rb.compiled);
}

#[test]
fn the_stop_order_is_the_exact_reverse_of_the_start_order() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, report) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Ps1,
        false,
    );
    let names = |text: &str, verb: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(verb))
            .filter_map(|l| l.split('\'').nth(1).map(str::to_string))
            .collect()
    };
    for c in &report.compiled {
        let start = names(&c.files["start.ps1"], "Start-AmxService");
        let mut stop = names(&c.files["stop.ps1"], "Stop-AmxService");
        stop.reverse();
        assert_eq!(start, stop);
        let pos = |n: &str| start.iter().position(|x| x == n);
        assert!(pos("SMSMSE") < pos("BMISFA"), "BMISFA starts after SMSMSE");
    }
}

#[test]
fn check_mode_passes_on_fresh_outputs_and_fails_with_a_diff_when_stale() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, written) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Auto,
        false,
    );
    assert!(!written.failed(4));
    let (_, fresh) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Auto,
        true,
    );
    assert!(fresh.stale.is_empty());
    let f = dir.path().join("EXCH01/filters.yaml");
    let edited = std::fs::read_to_string(&f)
        .expect("read")
        .replace("class: log", "class: data");
    std::fs::write(&f, edited).expect("write");
    let before = std::fs::read_to_string(&f).expect("read");
    let (_, stale) = run(
        SEED,
        None,
        seed_targets(),
        dir.path(),
        ScriptKind::Auto,
        true,
    );
    assert_eq!(stale.stale.len(), 1);
    let diff = &stale.stale[0].1;
    assert!(
        diff.contains("--- a/EXCH01/filters.yaml")
            && diff.contains("-    class: data")
            && diff.contains("+    class: log"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&f).expect("read"),
        before,
        "--check writes nothing"
    );
}

#[test]
fn a_failing_server_is_reported_and_the_others_are_still_written() {
    let dir = tempfile::tempdir().expect("temp");
    let mut targets = seed_targets();
    targets.push(PathBuf::from("tests/fixtures/targets/amx0402.target.yaml"));
    let (sources, report) = run(SEED, None, targets, dir.path(), ScriptKind::Auto, false);
    assert!(problems(&sources, &report).contains("AMX0402"));
    assert_eq!(report.compiled.len(), 4);
    assert!(dir.path().join("EXCH02/filters.yaml").is_file());
    assert!(report.failed(5));
}

#[test]
fn a_policy_that_fails_validation_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let marker = dir.path().join("EXCH01/filters.yaml");
    std::fs::create_dir_all(marker.parent().expect("parent")).expect("mkdir");
    std::fs::write(&marker, "old").expect("write");
    let (_, report) = run(
        "tests/fixtures/diagnostics/amx0302.amx",
        Some("tests/fixtures/diagnostics/small.versions.yaml"),
        seed_targets(),
        dir.path(),
        ScriptKind::Auto,
        false,
    );
    assert!(report.policy_failed);
    assert_eq!(std::fs::read_to_string(&marker).expect("read"), "old");
    let entries = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(entries, 1, "nothing but the old folder");
}

#[test]
fn every_target_fixture_triggers_its_code() {
    for path in crate::support::files("tests/fixtures/targets", "yaml") {
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .trim_end_matches(".target.yaml")
            .to_string();
        let code = amxc::diagnostic::Code::parse(&stem)
            .unwrap_or_else(|| panic!("{stem} is not named after a code"));
        let own_policy = path.with_file_name(format!("{stem}.amx"));
        let (policy, matrix) = if own_policy.exists() {
            (
                own_policy.to_string_lossy().into_owned(),
                crate::support::fixture_matrix(&own_policy)
                    .map(|m| m.to_string_lossy().into_owned()),
            )
        } else {
            (SEED.to_string(), None)
        };
        let dir = tempfile::tempdir().expect("temp");
        let check = stem == "amx0409";
        // two profiles of one server: the fixture, twice
        let profiles = if stem == "amx0410" {
            vec![path.clone(), path.clone()]
        } else {
            vec![path.clone()]
        };
        let (sources, report) = run(
            &policy,
            matrix.as_deref(),
            profiles,
            dir.path(),
            ScriptKind::Auto,
            check,
        );
        let rendered =
            problems(&sources, &report).replace(&dir.path().display().to_string(), "OUT");
        assert!(
            report.diagnostics.iter().any(|d| d.code == code),
            "{stem} should report {code}:\n{rendered}"
        );
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity != amxc::diagnostic::Severity::Note)
            .cloned()
            .collect();
        let human = human(&sources, &errors).replace(&dir.path().display().to_string(), "OUT");
        snapshot_settings(&path).bind(|| {
            insta::assert_snapshot!(format!("target@{stem}"), format!("{rendered}\n{human}"));
        });
    }
}

/// The seed article's bullets that the generated article words otherwise, each with the words
/// it uses: the PreStart task is named as a task, and the known issue is marked as one.
const WORDED_OTHERWISE: &[(&str, &str)] = &[
    (
        "In cases where there is no management IP address the latest DATs are obtained",
        "In cases where there is no management IP address on the passive, the virus definitions DAT files obtained from the Auto Update component are obtained when the server becomes active, because LiveUpdate runs as a PreStart task",
    ),
    (
        "However in some cases it was found that apply exceptions can occur",
        "Known issue: in some cases it was found that apply exceptions can occur during periods of definition updates.",
    ),
];

fn seed_doc(details: bool) -> String {
    let mut sources = SourceMap::new();
    let loaded = amxc::driver::load::load(&mut sources, Path::new(SEED), None).expect("load");
    amxc::emit::feature_list(
        loaded.policy.as_ref().expect("policy"),
        loaded.matrix.as_ref(),
        details,
    )
}

#[test]
fn the_feature_list_says_what_the_seed_article_says() {
    let doc = seed_doc(false);
    let article = std::fs::read_to_string("tests/fixtures/seed-article.txt")
        .expect("article")
        .replace('\u{a0}', " ");
    let bullets: Vec<&str> = article
        .lines()
        .filter_map(|l| l.trim().strip_prefix('\u{2022}'))
        .map(str::trim)
        .collect();
    assert!(bullets.len() >= 13, "{bullets:?}");
    for b in bullets {
        match WORDED_OTHERWISE.iter().find(|(a, _)| b.starts_with(a)) {
            Some((_, ours)) => assert!(
                doc.contains(ours),
                "the feature list lacks {ours:?}:\n{doc}"
            ),
            None => assert!(
                doc.contains(&format!("- {b}")),
                "the feature list lacks the article's {b:?}:\n{doc}"
            ),
        }
    }
    for needle in [
        "Knowledgebase article #563",
        "all protected services will be set to manual unless otherwise stated",
        "does not provide a filter discovery component",
        "KB 462",
        "## Exception: Version 2007-03-27",
        "## Unsupported Components or Features",
        "All Versions",
    ] {
        assert!(
            doc.contains(needle),
            "the feature list lacks {needle:?}:\n{doc}"
        );
    }
    // every sentence amxc words holds where it says: a service of some versions says which
    for held in [
        "- Symantec Mail Security Spam Statistics (SAVFMSESpamStatsManager) (only where app version is below 6.0)",
        "- Symantec Mail Security Utility Service (SAVFMSESpamStatsManager) (only where app version is at least 6.0)",
    ] {
        assert!(doc.contains(held), "the feature list lacks {held:?}:\n{doc}");
    }
    // no claim the article does not make: no start order, no filter lists, no condition
    // beside an advisory that says its own
    for claim in [
        "starts after",
        "Files protected:",
        "absent (only where",
        "Advisory:",
    ] {
        assert!(
            !doc.contains(claim),
            "the feature list claims {claim:?}:\n{doc}"
        );
    }
    snapshot_settings(Path::new(SEED))
        .bind(|| insta::assert_snapshot!("doc@symantec-mail-security", doc));
}

#[test]
fn the_detailed_feature_list_names_every_filter_and_condition() {
    let doc = seed_doc(true);
    for needle in [
        "Files protected: `%VirusDefs%\\**` (definitions) (only where the Symantec File-Level anti-virus is absent).",
        "Included in the Data Rollback Module snapshot: `%VirusDefs%\\**` (only where the Symantec File-Level anti-virus is absent).",
        "Registry keys protected: `HKLM\\SOFTWARE\\Symantec\\SMSMSE\\**` (configuration).",
        "Symantec Mail Security Spam Statistics (SAVFMSESpamStatsManager) (only where app version is below 6.0)",
        "- `%VirusDefs%` = `%CommonProgramFiles%\\Symantec Shared\\VirusDefs`",
    ] {
        assert!(doc.contains(needle), "the detailed list lacks {needle:?}:\n{doc}");
    }
}

#[test]
fn every_shipped_fleet_compiles_clean() {
    let mut fleets: Vec<PathBuf> = std::fs::read_dir("policies/targets")
        .expect("targets")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    fleets.sort();
    assert!(fleets.len() >= 3);
    for fleet in fleets {
        let name = fleet
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let policy = format!("policies/{name}.amx");
        let dir = tempfile::tempdir().expect("temp");
        let targets = target_files(&fleet).expect("targets");
        let n = targets.len();
        let (sources, report) = run(&policy, None, targets, dir.path(), ScriptKind::Both, false);
        assert_eq!(problems(&sources, &report), "", "{name}");
        assert_eq!(report.compiled.len(), n, "{name}");
        assert_ps1_parse(&report);
    }
}

#[test]
fn a_named_sql_instance_gets_its_own_service_names() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, report) = run(
        "policies/sql-server.amx",
        None,
        vec![PathBuf::from("policies/targets/sql-server/SQL02.yaml")],
        dir.path(),
        ScriptKind::Ps1,
        false,
    );
    let start = &report.compiled[0].files["start.ps1"];
    assert!(
        start.contains("Start-AmxService -Name 'MSSQL$PAYROLL'"),
        "{start}"
    );
    let agent = start.find("'SQLAgent$PAYROLL'").expect("agent");
    assert!(
        start.find("'MSSQL$PAYROLL'").expect("engine") < agent,
        "the agent starts after the engine"
    );
    assert!(!start.contains("MSSQLSERVER"));
}

#[test]
fn the_filter_set_records_every_base_rule_an_exception_overrode_with_both_origins() {
    let dir = tempfile::tempdir().expect("temp");
    let policy = dir.path().join("p.amx");
    std::fs::write(
        &policy,
        "amx \"fixture\" {
    versions 2007-03-27, 2007-07-11
    data {
        files include 'C:\\App\\**'
        files exclude 'C:\\App\\cache\\**' because \"rebuilt\"
        files include 'C:\\Logs\\**' as log
        files include 'C:\\Logs\\**' as log
        unprotected 'C:\\Defs\\**' because \"updated on each server\"
    }
    exception 2007-03-27 {
        data {
            files include 'C:\\App\\cache\\**'
            files include 'C:\\Logs\\**' as data
            files include 'C:\\Defs\\**' as definitions
        }
    }
}
",
    )
    .expect("write");
    let target = dir.path().join("t.yaml");
    std::fs::write(
        &target,
        "server: APP01\nversion: 2007-03-27\napp: \"5.0\"\narch: x64\nheartbeat: \"5.2\"\n",
    )
    .expect("write");
    let mut sources = SourceMap::new();
    let (set, diags) = amxc::driver::load::with_plan(
        &mut sources,
        &policy,
        Some(Path::new("tests/fixtures/diagnostics/small.versions.yaml")),
        &target,
        None,
        |plan| (amxc::emit::filter_set(plan), amxc::emit::filters_yaml(plan)),
    )
    .expect("plan")
    .into_parts();
    let (set, yaml) = set.unwrap_or_else(|| panic!("{}", short(&sources, &diags)));
    let got: Vec<(String, Option<String>, String, String, String, String)> = set
        .overridden
        .iter()
        .map(|o| {
            (
                o.kind.clone(),
                o.mode.clone(),
                o.pattern.clone(),
                o.origin.clone(),
                o.how.clone(),
                o.by.clone(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (
                s("files"),
                Some(s("exclude")),
                s("C:\\App\\cache\\**"),
                s("p.amx:5"),
                s("replaced"),
                s("p.amx:12")
            ),
            (
                s("files"),
                Some(s("include")),
                s("C:\\Logs\\**"),
                s("p.amx:6"),
                s("replaced"),
                s("p.amx:13")
            ),
            (
                s("files"),
                Some(s("include")),
                s("C:\\Logs\\**"),
                s("p.amx:7"),
                s("replaced"),
                s("p.amx:13")
            ),
            (
                s("unprotected"),
                None,
                s("C:\\Defs\\**"),
                s("p.amx:8"),
                s("protected"),
                s("p.amx:14")
            ),
        ]
    );
    assert!(set.overridden.iter().all(|o| o.exception == "2007-03-27"));
    // and in the YAML a reviewer reads
    assert!(
        yaml.contains("overridden:\n- kind: files\n  mode: exclude"),
        "{yaml}"
    );
}
