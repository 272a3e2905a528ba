//! The language, construct by construct: what parses, and into what.

use amxc::ast::*;
use amxc::parse::parse;

fn ok(src: &str) -> Policy {
    let p = parse(0, src);
    assert!(
        p.diagnostics.is_empty(),
        "unexpected diagnostics for:\n{src}\n{:#?}",
        p.diagnostics
    );
    p.value.expect("a policy")
}

fn wrap(body: &str) -> Policy {
    ok(&format!("amx \"t\" {{\n{body}\n}}\n"))
}

fn err_code(src: &str) -> u16 {
    let p = parse(0, src);
    p.diagnostics.first().map(|d| d.code.0).unwrap_or(0)
}

#[test]
fn header_statements_parse_with_their_values() {
    let p = wrap("title \"T\"\napplication \"App\" {\n formerly \"Old\"\n bits 32\n}\nkb 563 \"Versions\"\nabout \"About\"\nversions 2007-03-27, 2007-07-11\nsupports exchange 2003, 2007\napplies-to all");
    assert_eq!(p.id.text, "t");
    assert_eq!(p.title.as_ref().map(|t| t.value.value.as_str()), Some("T"));
    let app = p.application.expect("application").value;
    assert_eq!(app.formerly[0].value.value, "Old");
    assert_eq!(app.bits.iter().map(|b| b.value).collect::<Vec<_>>(), [32]);
    assert_eq!(p.kb.map(|k| k.value.number), Some(563));
    let v = p.versions.expect("versions").value;
    assert_eq!(
        v.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        ["2007-03-27", "2007-07-11"]
    );
    assert_eq!(p.supports[0].value.values.len(), 2);
    assert_eq!(p.applies_to.map(|a| a.value), Some(AppliesTo::All));
}

#[test]
fn statements_end_at_newline_semicolon_or_closing_brace() {
    let p = wrap("title \"A\"; about \"B\"\nservices { service S { startup automatic } }");
    assert_eq!(p.about.map(|a| a.value.value), Some("B".into()));
    assert_eq!(
        p.base.services[0].value.startup[0].value,
        Startup::Automatic
    );
}

#[test]
fn both_string_kinds_unescape_as_specified() {
    let p = wrap(
        r#"title "a\"b\\c\n\t\u{48}"
about 'C:\Program Files\it''s'"#,
    );
    assert_eq!(p.title.map(|t| t.value.value), Some("a\"b\\c\n\tH".into()));
    assert_eq!(
        p.about.map(|a| a.value.value),
        Some(r"C:\Program Files\it's".into())
    );
}

#[test]
fn comments_nest_and_count_as_whitespace() {
    let p = wrap("/* outer /* inner */ still comment */ title \"T\" // trailing\n// whole line");
    assert_eq!(p.title.map(|t| t.value.value), Some("T".into()));
}

#[test]
fn services_take_every_setting_and_the_block_default() {
    let p = wrap(
        "services {\n startup manual\n service B \"Bee\" when app >= 6.0 {\n  after A, \"My Service\"\n  active running\n  passive stopped\n  monitor no\n  manage yes\n  on-failure recover-service, task \"notify\", switchover\n  start-timeout 5m\n  stop-timeout 30s\n }\n}",
    );
    let s = &p.base.services[0];
    assert!(s.when.is_some());
    let v = &s.value;
    assert_eq!(v.display.as_ref().map(|d| d.value.as_str()), Some("Bee"));
    assert_eq!(
        v.after[0]
            .value
            .iter()
            .map(|n| n.text.as_str())
            .collect::<Vec<_>>(),
        ["A", "My Service"]
    );
    assert_eq!(v.startup[0].value, Startup::Manual);
    assert!(!v.monitor[0].value);
    assert_eq!(v.on_failure[0].value.len(), 3);
    assert!(matches!(&v.on_failure[0].value[1], FailureAction::Task(n) if n.text == "notify"));
    assert_eq!(v.start_timeout[0].value.seconds, 300);
    assert_eq!(v.stop_timeout[0].value.seconds, 30);
}

#[test]
fn service_names_may_be_words_with_dollar_or_strings() {
    let p =
        wrap("services {\n service MSSQL$SQLEXPRESS\n service \"Name With Spaces\" \"Display\"\n}");
    assert_eq!(p.base.services[0].value.name.text, "MSSQL$SQLEXPRESS");
    assert_eq!(p.base.services[1].value.name.text, "Name With Spaces");
}

#[test]
fn data_statements_keep_mode_class_reason_and_condition() {
    let p = wrap("data when arch == x64 {\n registry include 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X\\**'\n files exclude 'C:\\X\\logs\\**' because \"noisy\"\n files include 'C:\\X\\*.xml' as config when heartbeat >= 5.3\n unprotected 'C:\\Defs\\**' as definitions because \"updated locally\"\n snapshot include 'C:\\X\\**'\n}");
    let d = &p.base.data;
    assert_eq!(d.len(), 5);
    assert!(
        d.iter().all(|i| i.when.is_some()),
        "the block condition reaches every item"
    );
    assert!(
        matches!(&d[1].value, DataRule::Filter { mode: FilterMode::Exclude, because: Some(b), .. } if b.value == "noisy")
    );
    assert!(matches!(
        &d[2].value,
        DataRule::Filter {
            class: Some(DataClass::Config),
            ..
        }
    ));
    assert!(
        matches!(&d[3].value, DataRule::Unprotected { because, .. } if because.value == "updated locally")
    );
    assert!(matches!(
        &d[4].value,
        DataRule::Filter {
            kind: FilterKind::Snapshot,
            ..
        }
    ));
}

#[test]
fn tasks_parse_every_kind_side_and_setting() {
    for kind in [
        "network",
        "prestart",
        "poststart",
        "prestop",
        "poststop",
        "preshadow",
        "postshadow",
        "rule-action",
        "periodic every 4h",
    ] {
        let side = if kind == "network" { "primary" } else { "both" };
        let p = wrap(&format!("tasks {{\n task \"t\" {{\n  at {kind}\n  on {side}\n  run 'C:\\t.exe' \"-a\" '-b'\n  timeout 10m\n  when management-ip\n }}\n}}"));
        let t = &p.base.tasks[0];
        assert!(t.when.is_some());
        assert_eq!(t.value.run.value.args.len(), 2);
        assert_eq!(t.value.timeout.as_ref().map(|d| d.value.seconds), Some(600));
        if kind.starts_with("periodic") {
            assert_eq!(
                t.value.at.value,
                TaskKind::Periodic(Duration { seconds: 4 * 3600 })
            );
        }
    }
}

#[test]
fn conditions_bind_not_tighter_than_and_tighter_than_or() {
    let p = wrap(
        "advise \"x\" when not has(av) and app < 6.0 or (management-ip and version == 2007-07-11)",
    );
    let c = p.base.advise[0].when.as_ref().expect("condition");
    let CondKind::Or(xs) = &c.kind else {
        panic!("or at the top: {c}")
    };
    assert!(matches!(&xs[0].kind, CondKind::And(ys) if matches!(ys[0].kind, CondKind::Not(_))));
    assert!(matches!(&xs[1].kind, CondKind::And(_)));
    assert_eq!(
        c.to_string(),
        "(not has(av) and app < 6.0) or (management-ip and version == 2007-07-11)"
    );
}

#[test]
fn every_comparison_operator_parses() {
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        let p = wrap(&format!("advise \"x\" when app {op} 6.0"));
        assert!(p.base.advise[0].when.is_some(), "{op}");
    }
}

#[test]
fn exceptions_hold_their_own_statements() {
    let p = wrap("versions 2007-03-27\nexception 2007-03-27 {\n note \"n\"\n paths { X = 'C:\\x' }\n services { service S }\n data { files include 'C:\\x\\**' }\n tasks { task \"t\" { at prestart; run 'C:\\t.exe' } }\n discovery automatic\n advise \"a\"\n unsupported \"u\"\n}");
    let e = &p.exceptions[0];
    assert_eq!(e.release.to_string(), "2007-03-27");
    let b = &e.body;
    assert_eq!(
        (
            b.notes.len(),
            b.paths.len(),
            b.services.len(),
            b.data.len(),
            b.tasks.len()
        ),
        (1, 1, 1, 1, 1)
    );
    assert!(b.discovery.as_ref().is_some_and(|d| d.value.automatic));
    assert_eq!((b.advise.len(), b.unsupported.len()), (1, 1));
}

#[test]
fn discovery_and_applies_to_take_their_forms() {
    let p = wrap("versions 2007-07-11\ndiscovery none \"see KB 462\"\napplies-to 2007-07-11");
    assert!(p
        .base
        .discovery
        .is_some_and(|d| !d.value.automatic && d.value.reason.is_some()));
    assert!(matches!(p.applies_to.map(|a| a.value), Some(AppliesTo::Releases(r)) if r.len() == 1));
}

#[test]
fn versions_compare_numerically_per_component() {
    assert!(Version::parse("5.10").expect("v") > Version::parse("5.9").expect("v"));
    assert_eq!(
        Version::parse("6").expect("v"),
        Version::parse("6.0").expect("v")
    );
}

#[test]
fn every_node_keeps_its_span() {
    let src = "amx \"t\" {\n    title \"T\"\n}\n";
    let p = ok(src);
    let t = p.title.expect("title");
    assert_eq!(&src[t.span.range()], "title \"T\"");
    assert_eq!(&src[t.value.span.range()], "\"T\"");
}

#[test]
fn crlf_line_endings_and_a_byte_order_mark_are_accepted() {
    ok("\u{FEFF}amx \"t\" {\r\n    title \"T\"\r\n}\r\n");
}

#[test]
fn impossible_dates_are_rejected() {
    for d in ["2007-02-30", "2007-13-01", "2007-00-10", "2006-02-29"] {
        assert_eq!(
            err_code(&format!("amx \"t\" {{\n versions {d}\n}}")),
            6,
            "{d}"
        );
    }
    ok("amx \"t\" {\n versions 2008-02-29\n}");
}

#[test]
fn keywords_need_a_word_boundary() {
    assert_eq!(err_code("amx \"t\" {\n titles \"x\"\n}"), 1);
}

/// A data block of `n` filter lines, each naming its line number, under a condition.
fn big_data_block(n: usize) -> String {
    let mut s = String::from("amx \"t\" {\n    data when app >= 2.0 {\n");
    for i in 0..n {
        s.push_str(&format!(
            "        files include 'C:\\App\\f{i}\\**' as data\n"
        ));
    }
    s.push_str("    }\n}\n");
    s
}

#[test]
fn large_data_bodies_parse_in_chunks_into_the_same_items() {
    // many 16 KiB chunks
    let src = big_data_block(5000);
    let p = ok(&src);
    assert_eq!(p.base.data.len(), 5000);
    for (i, item) in p.base.data.iter().enumerate() {
        let DataRule::Filter { pattern, .. } = &item.value else {
            panic!("a filter")
        };
        assert_eq!(pattern.value, format!("C:\\App\\f{i}\\**"));
        // spans point into the whole file, and the block's condition reaches every item
        assert_eq!(&src[pattern.span.range()], format!("'C:\\App\\f{i}\\**'"));
        assert_eq!(
            item.when.as_ref().map(|c| c.to_string()).as_deref(),
            Some("app >= 2.0")
        );
    }
}

#[test]
fn a_syntax_error_deep_in_a_large_body_is_located_and_worded_as_in_a_small_one() {
    let mut src = big_data_block(5000);
    let bad = src.find("'C:\\App\\f4321\\**' as data").expect("line");
    src.replace_range(
        bad + "'C:\\App\\f4321\\**' ".len()..bad + "'C:\\App\\f4321\\**' as data".len(),
        "bogus",
    );
    let p = parse(0, &src);
    assert_eq!(p.diagnostics.len(), 1);
    let d = &p.diagnostics[0];
    assert_eq!(d.code.0, 1);
    assert_eq!(
        d.primary.as_ref().map(|l| l.span.start()),
        Some(bad + "'C:\\App\\f4321\\**' ".len())
    );
    assert_eq!(
        d.message,
        "expected the end of the statement (a new line or `;`), `when`, `}`, `as` or `because`, found `bogus`"
    );
}

#[test]
fn the_earliest_syntax_error_wins_between_a_body_and_the_rest() {
    // an error after the data block, and one inside it: the one inside comes first
    let mut src = big_data_block(3000).replace("    }\n}\n", "    }\n    title oops\n}\n");
    assert_eq!(err_code(&src), 1);
    let late = src.find("oops").expect("oops");
    let p = parse(0, &src);
    assert_eq!(
        p.diagnostics[0].primary.as_ref().map(|l| l.span.start()),
        Some(late)
    );
    let early = src.find("as data").expect("as data");
    src.replace_range(early..early + 2, "xx");
    let p = parse(0, &src);
    assert_eq!(
        p.diagnostics[0].primary.as_ref().map(|l| l.span.start()),
        Some(early)
    );
}

#[test]
fn a_nul_after_a_brace_is_an_error_not_a_skipped_body() {
    let p = parse(
        0,
        "amx \"t\" {\n    data {\0 files include 'C:\\A\\**'\n    }\n}\n",
    );
    assert!(
        p.diagnostics.iter().any(|d| d.is_error()),
        "{:#?}",
        p.diagnostics
    );
}

/// The rules of `grammar/amx.pest` of the shape `NAME = @{ ("a" | "b" | …) ~ !wc }` (or one
/// word without parentheses), with their words.
fn word_rules() -> Vec<(String, Vec<String>)> {
    let grammar = std::fs::read_to_string("grammar/amx.pest").expect("grammar");
    grammar
        .lines()
        .filter_map(|line| {
            let (name, body) = line.split_once(" = @{ ")?;
            let body = body.strip_suffix(" ~ !wc }")?;
            let body = body.trim_start_matches('(').trim_end_matches(')');
            let words: Option<Vec<String>> = body
                .split(" | ")
                .map(|w| {
                    w.strip_prefix('"')
                        .and_then(|w| w.strip_suffix('"'))
                        .map(str::to_string)
                })
                .collect();
            Some((name.to_string(), words?))
        })
        .collect()
}

#[test]
fn the_keyword_table_lists_every_keyword_rule_of_the_grammar() {
    let in_grammar: Vec<(String, String)> = word_rules()
        .into_iter()
        .filter(|(n, _)| n.starts_with("k_"))
        .map(|(n, w)| (n, w.concat()))
        .collect();
    let in_table: Vec<(String, String)> = amxc::parse::keywords::KEYWORDS
        .iter()
        .map(|(r, w)| (format!("{r:?}"), w.to_string()))
        .collect();
    assert_eq!(in_table, in_grammar);
}

#[test]
fn every_value_word_of_the_grammar_has_exactly_one_meaning() {
    let rules = word_rules();
    for (rule, words) in keywords::all() {
        let (_, in_grammar) = rules
            .iter()
            .find(|(n, _)| n == rule)
            .unwrap_or_else(|| panic!("no rule `{rule}` in the grammar"));
        assert_eq!(&words, in_grammar, "words of `{rule}`");
    }
    // and every value has its word: emitters never fall back
    for c in [
        DataClass::Config,
        DataClass::Data,
        DataClass::Log,
        DataClass::Definitions,
        DataClass::Other,
    ] {
        assert!(keywords::DATA_CLASS.word(&c).is_some(), "{c:?}");
    }
    for k in [
        TaskKind::Network,
        TaskKind::PreStart,
        TaskKind::PostStart,
        TaskKind::PreStop,
        TaskKind::PostStop,
        TaskKind::PreShadow,
        TaskKind::PostShadow,
        TaskKind::RuleAction,
    ] {
        assert_eq!(keywords::TASK_KIND.word(&k), Some(k.keyword()), "{k:?}");
    }
}

#[test]
fn a_release_listed_twice_is_reported_and_counted_once() {
    let p = parse(
        0,
        "amx \"t\" {\n    versions 2007-03-27, 2007-07-11, 2007-03-27\n}\n",
    );
    let d = p.diagnostics.first().expect("a diagnostic");
    assert_eq!(d.code.0, 12);
    assert!(
        d.message.contains("2007-03-27 is listed twice"),
        "{}",
        d.message
    );
    let versions = p.value.and_then(|p| p.versions).expect("versions").value;
    assert_eq!(versions.len(), 2);
}

#[test]
fn a_zero_interval_is_its_own_error_not_a_missing_at() {
    let p = parse(
        0,
        "amx \"t\" {\n    versions 2007-07-11\n    tasks {\n        task \"x\" {\n            at periodic every 0s\n            run 'C:\\x.exe'\n        }\n    }\n}\n",
    );
    let codes: Vec<u16> = p.diagnostics.iter().map(|d| d.code.0).collect();
    assert_eq!(codes, vec![14], "{:?}", p.diagnostics);
}

#[test]
fn a_services_block_gives_every_service_its_on_failure_list_unless_one_gives_its_own() {
    let policy = |own: &str| {
        format!("// matrix: small.versions.yaml\namx \"fixture\" {{\n    versions 2007-07-11\n    services {{\n        on-failure recover-service, switchover\n        service Db\n        service Web {{ after Db{own} }}\n    }}\n}}\n")
    };
    // one list for all: dependent services agree, nothing to report
    let (sources, ds) = crate::support::check_text(&policy(""));
    crate::support::assert_no_findings(&sources, &ds);
    // an override that differs: AMX0312 at the override
    let (sources, ds) = crate::support::check_text(&policy("; on-failure log-warning"));
    let text = crate::support::short(&sources, &ds);
    assert!(text.contains("warning[AMX0312]"), "{text}");
    // the override wins in the compiled service set
    let parsed = amxc::parse::parse(0, &policy("; on-failure log-warning"));
    let p = parsed.value.expect("parses");
    let web = &p.base.services[1].value;
    assert_eq!(
        web.on_failure.len(),
        2,
        "the block's list, then the service's own"
    );
}

#[test]
fn a_condition_after_a_block_gets_a_fix_that_moves_it_before() {
    let text = "amx \"x\" {\n    versions 2007-07-11\n    services {\n        service A {\n            startup manual\n        } when arch == x64\n    }\n}\n";
    let parsed = amxc::parse::parse(0, text);
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.code.0 == 1)
        .expect("a syntax error");
    let fix = d.fix.as_ref().expect("a fix");
    let mut fixed = text.to_string();
    fixed.replace_range(fix.span.range(), &fix.replacement);
    assert!(fixed.contains("service A when arch == x64 {"), "{fixed}");
    let again = amxc::parse::parse(0, &fixed);
    assert!(!again.has_errors(), "{fixed}");
    let when = again.value.expect("parses").base.services[0].when.clone();
    assert!(when.is_some(), "the service carries the condition");
}

#[test]
fn every_independent_syntax_error_is_reported_in_one_run() {
    let src = "amx \"x\" {\n    versions 2020-01-01\n    services {\n        startup demnd\n        service 'A' { stop-timeout 5 minutes }\n        service 'B'\n    }\n    data {\n        files inclde 'C:\\App\\**'\n        files include 'C:\\App2\\**'\n    }\n}\n";
    let (policy, diags) = parse(0, src).into_parts();
    assert!(policy.is_none());
    let found: Vec<(u16, usize, String)> = diags
        .iter()
        .map(|d| {
            let at = d.primary.as_ref().map_or(0, |p| p.span.start());
            (d.code.0, src[..at].lines().count(), d.message.clone())
        })
        .collect();
    assert_eq!(
        found,
        [
            (1, 4, "expected a startup type (`manual`, `automatic`, `delayed-auto` or `disabled`), found `demnd`".to_string()),
            (1, 5, "expected a duration such as 30s, 10m, 4h or 1d, found `5`".to_string()),
            (1, 9, "expected `include` or `exclude`, found `inclde`".to_string()),
        ]
    );
    // the misspelt keyword gets its correction
    assert!(
        diags[2]
            .help
            .iter()
            .any(|h| h.contains("did you mean `include`?")),
        "{:?}",
        diags[2]
    );
    // an unclosed brace ends the search: nothing after it can be trusted
    let src = "amx \"x\" {\n    versions 2020-01-01\n    services {\n        startup demnd\n";
    let (_, diags) = parse(0, src).into_parts();
    assert_eq!(diags.len(), 1, "{diags:?}");
}
