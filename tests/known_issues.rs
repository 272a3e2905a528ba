//! What is written on the passive (`writes`), and findings a policy acknowledges (`allow`):
//! the seed article's known issue of 2007-03-27 derived from the model.

use crate::support::{check_text, run_amxc, short};
use amxc::diagnostic::codes;

const SEED: &str = "policies/symantec-mail-security.amx";

/// The seed policy and its matrix copied into a folder, with `edit` applied to the policy.
fn seed_with(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let text = std::fs::read_to_string(SEED).expect("seed");
    let edited = edit(&text);
    let path = dir.path().join("symantec-mail-security.amx");
    std::fs::write(&path, edited).expect("write");
    std::fs::copy(
        "policies/symantec-mail-security.versions.yaml",
        dir.path().join("symantec-mail-security.versions.yaml"),
    )
    .expect("matrix");
    (dir, path)
}

#[test]
fn the_seed_article_known_issue_is_derived_from_the_model() {
    // without its acknowledgement, the 2007-03-27 exception is an error: the definitions are
    // replicated where the application updates them on the passive
    let (_dir, path) = seed_with(|t| {
        let line = t
            .lines()
            .find(|l| l.trim_start().starts_with("allow AMX0317"))
            .expect("the seed acknowledges AMX0317");
        t.replace(&format!("{line}\n"), "")
    });
    let (code, out, err) = run_amxc(
        &["check", path.to_str().expect("path"), "--format", "short"],
        &[],
    );
    assert_eq!(code, 1, "{out}{err}");
    let finding = out
        .lines()
        .find(|l| l.contains("AMX0317"))
        .unwrap_or_else(|| panic!("no AMX0317:\n{out}"));
    assert!(finding.contains("VirusDefs"), "{finding}");
    // the example configuration: release 2007-03-27, without the file-level anti-virus, with a
    // management IP — exactly where the article says apply exceptions occur
    let (code, out, _) = run_amxc(&["check", path.to_str().expect("path")], &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("written on the passive by the application"),
        "{out}"
    );
    assert!(
        out.contains("release 2007-03-27")
            && out.contains("without file-level-av")
            && out.contains("with a management IP"),
        "{out}"
    );
    // as shipped, the policy acknowledges it: clean, and the check says so
    let (code, _, err) = run_amxc(&["check", SEED], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("acknowledged by `allow`"), "{err}");
}

#[test]
fn the_known_issue_is_shown_on_the_servers_it_concerns_only() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out");
    let (code, _, err) = run_amxc(
        &[
            "compile",
            SEED,
            "--targets",
            "policies/targets/symantec-mail-security",
            "--out",
            out.to_str().expect("out"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let summary = |server: &str| {
        std::fs::read_to_string(out.join(server).join("summary.md")).expect("summary")
    };
    // EXCH03: 2007-03-27, no file-level anti-virus, a management IP
    let s = summary("EXCH03");
    assert!(s.contains("## Known issues"), "{s}");
    assert!(
        s.contains("AMX0317")
            && s.contains("apply exceptions can occur during periods of definition updates"),
        "{s}"
    );
    // 2007-07-11 servers never replicate the definitions
    for server in ["EXCH01", "EXCH02"] {
        assert!(!summary(server).contains("## Known issues"), "{server}");
    }
}

#[test]
fn a_task_on_the_passive_that_writes_replicated_data_is_an_error() {
    let policy = |side: &str| {
        format!(
            "// matrix: small.versions.yaml\n\
             amx \"fixture\" {{\n\
                 versions 2007-03-27, 2007-07-11\n\
                 data {{\n\
                     files include 'C:\\App\\**'\n\
                 }}\n\
                 tasks {{\n\
                     task \"Refresh\" {{\n\
                         at periodic every 1h\n\
                         on {side}\n\
                         run 'C:\\App\\refresh.exe'\n\
                         writes 'C:\\App\\cache\\**'\n\
                     }}\n\
                 }}\n\
             }}\n"
        )
    };
    for (side, found) in [("passive", true), ("both", true), ("active", false)] {
        let (sources, diags) = check_text(&policy(side));
        let has = diags.iter().any(|d| d.code == codes::WRITTEN_ON_PASSIVE);
        assert_eq!(has, found, "on {side}:\n{}", short(&sources, &diags));
    }
    // excluded where it is written: nothing to report
    let excluded = policy("passive").replace(
        "files include 'C:\\App\\**'\n",
        "files include 'C:\\App\\**'\nfiles exclude 'C:\\App\\cache\\**'\n",
    );
    let (sources, diags) = check_text(&excluded);
    assert!(
        !diags.iter().any(|d| d.code == codes::WRITTEN_ON_PASSIVE),
        "{}",
        short(&sources, &diags)
    );
}

#[test]
fn an_allow_acknowledges_only_in_its_scope() {
    let base = "// matrix: small.versions.yaml\n\
                amx \"fixture\" {\n\
                    versions 2007-03-27, 2007-07-11\n\
                    application \"A\" {\n\
                        writes 'C:\\Defs\\**' on passive when management-ip\n\
                    }\n\
                    data {\n\
                        files include 'C:\\Defs\\**'\n\
                    }\n\
                    SCOPE\n\
                }\n";
    // acknowledged in 2007-03-27 only: still an error in 2007-07-11
    let (sources, diags) = check_text(&base.replace(
        "SCOPE",
        "exception 2007-03-27 {\nallow AMX0317 because \"documented\"\n}",
    ));
    let found: Vec<_> = diags
        .iter()
        .filter(|d| d.code == codes::WRITTEN_ON_PASSIVE)
        .collect();
    assert_eq!(found.len(), 1, "{}", short(&sources, &diags));
    let notes = found[0].notes.join("\n");
    assert!(notes.contains("release 2007-07-11"), "{notes}");
    // acknowledged for the whole policy: clean
    let (sources, diags) =
        check_text(&base.replace("SCOPE", "allow AMX0317 because \"documented\""));
    assert!(
        !diags
            .iter()
            .any(|d| d.code == codes::WRITTEN_ON_PASSIVE || d.code == codes::UNUSED_ALLOW),
        "{}",
        short(&sources, &diags)
    );
}

#[test]
fn fmt_keeps_writes_allow_and_about() {
    let text = std::fs::read_to_string(SEED).expect("seed");
    assert_eq!(amxc::format::format_file(&text), text);
}

#[test]
fn written_data_is_compared_where_each_release_puts_it() {
    // an exception moves the folder: the written pattern and the rules move together, and the
    // exclusion that keeps the index out holds in both releases
    let policy = |exclude: bool| {
        format!(
            "// matrix: small.versions.yaml\n\
             amx \"fixture\" {{\n\
                 application \"A\" {{\n\
                     writes '%Catalog%\\Index\\**' on passive when management-ip\n\
                 }}\n\
                 versions 2007-03-27, 2007-07-11\n\
                 paths {{\n\
                     Catalog = 'C:\\App\\Catalog'\n\
                 }}\n\
                 data {{\n\
                     files include '%Catalog%\\**'\n\
                     {}\n\
                 }}\n\
                 exception 2007-07-11 {{\n\
                     paths {{\n\
                         Catalog = 'C:\\App\\Catalog\\v2'\n\
                     }}\n\
                 }}\n\
             }}\n",
            if exclude {
                "files exclude '%Catalog%\\Index\\**'"
            } else {
                ""
            }
        )
    };
    let (sources, diags) = check_text(&policy(true));
    assert!(
        !diags.iter().any(|d| d.code == codes::WRITTEN_ON_PASSIVE),
        "{}",
        short(&sources, &diags)
    );
    let (sources, diags) = check_text(&policy(false));
    let found: Vec<_> = diags
        .iter()
        .filter(|d| d.code == codes::WRITTEN_ON_PASSIVE)
        .collect();
    assert_eq!(
        found.len(),
        2,
        "one per release's folder:\n{}",
        short(&sources, &diags)
    );
    assert!(found
        .iter()
        .any(|d| d.message.contains("Catalog\\v2\\Index")));
}
