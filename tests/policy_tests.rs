//! `amxc test`: the shipped policies' tests pass, and a test file that does not hold (or
//! cannot be read) names each assertion where it is, in every output format.

use crate::support::run_amxc as amxc;

#[test]
fn the_shipped_policies_pass_their_tests() {
    let (code, out, err) = amxc(&["test", "policies/"], &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.lines().all(|l| l.ends_with(" ... ok")), "{out}");
    assert!(err.contains("passed, 0 failed"), "{err}");
}

#[test]
fn each_assertion_that_does_not_hold_is_named_at_its_line() {
    let (code, out, _) = amxc(
        &[
            "test",
            "tests/fixtures/tests/amx0701.amxtest.yaml",
            "--format",
            "short",
        ],
        &[],
    );
    assert_eq!(code, 1);
    let findings: Vec<&str> = out.lines().filter(|l| l.contains("error[")).collect();
    assert_eq!(
        findings,
        [
            "tests/fixtures/tests/amx0701.amxtest.yaml:7:9: error[AMX0701]: `E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\settings.xml` is replicated on EXCH01, not excluded",
            "tests/fixtures/tests/amx0701.amxtest.yaml:8:21: error[AMX0701]: `SMSMSE` starts before `BMISFA` on EXCH01",
            "tests/fixtures/tests/amx0701.amxtest.yaml:11:16: error[AMX0701]: AMX0317 is not reported for EXCH01",
        ],
        "{out}"
    );
    // the JSON result says which tests failed
    let (_, json, _) = amxc(
        &[
            "test",
            "tests/fixtures/tests/amx0701.amxtest.yaml",
            "--format",
            "json",
        ],
        &[],
    );
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["result"]["failed"], 2);
    assert_eq!(doc["result"]["tests"][0]["name"], "settings are excluded");
    assert_eq!(doc["result"]["tests"][0]["failed"], 2);
}

#[test]
fn a_test_file_that_cannot_be_read_is_not_run() {
    let (code, out, _) = amxc(
        &[
            "test",
            "tests/fixtures/tests/amx0700.amxtest.yaml",
            "--format",
            "short",
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("amx0700.amxtest.yaml:6:5: error[AMX0700]: unknown key `replicate` in test `settings are replicated`"),
        "{out}"
    );
    assert!(!out.contains("AMX0701"), "{out}");
    // nothing to run is a usage error
    let dir = tempfile::tempdir().expect("temp");
    let (code, _, _) = amxc(&["test", &dir.path().to_string_lossy()], &[]);
    assert_eq!(code, 2);
}
