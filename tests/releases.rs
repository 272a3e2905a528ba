//! Windows releases by their names: a `version` dimension may list labels (`2008 R2`) beside
//! dotted numbers, ordered by their place in `values`; conditions compare by that place, a
//! target's value must be one of them, and values out of order or that are neither are the
//! matrix's error.

use crate::support::run_amxc as amxc;

const DIR: &str = "tests/fixtures/releases";

/// `windows.amx` compiled for one x64 server of `os`: its output folder, or what amxc said.
fn compile_on(os: &str) -> Result<(tempfile::TempDir, std::path::PathBuf), String> {
    let dir = tempfile::tempdir().expect("temp");
    let target = dir.path().join("S1.yaml");
    std::fs::write(
        &target,
        format!("server: S1\nversion: \"2020-01-01\"\nos: \"{os}\"\narch: x64\ndrives: [C]\n"),
    )
    .expect("target");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = amxc(
        &[
            "compile",
            &format!("{DIR}/windows.amx"),
            "--target",
            &target.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ],
        &[],
    );
    if code != 0 {
        return Err(format!("{stdout}{stderr}"));
    }
    Ok((dir, out.join("S1")))
}

/// The services the policy has on a server of `os`, as `compile` writes them.
fn services_on(os: &str) -> Result<Vec<String>, String> {
    let (_dir, out) = compile_on(os)?;
    let yaml = std::fs::read_to_string(out.join("services.yaml")).expect("services.yaml");
    let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("yaml");
    Ok(doc["services"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str().map(str::to_string))
        .collect())
}

#[test]
fn conditions_compare_releases_by_their_place_in_the_dimension() {
    let on = |os: &str| services_on(os).unwrap_or_else(|e| panic!("{os}: {e}"));
    assert_eq!(on("2003"), ["Legacy"]);
    assert!(on("2008").is_empty());
    assert_eq!(on("2008 R2"), ["Modern", "Exactly"]);
    assert_eq!(on("2012"), ["Modern"]);
    // a value the matrix does not have is the profile's error, never a near release
    let err = services_on("5.2").expect_err("5.2 is not a value of os");
    assert!(
        err.contains("error[AMX0402]: `5.2` is not a value of dimension `os`"),
        "{err}"
    );
}

#[test]
fn a_2008_r2_server_gets_powershell_scripts_and_2008_gets_cmd() {
    let scripts = |os: &str| {
        let (_dir, out) = compile_on(os).unwrap_or_else(|e| panic!("{os}: {e}"));
        (
            out.join("start.ps1").exists(),
            out.join("start.cmd").exists(),
        )
    };
    assert_eq!(scripts("2008 R2"), (true, false));
    assert_eq!(scripts("2008"), (false, true));
}

#[test]
fn a_version_dimension_lists_labels_in_order_and_nothing_else() {
    let dir = tempfile::tempdir().expect("temp");
    let check = |values: &str| {
        let m = dir.path().join("windows.versions.yaml");
        std::fs::write(
            &m,
            format!("amx: windows\ndimensions:\n  os: {{ kind: version, values: [{values}] }}\nversions:\n  \"2020-01-01\": {{}}\n"),
        )
        .expect("matrix");
        let p = dir.path().join("windows.amx");
        std::fs::copy(format!("{DIR}/windows.amx"), &p).expect("policy");
        let (_, out, err) = amxc(&["check", &p.to_string_lossy(), "--format", "short"], &[]);
        format!("{out}{err}")
    };
    let ok = check(r#""2003", "2008", "2008 R2", "2012""#);
    assert!(!ok.contains("AMX0103"), "{ok}");
    let out_of_order = check(r#""2008", "2008 R2", "2003""#);
    assert!(
        out_of_order.contains("`2003` is listed after `2008` in `os`, whose labels are ordered by their place in `values`"),
        "{out_of_order}"
    );
    let not_a_label = check(r#""2003", "2008 R2!""#);
    assert!(
        not_a_label.contains("`2008 R2!` is neither a version nor a label"),
        "{not_a_label}"
    );
}
