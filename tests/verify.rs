//! `amxc verify`: a server's captures (tests/fixtures/verify: `sc qc`/`sc qfailure` output and
//! the Management Client's filter lists, CRLF as Windows writes them) held against what the
//! seed policy compiles to for EXCH01 — clean captures match, drifted ones name each drift
//! where it is, in every output format.

use crate::support::run_amxc as amxc;

const POLICY: &str = "policies/symantec-mail-security.amx";
const TARGET: &str = "policies/targets/symantec-mail-security/EXCH01.yaml";
const DIR: &str = "tests/fixtures/verify";

fn verify(services: &str, filters: &str, extra: &[&str]) -> (i32, String, String) {
    let s = format!("{DIR}/{services}");
    let f = format!("{DIR}/{filters}");
    let mut args = vec![
        "verify",
        POLICY,
        "--target",
        TARGET,
        "--services",
        &s,
        "--filters",
        &f,
    ];
    args.extend_from_slice(extra);
    amxc(&args, &[])
}

#[test]
fn a_server_that_matches_exits_0_and_says_so() {
    let (code, out, err) = verify("EXCH01-services.txt", "EXCH01-filters.txt", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "");
    assert!(
        err.contains("EXCH01 matches the policy (services, filters)"),
        "{err}"
    );
}

#[test]
fn each_drift_is_named_where_it_is() {
    let (code, out, err) = verify("amx0600.txt", "amx0601.txt", &["--format", "short"]);
    assert_eq!(code, 1, "{out}{err}");
    for want in [
        "amx0600.txt:5:1: error[AMX0600]: service `SMSMSE` starts `AUTO_START` on EXCH01, not `DEMAND_START`",
        "amx0600.txt:20:1: error[AMX0600]: Windows recovers service `SMSMSE` on EXCH01: RESTART",
        "symantec-mail-security.amx:32:17: error[AMX0600]: service `SAVFMSESpamStatsManager` is not on EXCH01",
        "symantec-mail-security.amx:42:23: error[AMX0601]: the inclusion `E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\hashes\\**` is not on EXCH01",
        "amx0601.txt:6:1: error[AMX0601]: the inclusion `E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\logs\\**` is Not Effective on EXCH01",
        "amx0601.txt:8:1: error[AMX0601]: `E:\\Program Files (x86)\\Symantec\\SMSMSE\\6.0\\Server\\Temp\\**` is a filter on EXCH01 that the policy does not have",
    ] {
        assert!(out.contains(want), "{want}\n---\n{out}");
    }
    assert_eq!(out.lines().count(), 6, "{out}");
    assert!(err.contains("differs from the policy in 6 places"), "{err}");
    // a manage-no service's own settings are never drift: the seed has none, so a policy
    // with one is checked through the roles fixture elsewhere; here, JSON and SARIF
    let (code, json, _) = verify("amx0600.txt", "amx0601.txt", &["--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(doc["result"]["drift"], 6);
    assert_eq!(doc["result"]["server"], "EXCH01");
    let (code, sarif, _) = verify("amx0600.txt", "amx0601.txt", &["--format", "sarif"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&sarif).expect("sarif");
    assert_eq!(doc["runs"][0]["results"].as_array().map(Vec::len), Some(6));
}

#[test]
fn a_capture_that_cannot_be_read_exits_2_and_nothing_to_verify_is_a_usage_error() {
    let (code, out, _) = amxc(
        &[
            "verify",
            POLICY,
            "--target",
            TARGET,
            "--services",
            "tests/fixtures/verify/none.txt",
        ],
        &[],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("AMX0500") && out.contains("none.txt"), "{out}");
    let (code, out, _) = amxc(&["verify", POLICY, "--target", TARGET], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("nothing to verify"), "{out}");
}

#[test]
fn a_service_the_policy_does_not_manage_is_never_drift() {
    // Dtc is `manage no` in the roles fixture: whatever the server has for it is its own
    let dir = tempfile::tempdir().expect("temp");
    let cap = dir.path().join("sc.txt");
    let svc = |name: &str, start: &str| {
        format!("SERVICE_NAME: {name}\r\n        START_TYPE         : {start}\r\n        DEPENDENCIES       :\r\n\r\n")
    };
    std::fs::write(
        &cap,
        svc("Db", "3   DEMAND_START")
            + &svc("Web", "3   DEMAND_START")
            + &svc("Backup", "3   DEMAND_START")
            + &svc("Dtc", "2   AUTO_START"),
    )
    .expect("capture");
    let (code, out, err) = amxc(
        &[
            "verify",
            "tests/fixtures/roles/roles.amx",
            "--target",
            "tests/fixtures/roles/R2003.yaml",
            "--services",
            &cap.to_string_lossy(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_registry_export_in_utf16_names_what_is_protected_in_vain_and_what_is_not_protected() {
    let run = |file: &str| {
        amxc(
            &[
                "verify",
                POLICY,
                "--target",
                TARGET,
                "--reg",
                &format!("{DIR}/{file}"),
                "--format",
                "short",
            ],
            &[],
        )
    };
    let (code, out, err) = run("EXCH01.reg");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("EXCH01 matches the policy (registry)"),
        "{err}"
    );
    let (code, out, _) = run("amx0602.txt");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("amx0602.txt:3:1: error[AMX0602]: the application's key `HKLM\\SOFTWARE\\Wow6432Node\\Symantec\\SMSMSE Quarantine` on EXCH01 is covered by no filter"), "{out}");
    assert!(out.contains("symantec-mail-security.amx:37:26: error[AMX0602]: the registry inclusion `HKLM\\SOFTWARE\\Wow6432Node\\Symantec\\SMSMSE\\**` covers no key on EXCH01"), "{out}");
}
