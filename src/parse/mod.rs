//! Stage 1, parse: policy text → typed AST ([`crate::ast::Policy`]).
//!
//! scan (strings, comments, braces, depth) → pest grammar → builder (values, duplicates).
//! A syntax error stops the stage with one diagnostic; the builder collects all it finds.

mod build;
mod expected;
mod grammar;
mod scan;
mod strings;

pub use grammar::{AmxParser, Rule};
pub use scan::{MAX_DEPTH, MAX_STRING};

use crate::ast::Policy;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};
use pest::Parser;

/// Largest policy accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 64 * 1024 * 1024;

/// The result of parsing one file: the AST when the syntax was sound, and every diagnostic.
pub struct Parsed {
    pub policy: Option<Policy>,
    pub diagnostics: Vec<Diagnostic>,
    /// Where comments are, for tools that keep them.
    pub comments: Vec<Span>,
}

/// Parse one policy. Never panics; every failure is a diagnostic.
pub fn parse(file: FileId, text: &str) -> Parsed {
    let fail = |d: Diagnostic| Parsed {
        policy: None,
        diagnostics: vec![d],
        comments: Vec::new(),
    };
    if text.len() > MAX_POLICY_BYTES {
        return fail(
            Diagnostic::new(
                codes::TOO_LARGE,
                format!(
                    "policy is {} bytes, more than the limit of {MAX_POLICY_BYTES}",
                    text.len()
                ),
            )
            .at(file, Span::new(0, 0), "this file")
            .with_help("split the policy"),
        );
    }
    let scanned = match scan::scan(file, text) {
        Ok(s) => s,
        Err(d) => return fail(d),
    };
    let pairs = match AmxParser::parse(Rule::file, &scanned.text) {
        Ok(p) => p,
        Err(e) => return fail(expected::to_diagnostic(file, &scanned.text, &e)),
    };
    let mut builder = build::Builder::new(file);
    let policy = pairs.into_iter().next().and_then(|p| builder.policy(p));
    Parsed {
        policy,
        diagnostics: builder.diags,
        comments: scanned.comments,
    }
}
