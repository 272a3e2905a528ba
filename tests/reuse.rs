//! Relations built for one path environment are reused in the next only when that cannot
//! change a finding: every case here must give exactly what relating each environment from
//! scratch gives.

use amxc::diagnostic::Diagnostic;
use amxc::{matrix, parse, validate};

const MATRIX: &str = r#"amx: reuse
dimensions:
  app:       { kind: version, values: ["1.0", "2.0"] }
  arch:      { kind: enum,    values: [x86, x64] }
  heartbeat: { kind: version, values: ["5.3", "6.0"] }
  os:        { kind: version, values: ["2003", "2008"] }
platforms:
  - { arch: x86, os: "2003" }
  - { arch: x64, os: ["2003", "2008"] }
versions:
  "2021-01-01": {}
"#;

fn policy(paths: &str, data: &str) -> String {
    format!(
        "amx \"reuse\" {{\n    title \"Reuse\"\n    application \"App\" {{ bits 32 }}\n    versions 2021-01-01\n    paths {{\n{paths}\n    }}\n    services {{\n        service S \"Service\"\n    }}\n    data {{\n{data}\n    }}\n    applies-to all\n}}\n"
    )
}

/// What a user sees of each finding.
fn seen(ds: &[Diagnostic]) -> Vec<String> {
    ds.iter()
        .map(|d| {
            format!(
                "{} {:?} {} {:?} {:?}",
                d.code.0,
                d.primary.as_ref().map(|p| (p.span.start(), p.span.end())),
                d.message,
                d.secondary
                    .iter()
                    .map(|l| (l.span.start(), &l.message))
                    .collect::<Vec<_>>(),
                d.notes
            )
        })
        .collect()
}

/// Some finding holds every one of `words`.
fn assert_found(found: &[String], words: &[&str]) {
    assert!(
        found.iter().any(|f| words.iter().all(|w| f.contains(w))),
        "no finding with {words:?} in {found:#?}"
    );
}

/// The findings, after asserting that reuse and relating from scratch agree.
fn agree(paths: &str, data: &str) -> Vec<String> {
    agree_text(policy(paths, data))
}

/// [`agree`] for a whole policy text.
fn agree_text(text: String) -> Vec<String> {
    let parsed = parse::parse(0, &text);
    assert!(parsed.diagnostics.is_empty(), "{:#?}", parsed.diagnostics);
    let p = parsed.value.expect("policy");
    let (m, ds) = matrix::load(1, MATRIX).into_parts();
    assert!(ds.is_empty(), "{ds:#?}");
    let m = m.expect("matrix");
    let reused = seen(&validate::validate(&p, Some(&m)).diagnostics);
    let fresh = seen(&validate::validate_fresh(&p, Some(&m)).diagnostics);
    assert_eq!(
        reused, fresh,
        "reusing relations changed the findings of\n{text}"
    );
    reused
}

#[test]
fn moved_install_folders_keep_their_relations() {
    let found = agree(
        "        Install = '%ProgramFiles%\\App\\%app%'\n        Data = 'D:\\AppData'",
        "        files include '%Install%\\**'\n        files include '%Install%\\logs\\*.log'\n        files exclude '%Install%\\cache\\**' because \"rebuilt\"\n        files exclude '%Install%\\other\\**' because \"x\"\n        files include '%Data%\\**'",
    );
    // the covered inclusion, once per folder it resolves to, each named as it resolves there
    let covered: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("is covered by"))
        .collect();
    assert_eq!(covered.len(), 4, "{found:#?}");
    for folder in [
        "Files\\App\\1.0\\logs",
        "Files\\App\\2.0\\logs",
        "(x86)\\App\\1.0\\logs",
        "(x86)\\App\\2.0\\logs",
    ] {
        let n = covered.iter().filter(|f| f.contains(folder)).count();
        assert_eq!(n, 1, "{folder} in {covered:#?}");
    }
}

#[test]
fn a_pattern_that_reaches_into_one_version_only_is_related_again() {
    // covers the installation of 1.0 but not of 2.0
    let found = agree(
        "        Install = '%ProgramFiles%\\App\\%app%'",
        "        files include '%Install%\\data\\**'\n        files include 'C:\\Program Files\\App\\1.0\\**'\n        files include 'C:\\Program Files (x86)\\App\\1.0\\**'",
    );
    assert_found(&found, &["holds in"]);
}

#[test]
fn vetoes_follow_the_folder_into_each_environment() {
    let found = agree(
        "        Root = 'C:\\Windows\\System32\\App' when app == 1.0\n        Root = 'D:\\Apps' when app == 2.0\n        Top = 'E:' when app == 1.0\n        Top = 'E:\\Top' when app == 2.0",
        "        files include '%Root%\\data\\**'\n        files include '%Top%\\**'",
    );
    assert_found(&found, &["Windows system folder"]);
    assert_found(&found, &["root of a drive"]);
}

#[test]
fn folders_that_nest_in_one_environment_are_related_again() {
    // A is inside B for 2.0 only
    let found = agree(
        "        A = 'D:\\X\\Y' when app == 1.0\n        A = 'D:\\B\\Y' when app == 2.0\n        B = 'D:\\B'",
        "        files include '%A%\\**'\n        files include '%B%\\**'\n        files exclude '%B%\\Z\\tmp\\**' because \"t\"",
    );
    // the exclusion lies in an inclusion either way; %A% is covered by %B% for 2.0 only
    assert_found(&found, &["is covered by", "holds in"]);
    // both folders move, and nest only for 2.0
    let found = agree(
        "        A = 'D:\\X\\Y' when app == 1.0\n        A = 'D:\\B2\\Y' when app == 2.0\n        B = 'D:\\B1' when app == 1.0\n        B = 'D:\\B2' when app == 2.0",
        "        files include '%A%\\**'\n        files include '%B%\\**'",
    );
    assert_found(&found, &["is covered by", "holds in"]);
}

#[test]
fn registry_and_inner_variables_are_never_rebased() {
    agree(
        "        Key = 'HKLM\\SOFTWARE\\App\\%app%'\n        Install = '%ProgramFiles%\\App'",
        "        registry include '%Key%\\**'\n        registry exclude 'HKLM\\SOFTWARE\\App\\1.0\\Cache\\**' because \"c\"\n        files include '%Install%\\%app%\\**'\n        files exclude 'C:\\Program Files\\App\\2.0\\tmp\\**' because \"t\"",
    );
}

mod random {
    use super::agree;
    use proptest::prelude::*;

    const FOLDERS: &[&str] = &[
        "C:\\P",
        "C:\\P\\Q",
        "D:\\X",
        "C:\\Windows\\System32\\App",
        "E:",
        "C:\\P\\%app%",
        "D:\\X\\Y",
    ];
    const ROOTS: &[&str] = &[
        "%A%",
        "%B%",
        "C:\\P",
        "D:\\X",
        "%ProgramFiles%",
        "C:\\%app%",
    ];
    const SEGS: &[&str] = &["a", "b", "*.log", "**", "q", "Y"];
    const KINDS: &[&str] = &[
        "files include",
        "files exclude",
        "unprotected",
        "registry include",
    ];

    fn line(kind: usize, root: usize, rest: &[usize]) -> String {
        let kind = KINDS[kind];
        let mut pattern = if kind.starts_with("registry") {
            "HKLM\\SOFTWARE\\App".to_string()
        } else {
            ROOTS[root].to_string()
        };
        for &s in rest {
            pattern.push('\\');
            pattern.push_str(SEGS[s]);
        }
        let because = if kind == "files include" || kind == "registry include" {
            ""
        } else {
            " because \"r\""
        };
        format!("        {kind} '{pattern}'{because}")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        /// Random folders and filters: reusing relations never changes a finding.
        #[test]
        fn reuse_agrees_with_relating_from_scratch(
            a1 in 0..FOLDERS.len(), a2 in 0..FOLDERS.len(), b1 in 0..FOLDERS.len(), b2 in 0..FOLDERS.len(),
            lines in proptest::collection::vec((0..KINDS.len(), 0..ROOTS.len(), proptest::collection::vec(0..SEGS.len(), 0..3)), 1..8),
        ) {
            let paths = format!(
                "        A = '{}' when app == 1.0\n        A = '{}' when app == 2.0\n        B = '{}' when app == 1.0\n        B = '{}' when app == 2.0",
                FOLDERS[a1], FOLDERS[a2], FOLDERS[b1], FOLDERS[b2]
            );
            let data: Vec<String> = lines.iter().map(|(k, r, rest)| line(*k, *r, rest)).collect();
            agree(&paths, &data.join("\n"));
        }
    }
}

#[test]
fn registry_keys_move_under_wow6432node_without_meeting_others() {
    // keys that all move alike: relations pass between 32- and 64-bit environments
    agree(
        "        Install = '%ProgramFiles%\\App'",
        "        registry include 'HKLM\\SOFTWARE\\App\\**'\n        registry exclude 'HKLM\\SOFTWARE\\App\\Cache\\**' because \"c\"\n        registry include 'HKLM\\SOFTWARE\\Classes\\App\\**'\n        files include '%Install%\\**'",
    );
    // a key written under Wow6432Node meets the moved ones on x64 only
    let found = agree(
        "        Install = '%ProgramFiles%\\App'",
        "        registry include 'HKLM\\SOFTWARE\\App\\**'\n        registry exclude 'HKLM\\SOFTWARE\\Wow6432Node\\App\\Cache\\**' because \"c\"\n        files include '%Install%\\**'",
    );
    assert_found(&found, &["lies in no inclusion", "holds in"]);
    // keys WOW64 shares never move: beside moving ones they meet no other on x64
    agree(
        "        Install = '%ProgramFiles%\\App'",
        "        registry include 'HKLM\\SOFTWARE\\App\\**'\n        registry include 'HKLM\\SOFTWARE\\Policies\\App\\**'\n        files include '%Install%\\**'",
    );
    // a moving key that holds a shared one: the shared exclusion leaves it on x64
    let found = agree(
        "        Install = '%ProgramFiles%\\App'",
        "        registry include 'HKLM\\SOFTWARE\\Microsoft\\**'\n        registry exclude 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\App\\**' because \"p\"\n        files include '%Install%\\**'",
    );
    assert_found(&found, &["lies in no inclusion"]);
}

#[test]
fn a_large_policy_gives_the_same_findings_reused_and_in_parallel() {
    // past the size where rules are resolved and related on every core; with findings
    let mut data = Vec::new();
    for g in 0..400 {
        let root = if g % 2 == 0 { "%Install%" } else { "%Data%" };
        data.push(format!("        files include '{root}\\g{g}\\**'"));
        data.push(format!("        files include '{root}\\g{g}\\logs\\*.log'"));
        data.push(format!(
            "        files exclude '{root}\\g{g}\\cache\\**' because \"c\" when heartbeat >= 6.0"
        ));
        data.push(format!(
            "        files exclude '{root}\\h{g}\\tmp\\**' because \"t\""
        ));
        data.push(format!(
            "        registry include 'HKLM\\SOFTWARE\\App\\g{g}\\**'"
        ));
        data.push(format!(
            "        files include 'C:\\Windows\\System32\\g{g}\\*.dll' when app == 2.0"
        ));
    }
    let found = agree(
        "        Install = '%ProgramFiles%\\App\\%app%'\n        Data = 'D:\\AppData'",
        &data.join("\n"),
    );
    assert_found(&found, &["is covered by"]);
    assert_found(&found, &["lies in no inclusion"]);
    assert_found(&found, &["Windows system folder", "holds in"]);
}

#[test]
fn a_pattern_written_many_times_is_related_once() {
    // 3,000 copies of one inclusion, then of one exclusion of the same folder elsewhere:
    // relating equal patterns as one class keeps this linear (copies related pairwise took
    // seconds and gigabytes at 30,000)
    let n = 3000;
    let copies = |line: &str| line.repeat(n);
    let found = agree(
        "        Data = 'D:\\Data'",
        &copies("        files include 'D:\\Data\\**'\n"),
    );
    let twice = found
        .iter()
        .filter(|f| f.contains("is given twice"))
        .count();
    assert_eq!(twice, n - 1, "each copy after the first is given twice");
    let data = format!(
        "        files include 'D:\\Data\\**'\n{}",
        copies("        files exclude 'D:\\Data\\**' because \"x\"\n")
    );
    let found = agree("        Data = 'D:\\Data'", &data);
    let both: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("is both included and excluded"))
        .collect();
    assert_eq!(both.len(), n, "every exclusion contradicts the inclusion");
    let at = policy("        Data = 'D:\\Data'", &data)
        .find("files include")
        .expect("the inclusion");
    // each names the inclusion: the span of its pattern starts 14 bytes in
    assert!(
        both.iter()
            .all(|f| f.contains(&format!("({}, \"included here\")", at + 14))),
        "{:#?}",
        &both[..2]
    );
}

#[test]
fn a_copy_counts_only_where_an_earlier_equal_one_holds() {
    // the first copy holds only with app 2.0, so the second is given twice only there; the
    // third is given twice everywhere (the second always holds)
    let found = agree(
        "        Data = 'D:\\Data'",
        "        files include 'D:\\Data\\**' when app >= 2.0\n        files include 'D:\\Data\\**'\n        files include 'D:\\Data\\**'",
    );
    let twice: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("is given twice"))
        .collect();
    assert_eq!(twice.len(), 2, "{found:#?}");
    let partial = twice
        .iter()
        .filter(|f| f.contains("holds in") && f.contains("app 2.0"))
        .count();
    assert_eq!(partial, 1, "{twice:#?}");
}

#[test]
fn copies_of_an_exception_rule_replace_the_base_rule_where_one_holds() {
    // 50 copies of an exception exclusion replace the base filters of the same kind and
    // pattern (the inclusion and the exclusion) where app >= 2.0: the base contradiction is
    // left in the other half of the configurations, each copy lies in no inclusion there
    let copies =
        "            files exclude 'D:\\Data\\**' because \"y\" when app >= 2.0\n".repeat(50);
    let found = agree_text(format!(
        "amx \"reuse\" {{\n    title \"Reuse\"\n    application \"App\" {{ bits 32 }}\n    versions 2021-01-01\n    services {{\n        service S \"Service\"\n    }}\n    data {{\n        files include 'D:\\Data\\**'\n        files exclude 'D:\\Data\\**' because \"x\"\n    }}\n    exception 2021-01-01 {{\n        note \"n\"\n        data {{\n{copies}        }}\n    }}\n    applies-to all\n}}\n"
    ));
    let half = |f: &&String| f.contains("holds in 12 of 24 configurations");
    let both: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("is both included and excluded"))
        .collect();
    assert_eq!(both.len(), 1, "{found:#?}");
    assert!(half(&both[0]) && both[0].contains("app 1.0"), "{both:#?}");
    let nowhere: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("lies in no inclusion"))
        .collect();
    assert_eq!(nowhere.len(), 50, "{found:#?}");
    assert!(nowhere.iter().all(|f| half(f) && f.contains("app 2.0")));
}
