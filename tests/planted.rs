//! What a repository can plant — links, FIFOs, `/proc` files, folders that contain themselves,
//! absurd manifests — never makes amxc write, read or wait where it should not. Each test is a
//! finding of the third hostile-input review, run through the binary as a user would meet it.
#![cfg(unix)]

use crate::support::run_amxc as amxc;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

const SEED: &str = "policies/symantec-mail-security.amx";

/// The seed policy laid out badly, so that `fmt` rewrites it.
fn unformatted(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(SEED).expect("seed");
    let p = dir.join("p.amx");
    std::fs::write(&p, text.replace("    ", "  ")).expect("write");
    p
}

#[test]
fn fmt_never_writes_through_a_name_planted_beside_the_policy() {
    let dir = tempfile::tempdir().expect("temp");
    let victim = dir.path().join("bashrc");
    std::fs::write(&victim, "export PS1='$ '\n").expect("victim");
    let policy = unformatted(dir.path());
    // the names earlier versions wrote their temporary file under
    symlink(&victim, dir.path().join("p.amx.amxc-fmt")).expect("link");
    symlink(&victim, dir.path().join(".p.amx.amxc-fmt")).expect("link");
    let (code, _, err) = amxc(&["fmt", &policy.to_string_lossy()], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "export PS1='$ '\n"
    );
    let formatted = std::fs::read_to_string(&policy).expect("policy");
    assert!(formatted.contains("\n    title "), "{formatted}");
    // nothing of amxc's own is left beside it
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("amxc-tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn fmt_of_a_linked_policy_replaces_the_link_never_its_target() {
    let dir = tempfile::tempdir().expect("temp");
    let real = unformatted(dir.path());
    let before = std::fs::read_to_string(&real).expect("real");
    let link = dir.path().join("linked.amx");
    symlink(&real, &link).expect("link");
    let (code, _, err) = amxc(&["fmt", &link.to_string_lossy()], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&real).expect("real"), before);
    assert!(!std::fs::symlink_metadata(&link).expect("meta").is_symlink());
}

#[test]
fn compile_refuses_a_link_planted_as_the_marker_of_a_server_folder() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep me").expect("victim");
    let target = "policies/targets/symantec-mail-security/EXCH01.yaml";
    let o = out.to_string_lossy().into_owned();
    let (code, _, err) = amxc(&["compile", SEED, "--target", target, "--out", &o], &[]);
    assert_eq!(code, 0, "{err}");
    symlink(&victim, out.join("EXCH01/.amxc-leftover")).expect("link");
    let (code, out, err) = amxc(&["compile", SEED, "--target", target, "--out", &o], &[]);
    assert_ne!(code, 0, "a planted link was accepted: {err}");
    assert!(
        out.contains(".amxc-leftover") && out.contains("is a symbolic link"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
}

#[test]
fn a_fifo_as_a_policy_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp");
    let fifo = dir.path().join("p.amx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let started = Instant::now();
    let (code, out, err) = amxc(&["check", &fifo.to_string_lossy()], &[]);
    assert!(started.elapsed() < Duration::from_secs(20), "it waited");
    assert_ne!(code, 0);
    assert!(
        format!("{out}{err}").contains("a FIFO, not a regular file"),
        "{out}{err}"
    );
    // in a folder, it is not a policy at all
    let (code, out, err) = amxc(&["check", &dir.path().to_string_lossy()], &[]);
    assert_ne!(code, 0);
    assert!(
        format!("{out}{err}").contains("no `.amx` policy found"),
        "{out}{err}"
    );
}

#[test]
fn the_environment_is_never_read_as_a_policy() {
    let dir = tempfile::tempdir().expect("temp");
    let link = dir.path().join("env.amx");
    symlink("/proc/self/environ", &link).expect("link");
    let (code, out, err) = amxc(
        &["check", &link.to_string_lossy()],
        &[("AMXC_TEST_SECRET", "s3cr3t-token-value")],
    );
    assert_ne!(code, 0);
    let all = format!("{out}{err}");
    assert!(!all.contains("s3cr3t-token-value"), "{all}");
    assert!(all.contains("not a regular file"), "{all}");
    let (code, out, err) = amxc(&["check", "/dev/zero"], &[]);
    assert_ne!(code, 0);
    assert!(format!("{out}{err}").contains("a device"), "{out}{err}");
}

#[test]
fn a_folder_that_contains_itself_is_walked_once() {
    let dir = tempfile::tempdir().expect("temp");
    std::fs::copy(SEED, dir.path().join("p.amx")).expect("copy");
    std::fs::copy(
        "policies/symantec-mail-security.versions.yaml",
        dir.path().join("p.versions.yaml"),
    )
    .expect("copy");
    symlink(".", dir.path().join("loop")).expect("link");
    symlink("..", dir.path().join("up")).expect("link");
    let (code, _, err) = amxc(&["check", &dir.path().to_string_lossy()], &[]);
    assert!(err.contains("checked 1 policy"), "{code} {err}");
}

#[test]
fn absurd_shard_numbers_are_refused_before_anything_is_sized_by_them() {
    let dir = tempfile::tempdir().expect("temp");
    let m = dir.path().join("amxc-shard-1-of-4294967295.json");
    std::fs::write(
        &m,
        r#"{"format_version":1,"policy":"p.amx","shard":1,"shards":4294967295,"hash":"sha256","check":false,"servers":[]}"#,
    )
    .expect("manifest");
    let started = Instant::now();
    let (code, out, err) = amxc(&["merge", &m.to_string_lossy()], &[]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_ne!(code, 0, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("does not exist"),
        "{out}{err}"
    );
    let (code, out, _) = amxc(
        &[
            "compile",
            SEED,
            "--targets",
            "policies/targets/symantec-mail-security",
            "--out",
            &dir.path().join("o").to_string_lossy(),
            "--partition",
            "hash:1/4294967295",
        ],
        &[],
    );
    assert_ne!(code, 0);
    assert!(out.contains("more than the 10000"), "{out}");
}

#[test]
fn a_manifest_cannot_inject_markup_into_the_pull_request_comment() {
    let dir = tempfile::tempdir().expect("temp");
    let evil = "X`</code></summary>![i](https://e.example/i.png)[l](https://e.example)";
    let m = dir.path().join("amxc-shard-1-of-1.json");
    let manifest = serde_json::json!({
        "format_version": 1, "policy": "p`![p](https://e.example/p.png).amx", "shard": 1, "shards": 1,
        "hash": "sha256", "check": true, "servers": [{ "server": evil, "files": {} }],
        "failed": [evil], "stale": [{ "server": evil, "diff": "-a\n+b\n" }]
    });
    std::fs::write(&m, manifest.to_string()).expect("manifest");
    let (_, md, err) = amxc(
        &["merge", &m.to_string_lossy(), "--format", "markdown"],
        &[],
    );
    assert!(md.contains("is stale"), "{md}{err}");
    for injected in ["![i](", "![p](", "[l](", "</code></summary>![", "`</code>"] {
        assert!(!md.contains(injected), "{injected} in:\n{md}");
    }
    assert_eq!(
        md.matches("<summary>").count(),
        md.matches("</summary>").count()
    );
}

#[test]
fn a_value_that_would_stretch_a_cmd_line_past_its_limit_is_refused() {
    // a registry checkpoint of 12 names of 250 characters: cluster.cmd's lines reached 10,070
    let dir = tempfile::tempdir().expect("temp");
    let long: Vec<String> = (0..12).map(|i| format!("{i}{}", "k".repeat(249))).collect();
    let seed = std::fs::read_to_string(SEED).expect("seed");
    let policy = seed.replacen(
        "registry include 'HKLM\\SOFTWARE\\Symantec\\SMSMSE\\**' as config",
        &format!(
            "registry include 'HKLM\\SOFTWARE\\Symantec\\SMSMSE\\**' as config\n        registry include 'HKLM\\SOFTWARE\\Symantec\\{}\\**' as config",
            long.join("\\")
        ),
        1,
    );
    assert_ne!(policy, seed);
    let p = dir.path().join("symantec-mail-security.amx");
    std::fs::write(&p, policy).expect("policy");
    std::fs::copy(
        "policies/symantec-mail-security.versions.yaml",
        dir.path().join("symantec-mail-security.versions.yaml"),
    )
    .expect("matrix");
    let out = dir.path().join("out");
    let (code, stdout, err) = amxc(
        &[
            "compile",
            &p.to_string_lossy(),
            "--target",
            "policies/targets/symantec-mail-security/EXCH2003.yaml",
            "--out",
            &out.to_string_lossy(),
            "--engine",
            "wsfc",
            "--allow-lossy",
            "--script",
            "cmd",
        ],
        &[],
    );
    assert_ne!(code, 0, "{err}");
    assert!(
        stdout.contains("AMX0406") && stdout.contains("cmd.exe takes lines of at most 8191"),
        "{stdout}"
    );
    assert!(!out.join("EXCH2003").exists(), "half-written");
}

#[test]
fn a_walk_skips_build_outputs_packages_and_what_git_ignores() {
    let dir = tempfile::tempdir().expect("temp");
    let root = dir.path();
    let policy = "amx \"p\" {\n    versions 2007-07-11\n}\n";
    for rel in [
        "good/p.amx",
        "target/debug/copy/p.amx",
        "node_modules/pkg/p.amx",
        "scratch/p.amx",
        "deep/target/p.amx",
    ] {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(&p, policy).expect("write");
    }
    // a repository that ignores scratch/
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    std::fs::write(root.join(".gitignore"), "scratch/\n").expect("gitignore");
    let found = amxc::driver::inputs::policy_files(&[root.to_path_buf()]).expect("walk");
    assert_eq!(found, [root.join("good/p.amx")], "{found:?}");
}
