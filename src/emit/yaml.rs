//! Block-style YAML for the generated data files (`filters.yaml`, `services.yaml`).
//!
//! A value is serialised with serde to a JSON tree (field order kept) and written here, in
//! the layout reviewers read in pull requests. A string is written plain only when no YAML
//! reader could take it for anything else (a number, a boolean, null, an indicator); else
//! single-quoted, or double-quoted with escapes when it holds line breaks or control
//! characters. Tests parse the output back with serde_yaml and compare, for arbitrary
//! strings. Writing it here rather than through libyaml's emitter made fleet compiles of
//! large policies markedly faster.

use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// `value` as a YAML document (no `---`), ending in a newline.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let tree = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = String::with_capacity(4096);
    match &tree {
        Value::Object(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => sequence(&mut out, a, 0),
        other => {
            inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// The entries of a mapping, each on its own line at `at` spaces.
fn mapping(out: &mut String, m: &serde_json::Map<String, Value>, at: usize) {
    let mut first = true;
    for (k, v) in m {
        if !first {
            indent(out, at);
        }
        first = false;
        scalar(out, k);
        out.push(':');
        match v {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                indent(out, at + 2);
                mapping(out, inner, at + 2);
            }
            // a sequence in a mapping sits at the key's indentation, as serde_yaml writes it
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                indent(out, at);
                sequence(out, items, at);
            }
            other => {
                out.push(' ');
                inline(out, other);
                out.push('\n');
            }
        }
    }
}

/// The items of a sequence, `- ` at `at` spaces.
fn sequence(out: &mut String, items: &[Value], at: usize) {
    let mut first = true;
    for v in items {
        if !first {
            indent(out, at);
        }
        first = false;
        out.push_str("- ");
        match v {
            Value::Object(inner) if !inner.is_empty() => mapping(out, inner, at + 2),
            Value::Array(inner) if !inner.is_empty() => sequence(out, inner, at + 2),
            other => {
                inline(out, other);
                out.push('\n');
            }
        }
    }
}

/// A scalar or an empty collection.
fn inline(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => scalar(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// A string, plain when that is unambiguous, else quoted.
fn scalar(out: &mut String, s: &str) {
    if plain_ok(s) {
        out.push_str(s);
    } else if s.chars().all(printable) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if printable(c) => out.push(c),
                c => {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                }
            }
        }
        out.push('"');
    }
}

/// Characters a quoted scalar may hold literally (no breaks, controls or BOM).
fn printable(c: char) -> bool {
    !(c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{85}'))
}

/// Words that YAML 1.1 or 1.2 readers take for null, booleans or special numbers, and the
/// YAML 1.1 merge (`<<`) and value (`=`) keys.
const SPECIAL: &[&str] = &[
    "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf",
    ".nan", "<<", "=",
];

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first.is_whitespace()
        || s.ends_with(char::is_whitespace)
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || !s.chars().all(|c| printable(c) && c != '\t')
        || SPECIAL.iter().any(|w| s.eq_ignore_ascii_case(w))
    {
        return false;
    }
    // anything that could read as a number, a date or a time is quoted
    let numeric = |c: char| c.is_ascii_hexdigit() || "xXoO+-._:".contains(c);
    !(first.is_ascii_digit() || first == '+' || first == '.') || !s.chars().all(numeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Entry {
        pattern: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        args: Vec<String>,
        timeout: Option<u64>,
        manage: bool,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Doc {
        server: String,
        configuration: indexmap::IndexMap<String, Value>,
        include: Vec<Entry>,
        nested: Vec<Vec<String>>,
        empty: Vec<Entry>,
    }

    proptest! {
        /// Whatever the strings, serde_yaml reads back exactly what was written.
        #[test]
        fn every_document_reads_back_as_written(
            server in any::<String>(),
            key in any::<String>(),
            value in any::<String>(),
            words in proptest::collection::vec(any::<String>(), 0..4),
            patterns in proptest::collection::vec((any::<String>(), proptest::option::of(any::<String>()), proptest::option::of(any::<u64>()), any::<bool>()), 0..4),
        ) {
            let mut configuration = indexmap::IndexMap::new();
            configuration.insert(key, Value::String(value));
            configuration.insert("components".into(), Value::Array(words.iter().cloned().map(Value::String).collect()));
            configuration.insert("management_ip".into(), Value::Bool(true));
            let doc = Doc {
                server,
                configuration,
                include: patterns
                    .into_iter()
                    .map(|(pattern, reason, timeout, manage)| Entry { pattern, reason, args: words.clone(), timeout, manage })
                    .collect(),
                nested: vec![words.clone(), Vec::new()],
                empty: Vec::new(),
            };
            let text = to_string(&doc);
            let back: Doc = serde_yaml::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(back, doc, "{}", text);
        }
    }

    #[test]
    fn tricky_scalars_read_back_as_strings() {
        for s in [
            "",
            " ",
            "2.0",
            "0x1F",
            "0o17",
            "1e3",
            ".5",
            "+1",
            "-1",
            "1_000",
            "12:30",
            "null",
            "~",
            "NO",
            "On",
            ".inf",
            "-.Inf",
            ".NaN",
            "-",
            "- a",
            "a: b",
            "a #b",
            "a:",
            "#x",
            "&a",
            "*a",
            "!t",
            "|",
            ">",
            "'",
            "\"",
            "%x",
            "@x",
            "`x",
            "[a]",
            "{a}",
            "a\tb",
            "\u{feff}x",
            "x\u{85}",
            "é",
            "C:\\**",
            "2007-07-11",
            "10.0.2.15",
            "y",
            "=",
            "<<",
        ] {
            let text = to_string(&vec![s.to_string()]);
            let back: Vec<String> =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{s:?}: {e}\n{text}"));
            assert_eq!(back, vec![s.to_string()], "{text}");
        }
    }

    #[test]
    fn ambiguous_strings_are_quoted_and_plain_ones_are_not() {
        let q = |s: &str| {
            let mut o = String::new();
            scalar(&mut o, s);
            o
        };
        assert_eq!(q(r"C:\Program Files\App\**"), r"C:\Program Files\App\**");
        assert_eq!(q("2.0"), "'2.0'");
        assert_eq!(q("2021-01-01"), "'2021-01-01'");
        assert_eq!(q("yes"), "'yes'");
        assert_eq!(q("*.log"), "'*.log'");
        assert_eq!(q("it's"), "it's");
        assert_eq!(q("'q'"), "'''q'''");
        assert_eq!(q("a: b"), "'a: b'");
        assert_eq!(q("two\nlines"), "\"two\\nlines\"");
        assert_eq!(q(""), "''");
        // YAML 1.1 readers (PyYAML) take a plain `<<` key for a merge and `=` for a value key
        assert_eq!(q("<<"), "'<<'");
        assert_eq!(q("="), "'='");
    }
}
