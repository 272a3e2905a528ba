//! Turns a pest failure into a sentence: what was expected, in words, and what was found.
//! Users never see a grammar rule's name.

use super::grammar::Rule;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// Groups of keywords that stand for "a statement of this block".
const GROUPS: &[(Rule, &[Rule], &str)] = &[
    (
        Rule::k_title,
        &[
            Rule::k_title,
            Rule::k_application,
            Rule::k_kb,
            Rule::k_about,
            Rule::k_versions,
            Rule::k_supports,
            Rule::k_paths,
            Rule::k_services,
            Rule::k_data,
            Rule::k_tasks,
            Rule::k_discovery,
            Rule::k_exception,
            Rule::k_advise,
            Rule::k_unsupported,
            Rule::k_applies_to,
        ],
        "a policy statement such as `title`, `versions`, `services`, `data` or `tasks`",
    ),
    (
        Rule::k_note,
        &[
            Rule::k_note,
            Rule::k_paths,
            Rule::k_services,
            Rule::k_data,
            Rule::k_tasks,
            Rule::k_discovery,
            Rule::k_advise,
            Rule::k_unsupported,
        ],
        "an exception statement such as `note`, `data`, `services` or `advise`",
    ),
    (
        Rule::k_after,
        &[
            Rule::k_after,
            Rule::k_startup,
            Rule::k_active,
            Rule::k_passive,
            Rule::k_monitor,
            Rule::k_manage,
            Rule::k_on_failure,
            Rule::k_start_timeout,
            Rule::k_stop_timeout,
        ],
        "a service setting such as `after`, `startup`, `passive` or `on-failure`",
    ),
    (
        Rule::k_files,
        &[
            Rule::k_files,
            Rule::k_registry,
            Rule::k_snapshot,
            Rule::k_unprotected,
        ],
        "a data statement (`files`, `registry`, `snapshot` or `unprotected`)",
    ),
    (
        Rule::k_at,
        &[
            Rule::k_at,
            Rule::k_on,
            Rule::k_run,
            Rule::k_timeout,
            Rule::k_when,
        ],
        "a task setting (`at`, `on`, `run`, `timeout` or `when`)",
    ),
    (
        Rule::k_service,
        &[Rule::k_service, Rule::k_startup],
        "`service` or `startup`",
    ),
    (
        Rule::k_formerly,
        &[Rule::k_formerly, Rule::k_bits],
        "`formerly` or `bits`",
    ),
];

/// Words for one rule, or `None` for rules that say nothing useful on their own.
fn describe(rule: Rule) -> Option<String> {
    let s = match rule {
        Rule::word => "a name",
        Rule::name => "a name (a word or a quoted string)",
        Rule::dq_string | Rule::sq_string => "a quoted string",
        Rule::date => "a release version such as 2007-07-11",
        Rule::version => "a version such as 6.0",
        Rule::value => "a value (a version, a date, a word or a string)",
        Rule::integer => "a number",
        Rule::duration => "a duration such as 30s, 10m, 4h or 1d",
        Rule::op => "a comparison (`==`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::or_expr | Rule::and_expr => {
            "a condition"
        }
        Rule::startup_type => STARTUP_PHRASE,
        Rule::service_state => "`running` or `stopped`",
        Rule::yes_no => "`yes` or `no`",
        Rule::failure_action | Rule::simple_action => {
            "a failure action (`recover-service`, `restart-applications`, `log-warning`, `switchover` or `task \"name\"`)"
        }
        Rule::task_kind | Rule::periodic => {
            "a task kind (`network`, `prestart`, `poststart`, `prestop`, `poststop`, `preshadow`, `postshadow`, `periodic every <duration>` or `rule-action`)"
        }
        Rule::task_side => "`active`, `passive`, `both`, `primary` or `secondary`",
        Rule::data_class => "a data class (`config`, `data`, `log`, `definitions` or `other`)",
        Rule::bits_value => "`32` or `64`",
        Rule::discovery_mode => "`none` or `automatic`",
        Rule::filter_mode => "`include` or `exclude`",
        Rule::because_clause => "`because`",
        Rule::as_clause => "`as`",
        Rule::when_clause => "`when` and a condition",
        Rule::open | Rule::parsed_body | Rule::application_body | Rule::service_body | Rule::task_body => "`{`",
        Rule::close => "`}`",
        Rule::sep => "the end of the statement (a new line or `;`)",
        Rule::EOI => "the end of the file",
        Rule::amx => "`amx`",
        Rule::paren => "`(`",
        Rule::has_atom => "`has(…)`",
        Rule::mgmt_atom => "`management-ip`",
        Rule::not_expr => "`not`",
        r => {
            let name = format!("{r:?}");
            return name.strip_prefix("k_").map(|k| format!("`{}`", k.replace('_', "-")));
        }
    };
    Some(s.to_string())
}

/// The keyword text of a `k_` rule, or of a clause that starts with its keyword.
fn keyword(rule: Rule) -> Option<String> {
    match rule {
        Rule::as_clause => return Some("as".to_string()),
        Rule::because_clause => return Some("because".to_string()),
        _ => {}
    }
    super::keywords::word(rule).map(str::to_string)
}

pub fn to_diagnostic(file: FileId, text: &str, err: &Error<Rule>) -> Diagnostic {
    in_body(file, text, 0, err)
}

/// [`to_diagnostic`] for an error in a chunk of a data body that starts at `base` in
/// `text`: the chunk's end stands for the body's `}`.
pub fn in_body(file: FileId, text: &str, base: usize, err: &Error<Rule>) -> Diagnostic {
    let pos = base
        + match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let mut rules: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    if base > 0 {
        for r in &mut rules {
            if *r == Rule::EOI {
                *r = Rule::close;
            }
        }
    }
    // in grammar order, whatever order pest tried them in
    rules.sort();
    rules.dedup();
    let expected_rules = rules.clone();
    let mut phrases: Vec<String> = Vec::new();
    for (anchor, members, phrase) in GROUPS {
        if rules.contains(anchor) && members.iter().filter(|m| rules.contains(m)).count() >= 2 {
            rules.retain(|r| !members.contains(r));
            phrases.push(phrase.to_string());
        }
    }
    if !phrases.is_empty() {
        // at the start of a statement a blank line is always possible: not worth saying
        rules.retain(|r| *r != Rule::sep);
    }
    let keywords: Vec<String> = rules.iter().filter_map(|r| keyword(*r)).collect();
    for r in &rules {
        if let Some(p) = describe(*r) {
            if !phrases.contains(&p) {
                phrases.push(p);
            }
        }
    }
    let expected = match phrases.len() {
        0 => "something else".to_string(),
        1 => phrases[0].clone(),
        n => format!("{} or {}", phrases[..n - 1].join(", "), phrases[n - 1]),
    };
    let (found, span) = found_at(text, pos);
    let mut d = Diagnostic::new(codes::SYNTAX, format!("expected {expected}, found {found}")).at(
        file,
        span,
        format!("expected {expected}"),
    );
    let token = &text[span.range()];
    let mut candidates: Vec<String> = keywords;
    for (_, members, _) in GROUPS {
        if phrases.iter().any(|p| GROUPS.iter().any(|g| g.2 == p)) {
            candidates.extend(members.iter().filter_map(|m| keyword(*m)));
        }
    }
    // the words of a choice the grammar expected here (`include` for `inclde`)
    for (rule, words) in CHOICES {
        if expected_rules.contains(rule) {
            candidates.extend(words.iter().map(|w| w.to_string()));
        }
    }
    if token == "when" {
        if let Some(fix) = condition_after_block(text, span) {
            return d
                .with_note("a block's condition is written before its `{`, and holds for everything inside")
                .with_fix(file, fix.0, fix.1, "move the condition before the block's `{`")
                .with_help("did you mean to put `when …` before the block's `{`?");
        }
    }
    if let Some(best) = crate::diagnostic::closest(token, &candidates) {
        d = d.with_suggestion(file, span, &best);
    }
    d
}

const STARTUP_PHRASE: &str = "a startup type (`manual`, `automatic`, `delayed-auto` or `disabled`)";

/// The grammar's word choices (`rule = @{ ("a" | "b") ~ !wc }`), for "did you mean"; a test
/// holds this table to grammar/amx.pest.
const CHOICES: &[(Rule, &[&str])] = &[
    (Rule::bits_value, &["32", "64"]),
    (Rule::write_side, &["passive", "both"]),
    (Rule::discovery_mode, &["none", "automatic"]),
    (
        Rule::startup_type,
        &["manual", "automatic", "delayed-auto", "disabled"],
    ),
    (Rule::service_state, &["running", "stopped"]),
    (Rule::yes_no, &["yes", "no"]),
    (
        Rule::simple_action,
        &[
            "recover-service",
            "restart-applications",
            "log-warning",
            "switchover",
        ],
    ),
    (Rule::filter_mode, &["include", "exclude"]),
    (
        Rule::data_class,
        &["config", "data", "log", "definitions", "other"],
    ),
    (
        Rule::task_kind,
        &[
            "network",
            "prestart",
            "poststart",
            "prestop",
            "poststop",
            "preshadow",
            "postshadow",
            "rule-action",
        ],
    ),
    (
        Rule::task_side,
        &["active", "passive", "both", "primary", "secondary"],
    ),
];

/// `} when …` (a condition after a block): the span from the block's `{` to the end of the
/// condition, and the text with the condition moved before the `{`.
fn condition_after_block(text: &str, when: Span) -> Option<(Span, String)> {
    let before = text[..when.start()].trim_end_matches([' ', '\t']);
    if !before.ends_with('}') {
        return None;
    }
    let close = before.len() - 1;
    // the `{` this `}` closes, skipping strings
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = close + 1;
    let mut quote: Option<u8> = None;
    while i > 0 {
        i -= 1;
        match (quote, b[i]) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b[i]),
            (None, b'}') => depth += 1,
            (None, b'{') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    if depth != 0 || b.get(i) != Some(&b'{') {
        return None;
    }
    let open = i;
    let end = text[when.start()..]
        .find(['\n', '\r', ';'])
        .map_or(text.len(), |e| when.start() + e);
    let condition = text[when.start()..end].trim_end();
    let block = &text[open..=close];
    Some((
        Span::new(open, when.start() + condition.len()),
        format!("{condition} {block}"),
    ))
}

/// The token at `pos`, described, and its span.
fn found_at(text: &str, pos: usize) -> (String, Span) {
    let pos = pos.min(text.len());
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return ("the end of the file".into(), Span::new(pos, pos));
    };
    if c == '\n' || c == '\r' {
        return (
            "the end of the line".into(),
            Span::new(pos, pos + c.len_utf8()),
        );
    }
    let len = if c.is_ascii_alphanumeric() || c == '_' {
        rest.find(|ch: char| !(ch.is_ascii_alphanumeric() || "_.$-".contains(ch)))
            .unwrap_or(rest.len())
    } else if c == '"' || c == '\'' {
        rest[1..].find(c).map_or(rest.len(), |e| e + 2)
    } else {
        c.len_utf8()
    };
    let token = &rest[..len];
    let shown: String = if token.chars().count() > 30 {
        token.chars().take(30).collect::<String>() + "…"
    } else {
        token.to_string()
    };
    let shown = shown.replace('`', "'");
    let printable = shown.chars().all(|ch| !ch.is_control());
    let desc = if printable {
        format!("`{shown}`")
    } else {
        format!("the character U+{:04X}", c as u32)
    };
    (desc, Span::new(pos, pos + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_choices_are_the_grammars() {
        let grammar = include_str!("../../grammar/amx.pest");
        let mut found = 0;
        for line in grammar.lines() {
            let Some((name, rest)) = line.split_once(" = @{ (\"") else {
                continue;
            };
            let words: Vec<&str> = rest
                .split(')')
                .next()
                .unwrap_or_default()
                .split('|')
                .map(|w| w.trim().trim_matches('"'))
                .collect();
            let listed = CHOICES
                .iter()
                .find(|(r, _)| format!("{r:?}") == name.trim())
                .map(|(_, w)| w.to_vec());
            assert_eq!(listed, Some(words), "rule `{name}`");
            found += 1;
        }
        assert_eq!(found, CHOICES.len());
    }
}
