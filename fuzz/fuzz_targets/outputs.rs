//! Any state of an output folder — stray files and folders, leftovers with and without
//! amxc's marker, a lock file, links out of it — then a fleet compile into it: no panic,
//! nothing outside the folder read through a link, written or renamed, and a compile that
//! reports success leaves every server's files as a fresh compile writes them.
#![no_main]
use amxc::driver::fleet::{compile_fleet, FleetArgs};
use amxc::emit::{Options, ScriptKind};
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const POLICY: &str = include_str!("../../policies/symantec-mail-security.amx");
const MATRIX: &str = include_str!("../../policies/symantec-mail-security.versions.yaml");
const TARGETS: [(&str, &str); 2] = [
    (
        "EXCH01",
        include_str!("../../policies/targets/symantec-mail-security/EXCH01.yaml"),
    ),
    (
        "EXCH03",
        include_str!("../../policies/targets/symantec-mail-security/EXCH03.yaml"),
    ),
];
/// Names the operations place in the output folder: servers, their files, leftovers, the lock.
const NAMES: [&str; 12] = [
    "EXCH01",
    "EXCH03",
    "EXCH01/filters.yaml",
    // the marker a run writes into a server's folder before moving it aside
    "EXCH01/.amxc-leftover",
    "EXCH03/.amxc-leftover",
    "EXCH03/services.yaml",
    ".amxc-tmp-EXCH01-1",
    ".amxc-old-EXCH01-1",
    ".amxc-old-EXCH03-7",
    ".amxc-old-OTHER-1",
    ".amxc-lock",
    "OTHER",
];

fn compile(root: &Path, out: &Path) -> amxc::driver::fleet::FleetReport {
    let mut sources = amxc::source::SourceMap::new();
    let args = FleetArgs {
        policy: &root.join("p.amx"),
        matrix: Some(&root.join("p.versions.yaml")),
        targets: TARGETS
            .iter()
            .map(|(s, _)| root.join(format!("{s}.yaml")))
            .collect(),
        out,
        options: Options {
            scripts: ScriptKind::Both,
            json: false,
            allow_lossy: false,
        },
        check: false,
        keep: true,
        engine: None,
        partition: None,
    };
    compile_fleet(&mut sources, &args).expect("inputs read")
}

/// Every file under `dir`, with its bytes (links are listed, not followed).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(m) if m.is_file() => {
                    out.push((p.clone(), std::fs::read(&p).unwrap_or_default()))
                }
                _ => out.push((p, Vec::new())),
            }
        }
    }
    out.sort();
    out
}

fuzz_target!(|data: &[u8]| {
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let root = std::env::temp_dir().join(format!(
        "amxc-fuzz-outputs-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&root);
    let outside = root.join("outside");
    let out = root.join("out");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(outside.join("secret"), "outside the output folder").expect("secret");
    std::fs::write(root.join("p.amx"), POLICY).expect("policy");
    std::fs::write(root.join("p.versions.yaml"), MATRIX).expect("matrix");
    for (s, t) in TARGETS {
        std::fs::write(root.join(format!("{s}.yaml")), t).expect("target");
    }
    let before = snapshot(&outside);
    for op in data.chunks(2).take(12) {
        let name = NAMES[op.get(1).copied().unwrap_or(0) as usize % NAMES.len()];
        let p = out.join(name);
        // the harness itself never writes through a link it made (only amxc is under test)
        let mut at = out.clone();
        let through_link = Path::new(name).components().any(|c| {
            at.push(c);
            std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink())
        });
        if through_link && op[0] % 6 != 5 {
            continue;
        }
        if let Some(parent) = p.parent() {
            if parent != out && !parent.exists() {
                let _ = std::fs::create_dir_all(parent);
            }
        }
        match op[0] % 6 {
            0 => drop(std::fs::write(&p, b"stray")),
            1 => drop(std::fs::create_dir_all(&p)),
            2 => drop(std::os::unix::fs::symlink(&outside, &p)),
            3 => drop(std::os::unix::fs::symlink(outside.join("secret"), &p)),
            4 => {
                let _ = std::fs::create_dir_all(&p);
                // a marker the harness planted as a link stays one: only amxc is under test
                let marker = p.join(".amxc-leftover");
                let planted =
                    std::fs::symlink_metadata(&marker).is_ok_and(|m| m.file_type().is_symlink());
                if !planted {
                    let _ = std::fs::write(marker, b"");
                }
            }
            _ => drop(compile(&root, &out)),
        }
    }
    let report = compile(&root, &out);
    assert_eq!(
        snapshot(&outside),
        before,
        "something outside the output folder changed"
    );
    if report.write_failures.is_empty() && !report.policy_failed {
        // what a clean folder gets
        let fresh = root.join("fresh");
        let clean = compile(&root, &fresh);
        for c in &clean.compiled {
            for (name, text) in &c.files {
                let got = std::fs::read(out.join(&c.server).join(name));
                assert_eq!(
                    got.ok().as_deref(),
                    Some(text.as_bytes()),
                    "{}/{name} differs from a fresh compile",
                    c.server
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
});
