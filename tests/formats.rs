//! Machine-readable outputs: SARIF checked against the SARIF 2.1.0 schema, GitHub annotations,
//! the JSON Schemas of the inputs, completions and the manual page.

use crate::support::{check_file, snapshot_settings};
use amxc::diagnostic::{render, Format};
use std::path::Path;

fn sarif_schema() -> serde_json::Value {
    let text = std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json").expect("schema");
    serde_json::from_str(&text).expect("schema json")
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_for_every_fixture_parse_errors_included() {
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("compile schema");
    for path in crate::support::files("tests/fixtures/diagnostics", "amx") {
        let (sources, diags) = check_file(&path);
        let text = render(&sources, &diags, Format::Sarif, false);
        let doc: serde_json::Value = serde_json::from_str(&text).expect("sarif is json");
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        assert_eq!(
            doc["runs"][0]["results"].as_array().map(Vec::len),
            Some(diags.len())
        );
    }
}

#[test]
fn sarif_and_github_renderings_are_snapshotted() {
    let path = Path::new("tests/fixtures/diagnostics/amx0305.amx");
    let (sources, diags) = check_file(path);
    snapshot_settings(path).bind(|| {
        insta::assert_snapshot!(
            "format@sarif",
            render(&sources, &diags, Format::Sarif, false)
        );
        insta::assert_snapshot!(
            "format@github",
            render(&sources, &diags, Format::Github, false)
        );
        insta::assert_snapshot!("format@json", render(&sources, &diags, Format::Json, false));
    });
}

#[test]
fn github_annotations_escape_what_would_break_the_command() {
    let path = Path::new("tests/fixtures/diagnostics/amx0002.amx");
    let (sources, diags) = check_file(path);
    let out = render(&sources, &diags, Format::Github, false);
    assert!(
        out.starts_with("::error file=tests/fixtures/diagnostics/amx0002.amx,line=2,col=11,"),
        "{out}"
    );
    assert!(
        out.contains("title=AMX0002%3A unterminated string::"),
        "{out}"
    );
    assert_eq!(out.lines().count(), diags.len());
}

#[test]
fn the_committed_json_schemas_are_what_amxc_prints() {
    for (file, value) in [
        ("schemas/matrix.schema.json", amxc::schema::matrix()),
        ("schemas/target.schema.json", amxc::schema::target()),
    ] {
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).expect(file)).expect("json");
        assert_eq!(
            committed, value,
            "{file} is stale: run `amxc schema …` to refresh it"
        );
    }
}

#[test]
fn the_shipped_yaml_inputs_satisfy_their_json_schemas() {
    let matrix = jsonschema::validator_for(&amxc::schema::matrix()).expect("matrix schema");
    let target = jsonschema::validator_for(&amxc::schema::target()).expect("target schema");
    let yaml = |p: &Path| -> serde_json::Value {
        let v: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(p).expect("read")).expect("yaml");
        serde_json::to_value(v).expect("json")
    };
    for p in crate::support::files("policies", "yaml") {
        let errs: Vec<String> = matrix
            .iter_errors(&yaml(&p))
            .map(|e| e.to_string())
            .collect();
        assert!(errs.is_empty(), "{}: {errs:?}", p.display());
    }
    for dir in std::fs::read_dir("policies/targets")
        .expect("targets")
        .flatten()
    {
        for p in crate::support::files(&dir.path().to_string_lossy(), "yaml") {
            let errs: Vec<String> = target
                .iter_errors(&yaml(&p))
                .map(|e| e.to_string())
                .collect();
            assert!(errs.is_empty(), "{}: {errs:?}", p.display());
        }
    }
}

#[test]
fn completions_and_the_manual_are_generated() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
            .args(args)
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(run(&["completions", "bash"]).contains("amxc"));
    assert!(run(&["completions", "zsh"]).contains("#compdef amxc"));
    assert!(run(&["man"]).contains(".TH amxc 1"));
}
