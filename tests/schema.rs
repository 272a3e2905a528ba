//! The JSON Schemas of the YAML inputs (`amxc schema`, `schemas/`) agree with the loaders: a
//! profile or matrix whose shape the loader refuses, the schema refuses, and one the loader
//! takes, the schema takes — over every shape of every key, so that an editor validating with
//! the schema says what `amxc` will say.

use amxc::diagnostic::{codes, Code};
use serde_json::Value;

/// The seed policy and its matrix, loaded once.
struct Seed {
    policy: amxc::ast::Policy,
    matrix: amxc::matrix::Matrix,
}

impl Seed {
    fn load() -> Seed {
        let policy =
            std::fs::read_to_string("policies/symantec-mail-security.amx").expect("policy");
        let matrix = std::fs::read_to_string("policies/symantec-mail-security.versions.yaml")
            .expect("matrix");
        Seed {
            policy: amxc::parse::parse(0, &policy).value.expect("policy parses"),
            matrix: amxc::matrix::load(1, &matrix).value.expect("matrix loads"),
        }
    }

    /// The loader's verdict on `text` as a profile of the seed policy: whether it refuses its
    /// shape (not a value the matrix or the policy lacks), and why.
    fn refuses(&self, text: &str) -> (bool, Vec<String>) {
        let staged = amxc::profile::load(2, text, &self.policy, &self.matrix);
        let shape: [Code; 3] = [
            codes::TARGET_SYNTAX,
            codes::TARGET_SCHEMA,
            codes::INVALID_SERVER_NAME,
        ];
        // what the schema cannot know: the matrix's dimensions (a key that is none, a
        // dimension without a value)
        let matrix_bound =
            |m: &str| m.starts_with("unknown key") || m.contains("gives no value for dimension");
        let found: Vec<String> = staged
            .diagnostics
            .iter()
            .filter(|d| shape.contains(&d.code) && !matrix_bound(&d.message))
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        (!found.is_empty(), found)
    }
}

/// The schema's verdict on `text`, formats (IP addresses) asserted as editors assert them.
fn schema_refuses(v: &jsonschema::Validator, text: &str) -> (bool, Vec<String>) {
    let doc: Value = match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(y) => serde_json::to_value(y).expect("json"),
        Err(e) => return (true, vec![e.to_string()]),
    };
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    (!errors.is_empty(), errors)
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("schema compiles")
}

/// A YAML mapping with each of `base`'s keys given each of `shapes` in turn, or left out, and
/// each of `extra` keys added with each shape; the base itself first.
fn variants(base: &[(&str, &str)], shapes: &[&str], extra: &[&str]) -> Vec<String> {
    let render =
        |kv: &[(&str, &str)]| -> String { kv.iter().map(|(k, v)| format!("{k}: {v}\n")).collect() };
    let mut out = vec![render(base)];
    for i in 0..base.len() {
        for &s in shapes {
            let mut kv = base.to_vec();
            kv[i].1 = s;
            out.push(render(&kv));
        }
        let mut kv = base.to_vec();
        kv.remove(i);
        out.push(render(&kv));
    }
    for &k in extra {
        for &s in shapes {
            let mut kv = base.to_vec();
            kv.push((k, s));
            out.push(render(&kv));
        }
    }
    out
}

/// The inputs of `variants` on which the loader (whether it refuses the shape, and why) and
/// the schema disagree, each on one line.
fn disagreements(
    variants: &[String],
    schema: &jsonschema::Validator,
    loader: &dyn Fn(&str) -> (bool, Vec<String>),
) -> Vec<String> {
    let mut disagree = Vec::new();
    for text in variants {
        let (refused, why) = loader(text);
        let (schema_no, errors) = schema_refuses(schema, text);
        if refused != schema_no {
            let errors: Vec<String> = errors
                .iter()
                .map(|e| e.chars().take(90).collect())
                .collect();
            disagree.push(format!(
                "{} => loader {refused} {why:?} / schema {schema_no} {errors:?}",
                text.replace('\n', "; ")
            ));
        }
    }
    disagree
}

/// Every key of a target profile given each shape in turn.
fn target_variants() -> Vec<String> {
    let base: Vec<(&str, &str)> = vec![
        ("server", "EXCH01"),
        ("amx", "symantec-mail-security"),
        ("version", "\"2007-07-11\""),
        ("app", "\"6.0\""),
        ("exchange", "\"2007\""),
        ("arch", "x64"),
        ("heartbeat", "\"6.0\""),
        ("os", "\"2008\""),
        ("powershell", "\"2.0\""),
        ("components", "[file-level-av]"),
        ("management_ip", "192.0.2.10"),
        ("drives", "[C, E]"),
        ("paths", "{ Install: 'E:\\App' }"),
    ];
    let shapes = [
        "null",
        "12",
        "[a, b]",
        "{ a: b }",
        "\"\"",
        "[C]",
        "C",
        "\"E:\"",
        "none",
        "\"5.1\"",
        "\"7\"",
        "CON",
        "nul.txt",
        "\"a b\"",
        "..",
        "300.1.2.3",
        "\"2001:db8::1\"",
        "wsfc",
        "neverfail",
        "cluster",
        "{ Install: 12 }",
        "{ Install: [a] }",
        "{ network_name: SQLCLUSTER, ip: 192.0.2.50/24, disks: [Cluster Disk 1] }",
        "{ group: SQL Server (MSSQLSERVER) }",
        "{ nodes: [A] }",
        "{}",
        "\"2007-13-01\"",
        "\"2007-02-30\"",
        "\"2008-02-29\"",
    ];
    variants(&base, &shapes, &["system_drive", "engine", "cluster"])
}

#[test]
fn the_target_schema_refuses_exactly_the_shapes_the_loader_refuses() {
    let seed = Seed::load();
    let variants = target_variants();
    let disagree = disagreements(&variants, &validator(&amxc::schema::target()), &|t| {
        seed.refuses(t)
    });
    assert!(variants.len() > 400, "{} variants", variants.len());
    assert!(
        disagree.is_empty(),
        "{} of {} disagree:\n{}",
        disagree.len(),
        variants.len(),
        disagree.join("\n")
    );
}

/// A version matrix with each key, and a release's keys, given each shape in turn.
fn matrix_variants() -> Vec<String> {
    let top: Vec<(&str, &str)> = vec![
        ("amx", "contoso"),
        ("kb", "563"),
        ("title", "\"Contoso - Versions\""),
        (
            "dimensions",
            "{ app: { kind: version, values: [\"5.0\", \"6.0\"] }, arch: { kind: enum, values: [x86, x64] } }",
        ),
        ("components", "{ av: \"Anti-virus\" }"),
        ("platforms", "[ { app: \"6.0\", arch: x64 }, { app: \"5.0\" } ]"),
        (
            "versions",
            "{ \"2020-01-01\": { supports: { app: [\"5.0\"] }, superseded_by: \"2021-01-01\", known_issues: [\"slow start\"], engines: [neverfail] }, \"2021-01-01\": {} }",
        ),
    ];
    let shapes = [
        "null",
        "12",
        "\"563\"",
        "abc",
        "[a, b]",
        "{ a: b }",
        "{ a: { kind: enum, values: [x] } }",
        "{ a: { kind: other, values: [x] } }",
        "{ a: { kind: enum, values: [] } }",
        "{ a: { kind: enum } }",
        "{ version: { kind: enum, values: [x] } }",
        "{ av: null }",
        "{ av: [x] }",
        "[ { app: \"6.0\" } ]",
        "[ { app: [\"5.0\", \"6.0\"] } ]",
        "[ 12 ]",
        "{ \"2020-01-01\": null }",
        "{ \"2020-01-01\": { supports: { app: \"5.0\" } } }",
        "{ \"2020-01-01\": { superseded_by: 12 } }",
        "{ \"2020-01-01\": { known_issues: \"one\" } }",
        "{ \"2020-01-01\": { engines: [wsfc, neverfail] } }",
        "{ \"2020-01-01\": { engines: [clustered] } }",
        "{ \"2020-01-01\": { engines: [wsfc, wsfc] } }",
        "{ \"2020-01-01\": { colour: red } }",
        "{ \"2020-13-01\": {} }",
        "{ \"2021-02-29\": {} }",
        "{ \"2020-01-01\": { superseded_by: \"2020-04-31\" } }",
        "{ \"not a date\": {} }",
    ];
    variants(&top, &shapes, &["colour"])
}

#[test]
fn the_matrix_schema_refuses_exactly_the_shapes_the_loader_refuses() {
    let variants = matrix_variants();
    let disagree = disagreements(&variants, &validator(&amxc::schema::matrix()), &|t| {
        let why: Vec<String> = amxc::matrix::load(0, t)
            .diagnostics
            .iter()
            .filter(|d| [codes::MATRIX_SYNTAX, codes::MATRIX_SCHEMA].contains(&d.code))
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        (!why.is_empty(), why)
    });
    assert!(variants.len() > 150, "{} variants", variants.len());
    assert!(
        disagree.is_empty(),
        "{} of {} disagree:\n{}",
        disagree.len(),
        variants.len(),
        disagree.join("\n")
    );
}
