//! Machine-readable outputs: SARIF checked against the SARIF 2.1.0 schema, GitHub annotations,
//! the JSON Schemas of the inputs, completions and the manual page.

use crate::support::{check_file, snapshot_settings};
use amxc::diagnostic::{render, Format};
use std::path::Path;

fn sarif_schema() -> serde_json::Value {
    let text =
        std::fs::read_to_string("tests/fixtures/vendor/sarif-schema-2.1.0.json").expect("schema");
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

/// SARIF of one policy text read under `name`.
fn sarif_of(name: &str, text: &str) -> serde_json::Value {
    let mut sources = amxc::source::SourceMap::new();
    let file = sources.add(name, text);
    let parsed = amxc::parse::parse(file, text);
    assert!(
        !parsed.diagnostics.is_empty(),
        "the text should have a finding"
    );
    let out = render(&sources, &parsed.diagnostics, Format::Sarif, false);
    serde_json::from_str(&out).expect("json")
}

#[test]
fn sarif_uris_are_relative_percent_encoded_and_based_on_the_source_root() {
    let doc = sarif_of(
        "./my policies/a #1.amx",
        "amx \"x\" {\n    title \"open\n}\n",
    );
    let loc = &doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "my%20policies/a%20%231.amx");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    assert_eq!(doc["runs"][0]["columnKind"], "unicodeCodePoints");
}

#[test]
fn sarif_fingerprints_survive_lines_moving() {
    let text = "amx \"x\" {\n    title \"open\n}\n";
    let moved = format!("// a comment\n\n{text}");
    let a = sarif_of("p.amx", text);
    let b = sarif_of("p.amx", &moved);
    let fp = |d: &serde_json::Value| {
        d["runs"][0]["results"][0]["partialFingerprints"]["amxc/v1"].clone()
    };
    assert!(fp(&a).is_string());
    assert_eq!(fp(&a), fp(&b));
    // and differ between findings at different places
    let other = sarif_of("q.amx", text);
    assert_ne!(fp(&a), fp(&other));
}

#[test]
fn a_run_that_failed_is_valid_sarif_that_says_so() {
    let d = amxc::diagnostic::Diagnostic::new(amxc::diagnostic::codes::IO, "cannot read `x.amx`");
    let doc: serde_json::Value =
        serde_json::from_str(&amxc::diagnostic::sarif_failure(&d)).expect("json");
    let schema = sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("compile schema");
    assert!(validator.is_valid(&doc), "{doc:#}");
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
}

#[test]
fn the_manual_is_one_complete_page() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"))
        .arg("man")
        .output()
        .expect("run");
    let page = String::from_utf8_lossy(&out.stdout);
    for section in [
        ".SH COMMANDS",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    // every command is on the page itself, not in a page that does not exist
    for c in ["check", "compile", "coverage", "explain-path", "matrix"] {
        assert!(page.contains(&format!(".SS \"amxc {c}\"")), "no {c}");
    }
    assert!(!page.contains("amxc\\-check(1)") && !page.contains("amxc-check(1)"));
}

/// Plain scalars that a YAML 1.1 reader (PyYAML, older editors) would not read as strings:
/// booleans (`yes`, `off`, …), numbers (`6.0` becomes 6, `0755` octal, `1_000`) and timestamps
/// (`2007-07-11` becomes a date). The patterns are YAML 1.1's implicit resolvers (yaml.org,
/// "Language-Independent Types for YAML 1.1": bool, int, float, null, timestamp).
fn yaml11_non_strings(text: &str) -> Vec<String> {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    let bool11 = ["y", "yes", "n", "no", "true", "false", "on", "off"];
    let is_number = |s: &str| {
        let t = s.trim_start_matches(['+', '-']).replace('_', "");
        !t.is_empty()
            && (t.chars().all(|c| c.is_ascii_digit() || c == '.')
                && t.chars().filter(|&c| c == '.').count() <= 1
                && t != "."
                || t.starts_with("0x") && t.len() > 2)
    };
    let is_timestamp = |s: &str| {
        let b = s.as_bytes();
        b.len() >= 8
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && s[5..].split(['-', 'T', 't', ' ']).next().is_some_and(|m| {
                !m.is_empty() && m.len() <= 2 && m.bytes().all(|c| c.is_ascii_digit())
            })
    };
    // keys whose values are numbers in both readers
    const NUMERIC: [&str; 1] = ["kb"];
    let mut out = Vec::new();
    let mut parser = Parser::new_from_str(text);
    // per open collection: a mapping's next scalar is a key (true) or a value (false), and
    // the key a value belongs to
    let mut stack: Vec<(bool, bool, String)> = Vec::new();
    while let Some(Ok((event, span))) = parser.next_event() {
        let (is_key, key) = match stack.last() {
            Some((true, expect_key, key)) => (*expect_key, key.clone()),
            _ => (false, String::new()),
        };
        match &event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if let Some(top) = stack.last_mut() {
                    top.1 = top.0;
                }
                stack.push((
                    matches!(event, Event::MappingStart(..)),
                    true,
                    String::new(),
                ));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                continue;
            }
            _ => {}
        }
        if let Event::Scalar(value, style, _, _) = event {
            if let Some(top) = stack.last_mut() {
                if top.0 {
                    if is_key {
                        top.2 = value.to_string();
                    }
                    top.1 = !is_key;
                }
            }
            if is_key || style != ScalarStyle::Plain || NUMERIC.contains(&key.as_str()) {
                continue;
            }
            let v = value.to_string();
            if bool11.contains(&v.to_ascii_lowercase().as_str())
                || is_number(&v)
                || is_timestamp(&v)
                || v == "~"
            {
                out.push(format!("`{v}` at line {}", span.start.line()));
            }
        }
    }
    out
}

#[test]
fn shipped_yaml_reads_alike_under_yaml_1_1_and_1_2() {
    let mut files = crate::support::files("policies", "yaml");
    for dir in std::fs::read_dir("policies/targets")
        .expect("targets")
        .flatten()
    {
        files.extend(crate::support::files(&dir.path().to_string_lossy(), "yaml"));
    }
    assert!(files.len() >= 10);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        assert_eq!(
            yaml11_non_strings(&text),
            Vec::<String>::new(),
            "{}",
            f.display()
        );
    }
    // the check itself catches what YAML 1.1 misreads
    assert_eq!(
        yaml11_non_strings("version: 2007-07-11\napp: 6.0\nok: yes\n").len(),
        3
    );
}

#[test]
fn the_target_schema_and_the_loader_agree_on_server_names() {
    let schema = amxc::schema::target();
    let validator = jsonschema::validator_for(&schema).expect("target schema");
    for name in [
        "EXCH01",
        "a-b",
        "_x",
        "web.01",
        "CON",
        "con",
        "Con.txt",
        "nul",
        "LPT9.log",
        "COM1",
        ".x",
        "x.",
        "a b",
        "..",
        "CONSOLE",
        "-dash",
        "AUXILIARY",
    ] {
        let doc = serde_json::json!({ "server": name, "version": "2007-07-11" });
        assert_eq!(
            validator.is_valid(&doc),
            amxc::profile::is_plain_folder_name(name),
            "server name {name:?}: the schema and the loader disagree"
        );
    }
}
