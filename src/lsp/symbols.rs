//! The named things of a policy and where each is defined and used: path variables, services,
//! tasks and releases — what navigation, rename, references and the outline work on.

use crate::ast::{var_uses, AppliesTo, FailureAction, Policy};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Variable,
    Service,
    Task,
    Release,
}

impl Kind {
    pub fn word(self) -> &'static str {
        match self {
            Kind::Variable => "path variable",
            Kind::Service => "service",
            Kind::Task => "task",
            Kind::Release => "release",
        }
    }
}

/// One occurrence of a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub kind: Kind,
    /// The name, as Windows compares it (lower-cased).
    pub key: String,
    /// The name's text in the source (for a variable, without the `%`s).
    pub span: Span,
    /// Whether this occurrence defines the name (the first definition, for services declared
    /// again in an exception).
    pub def: bool,
}

/// Every occurrence, in source order.
pub fn index(policy: &Policy, text: &str) -> Vec<Symbol> {
    let mut out = Vec::new();
    let mut push = |kind, name: &str, span: Span, def| {
        out.push(Symbol {
            kind,
            key: name.to_ascii_lowercase(),
            span,
            def,
        })
    };
    for d in policy.path_definitions() {
        push(Kind::Variable, &d.name.text, d.name.span, true);
    }
    for (start, name) in uses(text) {
        push(
            Kind::Variable,
            name,
            Span::new(start + 1, start + 1 + name.len()),
            false,
        );
    }
    let mut defined = std::collections::HashSet::new();
    for (body, _) in policy.bodies() {
        for s in &body.services {
            let n = &s.value.name;
            let first = defined.insert((Kind::Service, n.text.to_ascii_lowercase()));
            push(Kind::Service, &n.text, name_span(text, n.span), first);
            for a in &s.value.after {
                for x in &a.value {
                    push(Kind::Service, &x.text, name_span(text, x.span), false);
                }
            }
            for f in &s.value.on_failure {
                for a in &f.value {
                    if let FailureAction::Task(t) = a {
                        push(Kind::Task, &t.text, name_span(text, t.span), false);
                    }
                }
            }
        }
        for t in &body.tasks {
            let n = &t.value.name;
            let first = defined.insert((Kind::Task, n.text.to_ascii_lowercase()));
            push(Kind::Task, &n.text, name_span(text, n.span), first);
        }
    }
    if let Some(v) = &policy.versions {
        for d in &v.value {
            push(Kind::Release, &d.to_string(), d.span, true);
        }
    }
    for e in &policy.exceptions {
        push(Kind::Release, &e.release.to_string(), e.release.span, false);
    }
    if let Some(a) = &policy.applies_to {
        if let AppliesTo::Releases(ds) = &a.value {
            for d in ds {
                push(Kind::Release, &d.to_string(), d.span, false);
            }
        }
    }
    out.sort_by_key(|s| s.span.start());
    out
}

/// The name inside a quoted name's span (`'MSSQL$X'` → `MSSQL$X`).
fn name_span(text: &str, span: Span) -> Span {
    match text.get(span.range()) {
        Some(t) if t.len() >= 2 && (t.starts_with('\'') || t.starts_with('"')) => {
            Span::new(span.start() + 1, span.end() - 1)
        }
        _ => span,
    }
}

/// `%name%` uses in the text outside `//` comments: the offset of the opening `%`, the name.
fn uses(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let code = &line[..comment_start(line)];
        out.extend(var_uses(code).map(|(p, n)| (line_start + p, n)));
        line_start += line.len();
    }
    out
}

/// Where a `//` comment starts on a line (outside quotes), or the line's length.
pub(crate) fn comment_start(line: &str) -> usize {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        match (quote, b[i]) {
            (None, b'\'' | b'"') => quote = Some(b[i]),
            (Some(q), c) if c == q => quote = None,
            (Some(b'"'), b'\\') => i += 1,
            (None, b'/') if b.get(i + 1) == Some(&b'/') => return i,
            _ => {}
        }
        i += 1;
    }
    line.len()
}

/// The occurrence at byte `offset` (the name, or just after it).
pub fn at(symbols: &[Symbol], offset: usize) -> Option<&Symbol> {
    symbols
        .iter()
        .find(|s| s.span.start() <= offset && offset <= s.span.end())
}

/// Every occurrence of the name of `s`.
pub fn same<'a>(symbols: &'a [Symbol], s: &Symbol) -> impl Iterator<Item = &'a Symbol> {
    let (kind, key) = (s.kind, s.key.clone());
    symbols
        .iter()
        .filter(move |x| x.kind == kind && x.key == key)
}
