//! `amxc fmt`: idempotent and meaning-preserving on every fixture and shipped policy, and the
//! shipped policies are already formatted.

use amxc::format::format;
use amxc::parse::parse;
use std::path::PathBuf;

/// The AST's debug form with every span removed: equal when the meaning is.
fn shape(text: &str) -> Option<String> {
    let p = parse(0, text);
    if p.diagnostics.iter().any(|d| d.is_error()) {
        return None;
    }
    let dbg = format!("{:?}", p.value?);
    let mut out = String::with_capacity(dbg.len());
    let mut rest = dbg.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    Some(out)
}

fn corpus() -> Vec<PathBuf> {
    let mut v = crate::support::files("tests/fixtures/diagnostics", "amx");
    v.extend(crate::support::files("policies", "amx"));
    v.extend(crate::support::files("tests/fixtures/targets", "amx"));
    v
}

#[test]
fn formatting_is_idempotent_and_keeps_the_meaning_of_every_fixture_and_policy() {
    let mut checked = 0;
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Some(before) = shape(&text) else { continue };
        let once = format(&text);
        let twice = format(&once);
        assert_eq!(once, twice, "fmt is not idempotent on {}", path.display());
        assert_eq!(
            shape(&once).as_deref(),
            Some(before.as_str()),
            "fmt changed the meaning of {}:\n{once}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked > 30, "only {checked} files checked");
}

#[test]
fn every_comment_survives_formatting() {
    for path in corpus() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if shape(&text).is_none() {
            continue;
        }
        let formatted = format(&text);
        for line in text.lines() {
            if let Some(i) = line.find("//") {
                let comment = line[i..].trim_end();
                if !line[..i].contains(['"', '\'']) {
                    assert!(
                        formatted.contains(comment),
                        "{} lost {comment:?}",
                        path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn the_shipped_policies_are_formatted() {
    for path in crate::support::files("policies", "amx") {
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(format(&text), text, "run `amxc fmt {}`", path.display());
    }
}

#[test]
fn fmt_check_exits_1_with_a_diff_and_fmt_rewrites_in_place() {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("x.amx");
    std::fs::write(&p, "amx \"x\" {\n  title   \"T\"\n}\n").expect("write");
    let amxc = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("run")
    };
    let out = amxc(&["fmt", "--check", &p.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+    title \"T\""));
    assert_eq!(
        std::fs::read_to_string(&p).expect("read"),
        "amx \"x\" {\n  title   \"T\"\n}\n",
        "--check writes nothing"
    );
    let out = amxc(&["fmt", &p.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&p).expect("read"),
        "amx \"x\" {\n    title \"T\"\n}\n"
    );
    assert_eq!(
        amxc(&["fmt", "--check", &p.to_string_lossy()])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn a_file_keeps_its_byte_order_mark_and_windows_line_endings() {
    let lf = std::fs::read_to_string("policies/symantec-mail-security.amx").expect("seed");
    assert_eq!(amxc::format::format(&lf), lf, "the seed is formatted");
    let crlf = format!("\u{feff}{}", lf.replace('\n', "\r\n"));
    // already formatted: fmt --check passes on a CRLF checkout with a BOM
    assert_eq!(amxc::format::format_file(&crlf), crlf);
    // and a file that needs formatting keeps both
    let messy = "\u{feff}amx \"x\" {\r\n  versions 2007-07-11\r\n\r\n\r\n  title \"T\"\r\n}\r\n";
    let out = amxc::format::format_file(messy);
    assert!(out.starts_with('\u{feff}'));
    assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    assert_eq!(
        out.replace("\r\n", "\n").trim_start_matches('\u{feff}'),
        amxc::format::format(messy.trim_start_matches('\u{feff}'))
    );
}
