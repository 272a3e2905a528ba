//! `amxc diff`: a semantic diff of compiled outputs in text, Markdown and JSON.

use crate::support::snapshot_settings;
use amxc::diff::{diff, markdown, text, Outputs, MARKDOWN_LIMIT};
use amxc::driver::fleet::{compile_fleet, target_files, FleetArgs};
use amxc::driver::readback::read_tree;
use amxc::emit::{Entry, FilterSet, ServiceSet};
use amxc::emit::{Options, ScriptKind};
use amxc::source::SourceMap;
use std::path::Path;

fn compile(policy: &Path, out: &Path) {
    let mut sources = SourceMap::new();
    let args = FleetArgs {
        policy,
        matrix: Some(Path::new("policies/symantec-mail-security.versions.yaml")),
        targets: target_files(Path::new("policies/targets/symantec-mail-security"))
            .expect("targets"),
        out,
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
    let r = compile_fleet(&mut sources, &args).expect("compile");
    assert!(
        !r.failed(4),
        "{:?}",
        r.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

/// The seed, and the seed with a class changed, a service added, an exclusion added and a
/// task removed.
fn two_trees() -> (tempfile::TempDir, tempfile::TempDir) {
    let old = tempfile::tempdir().expect("temp");
    let new = tempfile::tempdir().expect("temp");
    compile(Path::new("policies/symantec-mail-security.amx"), old.path());
    let src = std::fs::read_to_string("policies/symantec-mail-security.amx").expect("seed");
    let changed = src
        .replace("files include '%Install%\\logs\\**' as log", "files include '%Install%\\logs\\**' as data\n        files exclude '%Install%\\logs\\debug\\**' because \"rewritten every second\" when heartbeat >= 5.3")
        .replace("        service BMISFA", "        service SMSExtra \"Symantec Mail Security Extra\" {\n            after BMISFA\n        }\n        service BMISFA");
    let policy = new.path().join("symantec-mail-security.amx");
    std::fs::write(&policy, changed).expect("write");
    let out = new.path().join("out");
    compile(&policy, &out);
    (old, new)
}

#[test]
fn the_diff_names_every_change_with_its_origin_in_every_format() {
    let (old, new) = two_trees();
    let o = read_tree(old.path()).expect("old");
    let n = read_tree(&new.path().join("out")).expect("new");
    let d = diff(&o, &n);
    assert_eq!(d.servers.len(), 4);
    let t = text(&d);
    assert!(t.contains("~ files include `E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\logs\\**`: class log → data"), "{t}");
    assert!(t.contains("+ service `SMSExtra`"), "{t}");
    let md = markdown(&d);
    assert!(
        md.lines()
            .next()
            .is_some_and(|l| l.starts_with("**amxc diff**: 4 servers changed")),
        "{md}"
    );
    assert!(md.contains("<details>"));
    let json = serde_json::to_string_pretty(&d).expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["format_version"], 1);
    snapshot_settings(Path::new("policies/symantec-mail-security.amx")).bind(|| {
        insta::assert_snapshot!("diff@text", t);
        insta::assert_snapshot!("diff@markdown", md);
    });
}

#[test]
fn identical_trees_have_no_changes() {
    let a = tempfile::tempdir().expect("temp");
    let b = tempfile::tempdir().expect("temp");
    compile(Path::new("policies/symantec-mail-security.amx"), a.path());
    compile(Path::new("policies/symantec-mail-security.amx"), b.path());
    let d = diff(
        &read_tree(a.path()).expect("a"),
        &read_tree(b.path()).expect("b"),
    );
    assert!(d.is_empty());
    assert_eq!(d.servers_unchanged, 4);
    assert_eq!(text(&d), "no changes\n");
}

#[test]
fn a_huge_diff_is_truncated_below_the_comment_limit_with_a_note() {
    let server = |name: &str, n: usize| Outputs {
        server: name.to_string(),
        filters: FilterSet {
            server: name.to_string(),
            files: amxc::emit::Pair {
                include: (0..n)
                    .map(|i| Entry {
                        pattern: format!("C:\\Data\\folder{i:06}\\**"),
                        class: Some("data".into()),
                        reason: None,
                        origin: format!("p.amx:{i}"),
                        exception: None,
                        overrides: None,
                    })
                    .collect(),
                exclude: Vec::new(),
            },
            ..FilterSet::default()
        },
        services: ServiceSet::default(),
        cluster: None,
    };
    let old: Vec<Outputs> = (0..20).map(|k| server(&format!("S{k:02}"), 0)).collect();
    let new: Vec<Outputs> = (0..20)
        .map(|k| server(&format!("S{k:02}"), 2_000))
        .collect();
    let md = markdown(&diff(&old, &new));
    assert!(
        md.chars().count() <= MARKDOWN_LIMIT,
        "{} characters",
        md.chars().count()
    );
    assert!(md.starts_with("**amxc diff**: 20 servers changed"));
    assert!(md.contains("Truncated to stay under 60000 characters"));
    assert_eq!(md.matches("```").count() % 2, 0, "code blocks are closed");
}

#[test]
fn the_cli_diff_reads_server_and_fleet_folders() {
    let (old, new) = two_trees();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
        .args([
            "diff",
            &old.path().join("EXCH01").to_string_lossy(),
            &new.path().join("out/EXCH01").to_string_lossy(),
            "--exit-code",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("1 server changed"));
}

#[test]
fn a_changed_service_or_task_names_every_setting_with_old_and_new_values() {
    use amxc::emit::{ServiceEntry, TaskEntry};
    let svc = ServiceEntry {
        name: "SMSMSE".into(),
        display: Some("Mail Security".into()),
        startup: "manual".into(),
        active: "running".into(),
        passive: "stopped".into(),
        monitor: true,
        manage: true,
        after: vec![],
        on_failure: vec!["recover-service".into()],
        start_timeout: None,
        stop_timeout: Some(300),
        origin: "p.amx:3".into(),
    };
    let changed = ServiceEntry {
        monitor: false,
        stop_timeout: Some(600),
        after: vec!["BMISFA".into()],
        origin: "p.amx:4".into(),
        ..svc.clone()
    };
    assert_eq!(
        amxc::diff::service_changes(&svc, &changed),
        vec![
            "monitor true → false",
            "after [] → [BMISFA]",
            "stop timeout 300 s → 600 s"
        ]
    );
    let task = TaskEntry {
        name: "LiveUpdate".into(),
        kind: "prestart".into(),
        every: None,
        side: "active".into(),
        program: "C:\\LU\\LUALL.EXE".into(),
        args: vec!["-s".into()],
        timeout: Some(600),
        origin: "p.amx:9".into(),
    };
    let moved = TaskEntry {
        args: vec!["-q".into()],
        timeout: None,
        ..task.clone()
    };
    assert_eq!(
        amxc::diff::task_changes(&task, &moved),
        vec![
            "run `C:\\LU\\LUALL.EXE -s` → `C:\\LU\\LUALL.EXE -q`",
            "timeout 600 s → default"
        ]
    );
}

/// A policy compiled for clusters (losses allowed) into `out`; the servers written.
fn compile_cluster(policy: &Path, targets: &str, out: &Path) -> usize {
    let mut sources = SourceMap::new();
    let args = FleetArgs {
        policy,
        matrix: None,
        targets: target_files(Path::new(targets)).expect("targets"),
        out,
        options: Options {
            scripts: ScriptKind::Auto,
            json: false,
            allow_lossy: true,
        },
        check: false,
        keep: false,
        engine: Some(&amxc::engine::Wsfc),
        partition: None,
    };
    compile_fleet(&mut sources, &args)
        .expect("compile")
        .servers
        .len()
}

/// The filemaker-server-8 policy compiled for clusters, as is and with `new` in place of `old`.
fn cluster_trees(old: &str, new: &str) -> (tempfile::TempDir, Vec<Outputs>, Vec<Outputs>) {
    let dir = tempfile::tempdir().expect("temp");
    let src = std::fs::read_to_string("policies/filemaker-server-8.amx").expect("policy");
    assert!(src.contains(old), "{old}");
    std::fs::write(
        dir.path().join("filemaker-server-8.amx"),
        src.replacen(old, new, 1),
    )
    .expect("write");
    std::fs::copy(
        "policies/filemaker-server-8.versions.yaml",
        dir.path().join("filemaker-server-8.versions.yaml"),
    )
    .expect("matrix");
    let mut trees = Vec::new();
    for (policy, out) in [
        (
            Path::new("policies/filemaker-server-8.amx").to_path_buf(),
            "a",
        ),
        (dir.path().join("filemaker-server-8.amx"), "b"),
    ] {
        let servers = compile_cluster(
            &policy,
            "policies/targets/filemaker-server-8",
            &dir.path().join(out),
        );
        assert_eq!(servers, 1);
        trees.push(read_tree(&dir.path().join(out)).expect("read"));
    }
    let b = trees.pop().expect("b");
    let a = trees.pop().expect("a");
    (dir, a, b)
}

#[test]
fn a_cluster_role_diff_names_each_resource_setting_and_checkpoint() {
    let (_dir, a, b) = cluster_trees(
        "            on-failure recover-service, switchover\n        }\n        service \"FileMaker Server 8 Helper\"",
        "            on-failure recover-service, recover-service, switchover\n        }\n        service \"FileMaker Server 8 Helper\"",
    );
    let d = diff(&a, &b);
    let t = text(&d);
    assert!(
        t.contains(
            "~ resource `FileMaker Server 8`: RestartThreshold 1 → 2 — filemaker-server-8.amx:26"
        ),
        "{t}"
    );
    assert!(
        t.starts_with("1 server changed — cluster roles: 1 change"),
        "{t}"
    );
    let json = serde_json::to_value(&d).expect("json");
    assert_eq!(json["servers"][0]["role"][0]["what"], "resource");
    assert_eq!(json["servers"][0]["role"][0]["change"], "changed");
    // a key more: a checkpoint added
    let (_dir, a, b) = cluster_trees(
        "    data {\n",
        "    data {\n        registry include 'HKLM\\SOFTWARE\\Vendor\\Tools\\**'\n",
    );
    let t = text(&diff(&a, &b));
    assert!(t.contains("+ checkpoint `SOFTWARE\\Vendor\\Tools`"), "{t}");
}

#[test]
fn a_server_moved_to_another_engine_says_so() {
    let old = tempfile::tempdir().expect("temp");
    compile(Path::new("policies/symantec-mail-security.amx"), old.path());
    let new = tempfile::tempdir().expect("temp");
    compile_cluster(
        Path::new("policies/symantec-mail-security.amx"),
        "policies/targets/symantec-mail-security",
        new.path(),
    );
    let d = diff(
        &read_tree(old.path()).expect("old"),
        &read_tree(new.path()).expect("new"),
    );
    let t = text(&d);
    assert!(t.contains("~ engine `neverfail → wsfc`"), "{t}");
    assert!(!t.contains("~ release"), "the release did not change: {t}");
    // resources are named by their service
    assert!(t.contains("+ resource `SMSMSE`"), "{t}");
}

#[test]
fn outputs_made_to_exhaust_a_reader_are_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp");
    let a = dir.path().join("a");
    let (code, _, err) = crate::support::run_amxc(
        &[
            "compile",
            "policies/symantec-mail-security.amx",
            "--target",
            "policies/targets/symantec-mail-security/EXCH01.yaml",
            "--out",
            a.to_str().expect("a"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let filters = std::fs::read_to_string(a.join("EXCH01/filters.yaml")).expect("filters");
    for (what, extra) in [
        (
            "100,000-deep nesting under an unknown key",
            format!("junk: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        ("an alias", "junk: &a [1]\nmore: *a\n".to_string()),
        ("a second document", "---\nserver: X\n".to_string()),
    ] {
        let b = dir.path().join("b");
        let _ = std::fs::remove_dir_all(&b);
        std::fs::create_dir_all(b.join("EXCH01")).expect("mkdir");
        for f in ["services.yaml", "summary.md"] {
            std::fs::copy(a.join("EXCH01").join(f), b.join("EXCH01").join(f)).expect("copy");
        }
        std::fs::write(b.join("EXCH01/filters.yaml"), format!("{filters}{extra}")).expect("write");
        let (code, out, _) = crate::support::run_amxc(
            &["diff", a.to_str().expect("a"), b.to_str().expect("b")],
            &[],
        );
        assert_eq!(code, 2, "{what}: {out}");
        assert!(
            out.contains("AMX0500") && out.contains("is not a file amxc wrote"),
            "{what}: {out}"
        );
        assert!(
            out.contains("compare folders that `amxc compile` wrote"),
            "{what}: {out}"
        );
        assert!(!out.contains("no changes"), "{what}: {out}");
    }
}

#[test]
fn a_tree_compared_with_itself_never_differs_even_with_names_given_twice() {
    // a fleet folder where a server's folder was copied under another name, and a services.yaml
    // naming one service twice (found by the `diff` fuzz target): each side pairs in order
    let dir = tempfile::tempdir().expect("temp");
    let a = dir.path().join("a");
    let (code, _, err) = crate::support::run_amxc(
        &[
            "compile",
            "policies/symantec-mail-security.amx",
            "--targets",
            "policies/targets/symantec-mail-security",
            "--out",
            a.to_str().expect("a"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let copy = a.join("EXCH01-copy");
    std::fs::create_dir_all(&copy).expect("mkdir");
    for f in ["filters.yaml", "services.yaml"] {
        std::fs::copy(a.join("EXCH01").join(f), copy.join(f)).expect("copy");
    }
    let services = std::fs::read_to_string(a.join("EXCH02/services.yaml")).expect("services");
    // the first service's entry given again, with another startup
    let first = services.find("services:\n- name:").expect("services") + "services:\n".len();
    let next = first
        + 2
        + services[first + 2..]
            .find("\n- name:")
            .expect("a second service")
        + 1;
    let entry = services[first..next].replace("startup: manual", "startup: automatic");
    let twice = format!("{}{entry}{}", &services[..first], &services[first..]);
    assert_ne!(twice, services);
    std::fs::write(a.join("EXCH02/services.yaml"), twice).expect("write");
    let tree = read_tree(&a).expect("tree");
    let d = diff(&tree, &tree);
    assert!(d.is_empty(), "{}", text(&d));
}
