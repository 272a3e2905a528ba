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

/// `verify --cluster` of the clustered fixture server (Windows Server 2008 R2, two nodes).
fn verify_cluster(capture: &str, extra: &[&str]) -> (i32, String, String) {
    let c = if capture.starts_with('/') {
        capture.to_string()
    } else {
        format!("{DIR}/{capture}")
    };
    let mut args = vec![
        "verify",
        "tests/fixtures/verify/cluster/app.amx",
        "--matrix",
        "tests/fixtures/diagnostics/small.versions.yaml",
        "--target",
        "tests/fixtures/verify/cluster/APP01.yaml",
        "--cluster",
        &c,
        "--format",
        "short",
    ];
    args.extend_from_slice(extra);
    amxc(&args, &[])
}

#[test]
fn a_cluster_role_is_held_against_the_role_the_policy_compiles_to() {
    let (code, out, err) = verify_cluster("cluster/APP01-cluster.txt", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("APP01 matches the policy (cluster role)"),
        "{err}"
    );
    let (code, out, err) = verify_cluster("amx0603.txt", &[]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "tests/fixtures/verify/amx0603.txt:47:1: error[AMX0603]: resource `AppDb` has RestartThreshold `3` on APP01, not `2`",
            "tests/fixtures/verify/amx0603.txt:64:1: error[AMX0603]: resource `AppWeb` does not depend on `AppDb` on APP01",
            "tests/fixtures/verify/amx0603.txt:66:1: error[AMX0603]: resource `AppWeb` has the possible owners `APPN1, APPN2, APPN3` on APP01, not `APPN1, APPN2`",
            "tests/fixtures/verify/amx0603.txt:52:1: error[AMX0603]: the cluster checkpoints `SOFTWARE\\Vendor\\Old` on APP01, which the policy does not protect",
            "tests/fixtures/verify/amx0603.txt:68:1: error[AMX0603]: resource `AppOld` on APP01 was made for this policy, which no longer lists it",
        ],
        "{out}"
    );
    assert!(
        err.contains("differs from the policy in 5 places (cluster role)"),
        "{err}"
    );
}

#[test]
fn a_plain_resource_list_is_compared_for_what_it_has_and_says_what_it_lacks() {
    let dir = tempfile::tempdir().expect("temp");
    // `Get-ClusterResource | Format-List *`: common properties only; AppWeb is missing
    let plain = "\r\nName             : AppDb\r\nOwnerGroup       : APPCLUS\r\nResourceType     : Generic Service\r\nRestartAction    : 2\r\nRestartThreshold : 2\r\nRestartPeriod    : 900000\r\nPendingTimeout   : 180000\r\n\r\n";
    let p = dir.path().join("plain.txt");
    std::fs::write(&p, plain).expect("write");
    let (code, out, err) = verify_cluster(&p.to_string_lossy(), &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("error[AMX0603]: resource `AppWeb` is not in the cluster of APP01"),
        "{out}"
    );
    assert!(
        out.contains("note[AMX0603]: the capture has no DependencyExpression, OwnerNodes, RegistryCheckpoints, ServiceName of the role's resources: not compared"),
        "{out}"
    );
    assert!(
        err.contains("differs from the policy in 1 place (cluster role)"),
        "{err}"
    );
}

#[test]
fn a_role_capture_for_a_server_of_the_replication_engine_is_a_usage_error() {
    let (code, _, err) = amxc(
        &[
            "verify",
            POLICY,
            "--target",
            TARGET,
            "--cluster",
            "tests/fixtures/verify/amx0603.txt",
        ],
        &[],
    );
    // EXCH01's profile names no engine: the capture makes it a clustered server, whose role
    // the capture does not match
    assert_eq!(code, 1, "{err}");
    let dir = tempfile::tempdir().expect("temp");
    let t = dir.path().join("EXCH01.yaml");
    let text = std::fs::read_to_string(TARGET).expect("profile") + "engine: neverfail\n";
    std::fs::write(&t, text).expect("write");
    let (code, out, err) = amxc(
        &[
            "verify",
            POLICY,
            "--target",
            &t.to_string_lossy(),
            "--cluster",
            "tests/fixtures/verify/amx0603.txt",
        ],
        &[],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("--cluster: EXCH01 runs the `neverfail` engine"),
        "{out}{err}"
    );
}
