//! Completion by context, from the text before the cursor: the keywords the enclosing block
//! allows, service names after `after`, variables after `%`, classes after `as`, dimensions and
//! their values in conditions, components in `has(…)`, release dates, and the words a setting
//! takes.

use super::analysis::Analysis;
use crate::ast::keywords as words;
use lsp_types::{CompletionItem, CompletionItemKind};

/// The statements each block allows, by the keyword that opens it (`""`: the policy itself).
/// A test ties every word to the grammar.
pub const BLOCKS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "title",
            "application",
            "kb",
            "about",
            "versions",
            "supports",
            "paths",
            "services",
            "data",
            "tasks",
            "discovery",
            "exception",
            "advise",
            "unsupported",
            "applies-to",
            "switchover",
            "allow",
        ],
    ),
    ("application", &["formerly", "bits", "writes"]),
    ("services", &["service", "startup", "on-failure"]),
    (
        "service",
        &[
            "after",
            "startup",
            "active",
            "passive",
            "monitor",
            "manage",
            "on-failure",
            "start-timeout",
            "stop-timeout",
        ],
    ),
    ("data", &["files", "registry", "snapshot", "unprotected"]),
    ("tasks", &["task"]),
    ("task", &["at", "on", "run", "timeout", "writes", "when"]),
    (
        "exception",
        &[
            "note",
            "paths",
            "services",
            "data",
            "tasks",
            "discovery",
            "advise",
            "unsupported",
            "allow",
        ],
    ),
];

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        ..CompletionItem::default()
    }
}

fn keywords(list: &[&str]) -> Vec<CompletionItem> {
    list.iter()
        .map(|w| item(w, CompletionItemKind::KEYWORD, ""))
        .collect()
}

fn values<T: 'static>(w: &words::Words<T>, detail: &str) -> Vec<CompletionItem> {
    w.words
        .iter()
        .map(|(s, _)| item(s, CompletionItemKind::ENUM_MEMBER, detail))
        .collect()
}

/// The keyword of the innermost block open at `offset` (`""` at the policy's top level, `None`
/// outside the policy), read by counting braces outside strings and comments.
fn enclosing_block(text: &str, offset: usize) -> Option<String> {
    let b = text.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while i < offset.min(b.len()) {
        match b[i] {
            b'\n' => line_start = i + 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < offset && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < offset && b[i] != q && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' => {
                let statement = text[line_start..i].trim_start();
                let word: String = statement
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                stack.push(word);
            }
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    let top = stack.first()?;
    if top != "amx" {
        return None;
    }
    Some(
        stack
            .last()
            .filter(|_| stack.len() > 1)
            .cloned()
            .unwrap_or_default(),
    )
}

/// Completions at byte `offset`.
pub fn complete(a: &Analysis, text: &str, offset: usize) -> Vec<CompletionItem> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    // inside `%…`: an odd number of `%` before the cursor on the line
    if line.matches('%').count() % 2 == 1 {
        return variables(a);
    }
    let tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    // the word being typed, if the cursor is right after one
    let typing = !line.ends_with(|c: char| c.is_whitespace() || c == ',' || c == '(');
    let done: &[&str] = if typing && !tokens.is_empty() {
        &tokens[..tokens.len() - 1]
    } else {
        &tokens
    };
    let last = done.last().copied().unwrap_or("");
    if let Some(open) = line.rfind("has(") {
        if !line[open..].contains(')') {
            return components(a);
        }
    }
    if let Some(i) = done
        .iter()
        .rposition(|t| matches!(*t, "when" | "and" | "or" | "not"))
    {
        let rest = &done[i + 1..];
        return match rest {
            [] => condition_starts(a),
            [dim, op] if matches!(*op, "==" | "!=" | "<" | "<=" | ">" | ">=") => dim_values(a, dim),
            _ => vec![
                item("and", CompletionItemKind::KEYWORD, ""),
                item("or", CompletionItemKind::KEYWORD, ""),
            ],
        };
    }
    match last {
        "as" => return values(&words::DATA_CLASS, "data class"),
        "startup" => return values(&words::STARTUP, "startup type"),
        "active" | "passive" => return values(&words::SERVICE_STATE, "service state"),
        "monitor" | "manage" => return keywords(&["yes", "no"]),
        "at" => return values(&words::TASK_KIND, "task kind"),
        // `writes '…' on passive|both` in the application block; a task's side elsewhere
        "on" if done.first() == Some(&"writes") => return keywords(&["passive", "both"]),
        "on" => return values(&words::TASK_SIDE, "task side"),
        "files" | "registry" | "snapshot" => return values(&words::FILTER_MODE, ""),
        "exception" => return releases(a),
        // the findings an `allow` can acknowledge
        "allow" => {
            return crate::diagnostic::CODES
                .iter()
                .filter(|c| crate::validate::allowable(c.code))
                .map(|c| item(&c.code.to_string(), CompletionItemKind::CONSTANT, c.title))
                .collect()
        }
        // `switchover within DURATION` (not the failure action of an `on-failure` list)
        "switchover" if done.len() == 1 => return keywords(&["within"]),
        _ => {}
    }
    match done.first().copied() {
        Some("after") => return services(a),
        Some("on-failure") => return values(&words::FAILURE_ACTION, "failure action"),
        Some("versions") | Some("applies-to") => return releases(a),
        Some(_) => return Vec::new(),
        None => {}
    }
    // the start of a statement: what the enclosing block allows
    match enclosing_block(text, offset) {
        Some(block) => BLOCKS
            .iter()
            .find(|(b, _)| *b == block)
            .map_or_else(Vec::new, |(_, list)| keywords(list)),
        None if text[..offset].trim().is_empty() => keywords(&["amx"]),
        None => Vec::new(),
    }
}

fn variables(a: &Analysis) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = Vec::new();
    let mut add = |name: &str, detail: &str| {
        if !out.iter().any(|i| i.label.eq_ignore_ascii_case(name)) {
            let mut i = item(name, CompletionItemKind::VARIABLE, detail);
            i.insert_text = Some(format!("{name}%"));
            out.push(i);
        }
    };
    if let Some(p) = a.names() {
        for d in p.path_definitions() {
            add(&d.name.text, &format!("'{}'", d.pattern.value));
        }
    }
    for b in crate::engine::windows::BUILTIN_VARIABLES {
        add(b, "a folder Windows names");
    }
    if let Some(m) = &a.matrix {
        for d in &m.dimensions {
            add(&d.name, "the server's value of this dimension");
        }
    }
    add(crate::ast::RELEASE, "the installed release");
    out
}

fn services(a: &Analysis) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = Vec::new();
    if let Some(p) = a.names() {
        for (b, _) in p.bodies() {
            for s in &b.services {
                let n = &s.value.name.text;
                if !out.iter().any(|i| i.label.eq_ignore_ascii_case(n)) {
                    let detail = s.value.display.as_ref().map_or("", |d| d.value.as_str());
                    out.push(item(n, CompletionItemKind::CLASS, detail));
                }
            }
        }
    }
    out
}

fn condition_starts(a: &Analysis) -> Vec<CompletionItem> {
    let mut out = vec![
        item(
            "has(",
            CompletionItemKind::FUNCTION,
            "a component is installed",
        ),
        item(
            "management-ip",
            CompletionItemKind::KEYWORD,
            "the server has a management IP",
        ),
        item("not", CompletionItemKind::KEYWORD, ""),
    ];
    if let Some(m) = &a.matrix {
        for d in &m.dimensions {
            out.push(item(&d.name, CompletionItemKind::FIELD, &d.domain()));
        }
    }
    out
}

fn dim_values(a: &Analysis, dim: &str) -> Vec<CompletionItem> {
    let Some(m) = &a.matrix else {
        return Vec::new();
    };
    let Some(d) = m.dimension(dim) else {
        return Vec::new();
    };
    m.dimensions[d]
        .values
        .iter()
        .map(|v| {
            let label = if v
                .text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                v.text.clone()
            } else {
                format!("\"{}\"", v.text)
            };
            item(&label, CompletionItemKind::ENUM_MEMBER, dim)
        })
        .collect()
}

fn components(a: &Analysis) -> Vec<CompletionItem> {
    a.matrix.as_ref().map_or_else(Vec::new, |m| {
        m.components
            .iter()
            .map(|c| item(&c.name, CompletionItemKind::ENUM_MEMBER, &c.description))
            .collect()
    })
}

fn releases(a: &Analysis) -> Vec<CompletionItem> {
    a.matrix.as_ref().map_or_else(Vec::new, |m| {
        m.releases
            .iter()
            .map(|r| {
                let mut detail = String::from("release");
                if let Some(s) = r.superseded_by {
                    detail = format!("release, superseded by {s}");
                }
                item(&r.date.to_string(), CompletionItemKind::CONSTANT, &detail)
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_completed_keyword_is_a_word_of_the_grammar() {
        let grammar: Vec<&str> = crate::parse::keywords::KEYWORDS
            .iter()
            .map(|(_, w)| *w)
            .collect();
        for (block, list) in BLOCKS {
            assert!(block.is_empty() || grammar.contains(block), "{block}");
            for w in *list {
                assert!(
                    grammar.contains(w),
                    "`{w}` in block `{block}` is no keyword"
                );
            }
        }
    }

    #[test]
    fn the_enclosing_block_is_found_by_braces_outside_strings_and_comments() {
        let t =
            "amx \"x\" {\n    services {\n        service A '{' {\n            // }\n            ";
        assert_eq!(enclosing_block(t, t.len()).as_deref(), Some("service"));
        let t = "amx \"x\" {\n    data {\n    }\n    ";
        assert_eq!(enclosing_block(t, t.len()).as_deref(), Some(""));
        assert_eq!(enclosing_block("", 0), None);
    }
}
