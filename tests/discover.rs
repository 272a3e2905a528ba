//! `amxc discover` on evidence written the way Windows writes it (`tests/fixtures/discover/`:
//! a UTF-16 `reg export` with continuation lines, a Process Monitor CSV with a BOM and quoted
//! commas, a Windows-1252 `dir /s /b` listing, `sc qc` output): the proposal (snapshotted)
//! checks clean, and compiled for a matching server it replicates every file the service wrote
//! and nothing under the system folders.

use crate::support::snapshot_settings;
use std::path::Path;

const DIR: &str = "tests/fixtures/discover";

fn discover(extra: &[&str]) -> (i32, String, String) {
    let f = |n: &str| format!("{DIR}/{n}");
    let mut args: Vec<String> = [
        "discover",
        "--name",
        "contoso-backup",
        "--procmon",
        &f("trace.csv"),
        "--process",
        "ContosoBackup.exe",
        "--process",
        "ContosoScheduler.exe",
        "--reg",
        &f("contoso.reg"),
        "--listing",
        &f("listing.txt"),
        "--services",
        &f("sc.txt"),
        "--volumes",
        &f("mountvol.txt"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::support::run_amxc(&args, &[])
}

/// `amxc discover` of a module named `contoso` at release 2021-06-15, with `args` (the
/// evidence and any flags).
fn discover_contoso(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["discover", "--name", "contoso", "--release", "2021-06-15"];
    all.extend_from_slice(args);
    crate::support::run_amxc(&all, &[])
}

/// [`discover_contoso`] from one trace, with `extra`.
fn discover_trace(trace: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--procmon", trace];
    args.extend_from_slice(extra);
    discover_contoso(&args)
}

const MATRIX: &str = "amx: contoso-backup\ndimensions:\n  arch: { kind: enum, values: [x86, x64] }\n  os: { kind: version, values: [\"2008\"] }\nversions:\n  \"2021-06-15\": {}\n";

#[test]
fn the_proposal_names_its_evidence_and_what_it_left_out() {
    let (code, policy, err) = discover(&["--release", "2021-06-15"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning[AMX0503]: trace.csv:11: 3 fields, fewer than the header's 7"),
        "{err}"
    );
    assert!(
        err.contains("3 registry keys, 10 values"),
        "the continuation lines are one value each: {err}"
    );
    snapshot_settings(Path::new(DIR)).bind(|| insta::assert_snapshot!("discover@contoso", policy));
    for (seen, why) in [
        ("C:\\Windows\\System32", "vetoes"),
        ("C:\\pagefile.sys", "paging file"),
        ("process explorer.exe", "another process"),
        (
            "HKLM\\SYSTEM\\CurrentControlSet\\Services",
            "services block",
        ),
    ] {
        assert!(
            policy.lines().any(|l| l.contains(seen) && l.contains(why)),
            "{seen}:\n{policy}"
        );
    }
    // nothing the evidence shows only as failed, or as another process's, is proposed
    assert!(
        !policy.contains("missing.cfg") && !policy.contains("notes.txt"),
        "{policy}"
    );
}

#[test]
fn the_proposal_checks_clean_and_replicates_what_the_service_wrote() {
    let (_, policy, _) = discover(&["--release", "2021-06-15"]);
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("contoso-backup.amx");
    std::fs::write(&p, &policy).expect("write");
    std::fs::write(dir.path().join("contoso-backup.versions.yaml"), MATRIX).expect("matrix");
    // in amxc fmt's layout, and clean
    assert_eq!(
        amxc::format::format_file(&policy),
        policy,
        "not in fmt's layout"
    );
    let (sources, ds) = crate::support::check_file(&p);
    crate::support::assert_no_findings(&sources, &ds);
    // a server like the one the evidence came from: a 32-bit application on x64
    let t = dir.path().join("BKP01.yaml");
    std::fs::write(
        &t,
        "server: BKP01\nversion: \"2021-06-15\"\narch: x64\nos: \"2008\"\n",
    )
    .expect("target");
    let written: Vec<String> = [
        "Catalog\\set0.db",
        "Catalog\\set3.db",
        "Logs\\backup.log",
        "Logs\\jobs.log",
        "settings.xml",
        "Schedules\\daily.xml",
        "Schedules\\weekly.xml",
        "Audit\\audit.log",
        "Audit\\audit.log.1",
        "Audit\\audit.log.2",
    ]
    .iter()
    .map(|f| format!("C:\\Program Files (x86)\\Contoso\\Backup\\{f}"))
    .chain(["C:\\ContosoArchive\\Archive\\a2.cab".to_string()])
    .chain(["HKLM\\SOFTWARE\\Wow6432Node\\Contoso\\Backup\\Settings".to_string()])
    .collect();
    let system = [
        "C:\\Windows\\System32\\kernel32.dll",
        "C:\\Windows\\Temp\\cb_install.log",
        "C:\\pagefile.sys",
    ];
    let spool = "C:\\Program Files (x86)\\Contoso\\Backup\\Spool\\job1.tmp";
    let mut sources = amxc::source::SourceMap::new();
    let (r, ds) = amxc::driver::load::with_plan(&mut sources, &p, None, &t, None, |plan| {
        let c = amxc::coverage::Classifier::new(plan);
        let mut buf = amxc::coverage::Scratch::default();
        let mut out = Vec::new();
        for path in written
            .iter()
            .map(String::as_str)
            .chain(system)
            .chain([spool])
        {
            // a key as the 32-bit application on x64 reads it
            let key = plan.redirected_key(path);
            let class = c
                .classify(key.as_deref().unwrap_or(path), &mut buf)
                .class
                .as_str();
            out.push((path.to_string(), class));
        }
        out
    })
    .expect("read")
    .into_parts();
    let r = r.unwrap_or_else(|| panic!("{}", crate::support::short(&sources, &ds)));
    for (path, class) in &r {
        let want = if written.contains(path) {
            "replicated"
        } else if path == spool {
            "unprotected"
        } else {
            "outside"
        };
        assert_eq!(*class, want, "{path}");
    }
}

#[test]
fn an_existing_policy_is_told_what_it_lacks_and_what_the_evidence_never_touched() {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("contoso-backup.amx");
    std::fs::write(
        &p,
        "amx \"contoso-backup\" {\n    application \"Contoso Backup\" {\n        bits 32\n    }\n    versions 2021-06-15\n    data {\n        files include '%ProgramFiles%\\Contoso\\Backup\\Catalog\\**' as data\n        files include '%ProgramFiles%\\Contoso\\Backup\\Archive\\**' as data\n    }\n}\n",
    )
    .expect("write");
    let path = p.to_string_lossy().into_owned();
    let (code, text, err) = discover(&["--policy", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("The policy lacks"), "{text}");
    assert!(
        text.contains("files include '%ProgramFiles%\\Contoso\\Backup\\Logs\\*.log'"),
        "{text}"
    );
    assert!(
        !text.contains("Catalog\\**' — "),
        "the catalog is replicated: {text}"
    );
    assert!(
        text.contains("Inclusions the evidence never touched"),
        "{text}"
    );
    assert!(
        text.contains("'%ProgramFiles%\\Contoso\\Backup\\Archive\\**'"),
        "{text}"
    );
    let (_, json, _) = discover(&["--policy", &path, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v["untouched"][0],
        "%ProgramFiles%\\Contoso\\Backup\\Archive\\**"
    );
}

#[test]
fn the_proposal_as_json_and_the_errors_a_user_meets() {
    let (code, json, _) = discover(&["--release", "2021-06-15", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["proposal"]["install"], "%ProgramFiles%\\Contoso\\Backup");
    assert!(v["proposal"]["rules"]
        .as_array()
        .is_some_and(|r| r.iter().all(|x| x["evidence"].is_string())));
    let (code, _, err) = discover(&[]);
    assert_eq!(code, 2);
    assert!(err.contains("--release") || err.is_empty(), "{err}");
    let (code, out, _) =
        crate::support::run_amxc(&["discover", "--name", "x", "--release", "2021-06-15"], &[]);
    assert_eq!(code, 2);
    assert!(out.contains("no evidence given"));
}

#[test]
fn names_the_language_would_read_as_wildcards_or_variables_are_left_out_and_ansi_is_decoded() {
    let dir = tempfile::tempdir().expect("temp");
    // seven rows in the ANSI code page: `é` is 0xE9 (not UTF-8); once 1 of 7 was read, exit 0
    let mut csv: Vec<u8> =
        b"\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n"
            .to_vec();
    let row = |path: &[u8]| {
        let mut r = b"\"10:15:02\",\"Contoso.exe\",\"1\",\"WriteFile\",\"".to_vec();
        r.extend_from_slice(path);
        r.extend_from_slice(b"\",\"SUCCESS\",\"\"\r\n");
        r
    };
    for i in 0..4 {
        csv.extend(row(format!("C:\\Contoso\\Caf\u{e9}\\f{i}.dat")
            .chars()
            .map(|c| c as u32 as u8)
            .collect::<Vec<u8>>()
            .as_slice()));
    }
    csv.extend(row(b"C:\\Contoso\\Odd\\50%done%.dat"));
    csv.extend(row(b"C:\\Contoso\\Odd\\what?.dat"));
    csv.extend(row(b"C:\\Contoso\\Odd\\..\\..\\Windows\\x.dat"));
    let trace = dir.path().join("trace.csv");
    std::fs::write(&trace, &csv).expect("csv");
    let reg = dir.path().join("k.reg");
    std::fs::write(
        &reg,
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\%SystemRoot%]\r\n\"A\"=\"1\"\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\*]\r\n\"B\"=\"1\"\r\n",
    )
    .expect("reg");
    let (code, policy, err) =
        discover_trace(&trace.to_string_lossy(), &["--reg", &reg.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    // every row read, the ANSI one decoded into a rule
    assert!(policy.contains("Caf\u{e9}"), "{policy}\n{err}");
    for (name, why) in [
        ("50%done%.dat", "variable"),
        ("what?.dat", "wildcard"),
        ("%SystemRoot%", "variable"),
        ("Contoso\\*", "wildcard"),
        ("..\\..\\Windows", "another location"),
    ] {
        assert!(
            policy
                .lines()
                .any(|l| l.starts_with("//") && l.contains(name) && l.contains(why)),
            "{name} is not left out:\n{policy}"
        );
    }
    for line in policy.lines().filter(|l| !l.trim_start().starts_with("//")) {
        assert!(
            !line.contains("SystemRoot") && !line.contains("Windows") && !line.contains("done"),
            "{line}"
        );
    }
}

#[test]
fn rename_targets_short_names_and_volume_paths_are_read_as_the_files_they_are() {
    let dir = tempfile::tempdir().expect("temp");
    let mut csv = String::from(
        "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n",
    );
    let mut row = |op: &str, path: &str, detail: &str| {
        csv.push_str(&format!(
            "\"10:15:02\",\"Contoso.exe\",\"1\",\"{op}\",\"{path}\",\"SUCCESS\",\"{detail}\"\r\n"
        ));
    };
    row("WriteFile", "C:\\PROGRA~2\\Contoso\\Backup\\cbsvc.ini", "");
    row("WriteFile", "C:\\PROGRA~2\\Contoso\\Backup\\cbsvc.ini", "");
    for i in 0..4 {
        row(
            "WriteFile",
            &format!("\\Device\\HarddiskVolume3\\Catalog\\set{i}.db"),
            "",
        );
    }
    row("WriteFile", "C:\\Contoso\\Logs\\cb.log", "");
    row(
        "SetRenameInformationFile",
        "C:\\Contoso\\Logs\\cb.log",
        "ReplaceIfExists: True, FileName: C:\\Contoso\\Logs\\cb.log.1",
    );
    let trace = dir.path().join("trace.csv");
    std::fs::write(&trace, csv).expect("csv");
    let listing = dir.path().join("listing.txt");
    std::fs::write(
        &listing,
        "C:\\Program Files\\Other\\x.ini\r\nC:\\Program Files (x86)\\Contoso\\Backup\\cbsvc.ini\r\nD:\\Catalog\\set0.db\r\nD:\\Catalog\\set1.db\r\nD:\\Catalog\\set2.db\r\nD:\\Catalog\\set3.db\r\n",
    )
    .expect("listing");
    let (code, policy, err) = discover_trace(
        &trace.to_string_lossy(),
        &["--listing", &listing.to_string_lossy()],
    );
    assert_eq!(code, 0, "{err}");
    // the short name resolved through the listing, the volume mapped to D:, the rotated log
    // taken into the folder's pattern
    assert!(policy.contains("Contoso\\Backup\\cbsvc.ini"), "{policy}");
    assert!(!policy.contains("PROGRA~2"), "{policy}");
    assert!(policy.contains("'D:\\Catalog\\**'"), "{policy}");
    assert!(!policy.contains("HarddiskVolume"), "{policy}");
    // the log and its rotated copies, not the one copy seen
    assert!(
        policy.contains("files include 'C:\\Contoso\\Logs\\*.log*' as log"),
        "{policy}"
    );
}

#[test]
fn a_volume_mounted_in_a_folder_is_found_through_mountvol_or_the_device_map() {
    let dir = tempfile::tempdir().expect("temp");
    let f = |n: &str| format!("{DIR}/{n}");
    let trace = f("trace.csv");
    let base = ["--process", "ContosoBackup.exe"];
    // without what the volumes are, the archive is left out and the reason says what to give
    let (code, policy, err) = discover_trace(&trace, &base);
    assert_eq!(code, 0, "{err}");
    assert!(
        !policy.contains("files include 'C:\\ContosoArchive"),
        "{policy}"
    );
    assert!(
        policy
            .lines()
            .any(|l| l.contains("HarddiskVolume5") && l.contains("--volumes")),
        "{policy}"
    );
    // the device map alone names the folder, no listing needed
    let map = dir.path().join("devices.txt");
    std::fs::write(
        &map,
        "C:\t\\Device\\HarddiskVolume2\r\nC:\\ContosoArchive\t\\Device\\HarddiskVolume5\r\n",
    )
    .expect("map");
    let mut args = base.to_vec();
    let m = map.to_string_lossy().into_owned();
    args.extend(["--volumes", &m]);
    let (code, policy, err) = discover_trace(&trace, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        policy.contains("files include 'C:\\ContosoArchive\\Archive\\**' as data"),
        "{policy}"
    );
    // mountvol names no device: its folder mount point is where the listing has the files
    let listing = f("listing.txt");
    let mountvol = f("mountvol.txt");
    let mut args = base.to_vec();
    args.extend(["--volumes", &mountvol]);
    let (_, without_listing, _) = discover_trace(&trace, &args);
    assert!(!without_listing.contains("files include 'C:\\ContosoArchive"));
    args.extend(["--listing", &listing]);
    let (code, policy, err) = discover_trace(&trace, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        policy.contains("files include 'C:\\ContosoArchive\\Archive\\**' as data"),
        "{policy}"
    );
}

/// A server whose system drive is D: (its Windows folder is `D:\Windows`): the built-in folders
/// are found there — `D:\Program Files\…` becomes `%ProgramFiles%`, a 32-bit application's
/// `D:\Program Files (x86)` too — and writes under `D:\Windows` are left out as vetoed, as
/// they are on C: for a server whose system drive is C:.
#[test]
fn built_in_folders_and_vetoes_are_found_on_the_evidence_system_drive() {
    let dir = tempfile::tempdir().expect("temp");
    let mut csv = String::from(
        "\"Time of Day\",\"Process Name\",\"PID\",\"Operation\",\"Path\",\"Result\",\"Detail\"\r\n",
    );
    for p in [
        "D:\\Windows\\System32\\kernel32.dll",
        "D:\\Windows\\System32\\ntdll.dll",
        "D:\\Program Files (x86)\\Contoso\\Data\\a.db",
        "D:\\Program Files (x86)\\Contoso\\Data\\b.db",
        "D:\\Program Files (x86)\\Contoso\\Logs\\c.log",
        "D:\\ProgramData\\Contoso\\state.xml",
        "D:\\Windows\\Temp\\contoso.tmp",
        "D:\\Windows\\contoso.ini",
        "D:\\Users\\backup\\AppData\\Local\\Contoso\\ui.ini",
    ] {
        let op = if p.ends_with(".dll") {
            "ReadFile"
        } else {
            "WriteFile"
        };
        csv.push_str(&format!(
            "\"10:15:02\",\"Contoso.exe\",\"1\",\"{op}\",\"{p}\",\"SUCCESS\",\"\"\r\n"
        ));
    }
    let trace = dir.path().join("trace.csv");
    std::fs::write(&trace, csv).expect("csv");
    let (code, policy, err) = discover_trace(&trace.to_string_lossy(), &[]);
    assert_eq!(code, 0, "{err}");
    let rules: Vec<&str> = policy
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let text = rules.join("\n");
    assert!(
        text.contains("%ProgramFiles%\\Contoso") || text.contains("%Install%"),
        "{policy}"
    );
    assert!(text.contains("%ProgramData%\\Contoso"), "{policy}");
    assert!(
        !text.contains("D:\\"),
        "a built-in folder left as D:\n{policy}"
    );
    assert!(
        policy
            .lines()
            .any(|l| l.starts_with("//") && l.contains("D:\\Windows") && l.contains("vetoes")),
        "D:\\Windows is not left out as vetoed:\n{policy}"
    );
    // user profiles are on the system drive too
    assert!(
        policy
            .lines()
            .any(|l| l.starts_with("//") && l.contains("D:\\Users") && l.contains("user profile")),
        "D:\\Users is not left out as user profiles:\n{policy}"
    );
    assert!(!text.contains("ui.ini"), "{policy}");
}

/// `sc qc > file` in cmd writes the console's OEM code page: on a Western European server
/// (850) `ü` is byte 0x81, which Windows-1252 does not have. `--code-page 850` reads the
/// display name as Windows wrote it; without it the capture is read as 1252 and the name
/// comes out otherwise.
#[test]
fn captures_cmd_wrote_in_an_oem_code_page_read_with_code_page() {
    let dir = tempfile::tempdir().expect("temp");
    let mut sc: Vec<u8> = b"[SC] QueryServiceConfig SUCCESS\r\n\r\nSERVICE_NAME: ContosoSicherung\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        START_TYPE         : 2   AUTO_START\r\n        BINARY_PATH_NAME   : \"C:\\Program Files\\Contoso\\sicherung.exe\"\r\n        DISPLAY_NAME       : Sicherung f".to_vec();
    sc.push(0x81); // `ü` in code page 850
    sc.extend_from_slice(b"r Contoso\r\n        DEPENDENCIES       :\r\n        SERVICE_START_NAME : LocalSystem\r\n\r\n");
    let capture = dir.path().join("sc.txt");
    std::fs::write(&capture, &sc).expect("sc");
    let run = |extra: &[&str]| {
        let mut args = vec!["--services", capture.to_str().expect("utf-8 path")];
        args.extend_from_slice(extra);
        discover_contoso(&args)
    };
    let (code, policy, err) = run(&["--code-page", "850"]);
    assert_eq!(code, 0, "{err}");
    assert!(policy.contains("Sicherung für Contoso"), "{policy}");
    let (code, policy, _) = run(&[]);
    assert!(
        code != 0 || !policy.contains("Sicherung für Contoso"),
        "read as 1252 the name cannot come out right:\n{policy}"
    );
    let (code, _, err) = run(&["--code-page", "12345"]);
    assert_eq!(code, 2, "an unknown code page is a usage error: {err}");
}
