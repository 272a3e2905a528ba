//! `amxc coverage`: a generated listing whose answers are known, classified path by path.

use amxc::coverage::{Class, Classifier, Summary};
use amxc::driver::load::with_plan;
use amxc::source::SourceMap;
use std::path::Path;

const SEED: &str = "policies/symantec-mail-security.amx";

/// (path, expected class, pattern of the deciding rule if any)
fn listing() -> Vec<(String, Class, Option<&'static str>)> {
    let install = "E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server";
    let defs = "C:\\Program Files (x86)\\Common Files\\Symantec Shared\\VirusDefs";
    let mut v = Vec::new();
    // deeper than the segments a path keeps on the stack
    let deep: String = (0..40).map(|k| format!("\\d{k}")).collect();
    v.push((
        format!("{install}\\logs{deep}\\x.log"),
        Class::Replicated,
        Some("logs\\**"),
    ));
    v.push((format!("{install}\\sub{deep}\\x.xml"), Class::Outside, None));
    for i in 0..200 {
        v.push((
            format!("{install}\\rules{i}.xml"),
            Class::Replicated,
            Some("*.xml"),
        ));
        v.push((
            format!("{install}\\logs\\day{i}\\smsmse{i}.log"),
            Class::Replicated,
            Some("logs\\**"),
        ));
        v.push((
            format!("{install}\\BM_RULESETS\\set{i}.dat"),
            Class::Replicated,
            Some("BM_Rulesets\\**"),
        ));
        v.push((
            format!("{install}\\sub{i}\\rules.xml"),
            Class::Outside,
            None,
        ));
        v.push((
            format!("{defs}\\{i:08}.vdb"),
            Class::Unprotected,
            Some("VirusDefs\\**"),
        ));
        v.push((format!("C:\\Windows\\Temp\\f{i}.tmp"), Class::Outside, None));
        v.push((
            format!("HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Symantec\\SMSMSE\\6.0\\Key{i}"),
            Class::Replicated,
            Some("SMSMSE\\**"),
        ));
        v.push((
            format!("HKLM\\SOFTWARE\\Symantec\\SMSMSE\\6.0\\Key{i}"),
            Class::Outside,
            None,
        ));
    }
    v.push((
        "E:\\Program Files (x86)\\Symantec".into(),
        Class::Replicated,
        None,
    ));
    v.push(("not a path".into(), Class::Invalid, None));
    v
}

#[test]
fn a_generated_listing_is_classified_as_known() {
    let mut sources = SourceMap::new();
    let (result, diags) = with_plan(
        &mut sources,
        Path::new(SEED),
        None,
        Path::new("policies/targets/symantec-mail-security/EXCH01.yaml"),
        None,
        |plan| {
            let c = Classifier::new(plan);
            let mut buf = amxc::coverage::Scratch::default();
            let mut sum = Summary::new(c.rules.len());
            for (path, class, rule) in listing() {
                let v = c.classify(&path, &mut buf);
                sum.add(v);
                assert_eq!(v.class, class, "{path}");
                match rule {
                    Some(r) => assert!(
                        v.rule.is_some_and(|i| c.rules[i].pattern.ends_with(r)),
                        "{path} decided by {:?}",
                        v.rule.map(|i| &c.rules[i])
                    ),
                    None => assert!(v.rule.is_none() || class == Class::Invalid, "{path}"),
                }
            }
            let unused: Vec<String> = (0..c.rules.len())
                .filter(|&i| sum.by_rule[i] == 0)
                .map(|i| c.rules[i].pattern.clone())
                .collect();
            (
                sum.paths,
                sum.replicated,
                sum.unprotected,
                sum.outside,
                unused,
            )
        },
    )
    .expect("plan")
    .into_parts();
    assert!(diags.iter().all(|d| !d.is_error()));
    let (paths, replicated, unprotected, outside, unused) = result.expect("classified");
    assert_eq!(
        (paths, replicated, unprotected, outside),
        (1604, 802, 200, 601)
    );
    assert!(
        unused.iter().any(|p| p.ends_with("*.sequence")),
        "{unused:?}"
    );
}

#[test]
fn exclusions_win_inside_their_inclusion() {
    let dir = tempfile::tempdir().expect("temp");
    let policy = dir.path().join("p.amx");
    std::fs::write(
        &policy,
        "amx \"fixture\" {\n    versions 2007-07-11\n    data {\n        files include 'C:\\App\\**'\n        files exclude 'C:\\App\\cache\\**' because \"rebuilt\"\n    }\n}\n",
    )
    .expect("write");
    let target = dir.path().join("t.yaml");
    std::fs::write(
        &target,
        "server: APP01\nversion: 2007-07-11\napp: \"6.0\"\narch: x64\nheartbeat: \"6.0\"\n",
    )
    .expect("write");
    let mut sources = SourceMap::new();
    let (r, _) = with_plan(
        &mut sources,
        &policy,
        Some(Path::new("tests/fixtures/diagnostics/small.versions.yaml")),
        &target,
        None,
        |plan| {
            let c = Classifier::new(plan);
            let mut buf = amxc::coverage::Scratch::default();
            [
                ("C:\\App\\a.txt", Class::Replicated),
                ("c:/app/CACHE/x", Class::Excluded),
                ("C:\\Other", Class::Outside),
            ]
            .iter()
            .all(|(p, want)| c.classify(p, &mut buf).class == *want)
        },
    )
    .expect("plan")
    .into_parts();
    assert_eq!(r, Some(true));
}

/// `amxc coverage` of the seed policy on EXCH01 against the listing at `path`, with `extra`
/// arguments: its exit code, stdout and stderr.
fn coverage_of(path: &std::path::Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
        .args([
            "coverage",
            "policies/symantec-mail-security.amx",
            "--target",
            "policies/targets/symantec-mail-security/EXCH01.yaml",
            "--paths",
        ])
        .arg(path)
        .args(extra)
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn listings_saved_by_powershell_or_dir_read_alike_and_broken_ones_are_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let text = "E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\logs\\a.log\r\nC:\\Other\\é.txt\r\n";
    let run = |bytes: Vec<u8>| {
        let path = dir.path().join("listing.txt");
        std::fs::write(&path, bytes).expect("write");
        let (code, out, _) = coverage_of(&path, &[]);
        (code, out)
    };
    let (code, utf8) = run(text.as_bytes().to_vec());
    assert_eq!(code, Some(0), "{utf8}");
    assert!(
        utf8.contains("replicated") && utf8.contains("outside"),
        "{utf8}"
    );
    // PowerShell 5.1's `>`: UTF-16LE with a byte order mark
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(run(le), (Some(0), utf8.clone()));
    // a tool writing the ANSI code page of a Western system: Windows-1252
    let cp1252: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    assert_eq!(run(cp1252), (Some(0), utf8));
    // UTF-16 cut in the middle of a character: a coded error, not "invalid" lines
    let (code, out) = run(vec![0xFF, 0xFE, b'C', 0, b':']);
    assert_eq!(code, Some(2));
    assert!(out.contains("AMX0502"), "{out}");
}

#[test]
fn a_listing_cmd_wrote_in_an_oem_code_page_reads_with_code_page() {
    let dir = tempfile::tempdir().expect("temp");
    // `dir /s /b > list.txt` in cmd on a German server writes code page 850: "Größe" is
    // 47 72 94 E1 65; read as Windows-1252 it would be "Gr”áe"
    let path = dir.path().join("listing.txt");
    std::fs::write(&path, b"C:\\Daten\\Gr\x94\xE1e.xml\r\n").expect("write");
    let run = |extra: &[&str]| coverage_of(&path, extra);
    let (code, out, _) = run(&["--code-page", "850"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("C:\\Daten\\Größe.xml"), "{out}");
    let (_, out, _) = run(&[]);
    assert!(out.contains("Gr\u{201d}\u{e1}e.xml"), "{out}");
    let (code, _, err) = run(&["--code-page", "65001"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("850"), "{err}");
}

#[test]
fn a_path_is_classified_as_the_file_windows_opens() {
    let t = "policies/targets/symantec-mail-security/EXCH01.yaml";
    let p = "policies/symantec-mail-security.amx";
    let server = "E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server";
    for (path, class) in [
        // `..` climbs out of the logs folder: C:\Windows is not replicated
        (
            format!("{server}\\logs\\..\\..\\..\\..\\..\\..\\Windows\\x.log"),
            "outside",
        ),
        (
            format!("{server}\\logs\\..\\..\\..\\..\\..\\..\\..\\..\\..\\x.log"),
            "outside",
        ),
        // trailing dots and spaces go, `.` and `..` resolve into the logs folder
        (format!("{server}\\logs.\\a.log."), "replicated"),
        (format!("{server}\\x\\..\\logs\\.\\a.log"), "replicated"),
    ] {
        let (code, out, err) =
            crate::support::run_amxc(&["explain-path", &path, p, "--target", t], &[]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(&format!(": {class}")), "{path}: {out}");
    }
}
