//! Stage 1, parse: policy text → typed AST ([`crate::ast::Policy`]).
//!
//! scan (strings, comments, braces, depth) → data bodies, chunk by chunk in parallel
//! (bodies.rs) → pest grammar on the rest → builder (values, duplicates).
//! A syntax error stops the stage; up to `recover::MAX_SYNTAX_ERRORS` of them are reported
//! (recover.rs blanks the statement of each and parses again); the builder collects all it
//! finds.

mod bodies;
mod build;
mod expected;
mod grammar;
pub mod keywords;
mod recover;
mod scan;
mod strings;

pub use grammar::{AmxParser, Rule};
pub use scan::{MAX_DEPTH, MAX_STRING};

use crate::ast::{DataRule, Item, Policy};
use crate::diagnostic::{codes, Diagnostic, Staged};
use crate::source::{FileId, Span};
use pest::Parser;
use rustc_hash::FxHashMap;

/// Largest policy accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 64 * 1024 * 1024;

/// Parse one policy: the AST when the syntax was sound (with the builder's findings beside
/// it), and every diagnostic. Never panics; every failure is a diagnostic.
pub fn parse(file: FileId, text: &str) -> Staged<Policy> {
    let fail = Staged::fail;
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
    let first = match parse_once(file, text) {
        Ok(parsed) => return parsed,
        Err(d) => d,
    };
    // more syntax errors: each statement in error blanked in turn, the policy parsed again
    let mut errors = vec![first];
    if text.len() <= recover::MAX_RECOVERY_BYTES && !crate::cancel::requested() {
        let mut work = text.as_bytes().to_vec();
        while errors.len() < recover::MAX_SYNTAX_ERRORS
            && errors[errors.len() - 1].code == codes::SYNTAX
            && !crate::cancel::requested()
        {
            let at = start_of(&errors[errors.len() - 1]);
            if !recover::blank_statement(&mut work, at) {
                break;
            }
            // blanking keeps UTF-8: only ASCII bytes are written, over whole characters
            let Ok(again) = std::str::from_utf8(&work) else {
                break;
            };
            match parse_once(file, again) {
                Ok(_) => break,
                Err(d) if start_of(&d) > at => errors.push(d),
                Err(_) => break,
            }
        }
    }
    Staged::failed(errors)
}

fn start_of(d: &Diagnostic) -> usize {
    d.primary.as_ref().map_or(0, |p| p.span.start())
}

/// One parse: the policy and the builder's findings, or the first syntax error.
fn parse_once(file: FileId, text: &str) -> Result<Staged<Policy>, Diagnostic> {
    let fail = |d: Diagnostic| -> Result<Staged<Policy>, Diagnostic> { Err(d) };
    let scanned = match scan::scan(file, text) {
        Ok(s) => s,
        Err(d) => return fail(d),
    };
    let found = bodies::find(&scanned);
    let (prebuilt, body_error) = parse_bodies(file, &scanned, &found);
    let outline = bodies::blank(scanned, &found);
    let pairs = match AmxParser::parse(Rule::file, &outline) {
        Ok(p) => p,
        Err(e) => {
            // the first error in the text: the outline's, or a body's before it
            let d = expected::to_diagnostic(file, &outline, &e);
            return fail(match body_error {
                Some(b) if start_of(&b) < start_of(&d) => b,
                _ => d,
            });
        }
    };
    if let Some(d) = body_error {
        return fail(d);
    }
    let mut builder = build::Builder::new(file).with_bodies(prebuilt);
    let policy = pairs.into_iter().next().and_then(|p| builder.policy(p));
    Ok(Staged::new(policy, builder.diags))
}

/// The items of a data body (or a chunk of one) and the problems found building them.
type BodyItems = (Vec<Item<DataRule>>, Vec<Diagnostic>);
/// Chunks parsed at a time (a few per core).
const BATCH: usize = 8;

/// Each data body's items, by the body's offset.
type Prebuilt = FxHashMap<usize, BodyItems>;

/// Parse and build every data body chunk by chunk, in parallel; the first syntax error, if
/// any, in place of the rest.
fn parse_bodies(
    file: FileId,
    text: &str,
    found: &[bodies::Body],
) -> (Prebuilt, Option<Diagnostic>) {
    let work: Vec<(usize, usize, usize)> = found
        .iter()
        .flat_map(|&b| {
            bodies::chunks(text, b, bodies::CHUNK)
                .into_iter()
                .map(move |(s, e)| (b.start, s, e))
        })
        .collect();
    // Each body's items go into one vector reserved for all of them at once — every data
    // statement has a quoted pattern and takes at least `files include ''` and a separator,
    // so half the quotes and a 17th of the bytes bound their number (room never used costs
    // address space only) — and the chunks are parsed a batch at a time, so that few chunk
    // vectors exist at once.
    let mut prebuilt: Prebuilt = found
        .iter()
        .map(|b| {
            let body = &text.as_bytes()[b.start..b.end];
            let quotes = body.iter().filter(|&&c| c == b'\'' || c == b'"').count();
            let most = (quotes / 2).min(body.len() / 17) + 1;
            (b.start, (Vec::with_capacity(most), Vec::new()))
        })
        .collect();
    for batch in work.chunks(BATCH) {
        // a check that a newer edit supersedes stops here (its result is discarded)
        if crate::cancel::requested() {
            let d = Diagnostic::new(codes::INTERNAL, "the check was given up").at(
                file,
                Span::new(batch[0].1, batch[0].1),
                "here",
            );
            return (prebuilt, Some(d));
        }
        // a few chunks (most policies): no threads to start
        let results: Vec<Result<BodyItems, Diagnostic>> =
            crate::par::map(batch, 4, |&(_, s, e)| {
                let pairs = AmxParser::parse(Rule::data_items, &text[s..e])
                    .map_err(|err| expected::in_body(file, text, s, &err))?;
                let mut b = build::Builder::at(file, s);
                let items = pairs
                    .into_iter()
                    .next()
                    .map(|p| b.data_items(p))
                    .unwrap_or_default();
                Ok((items, b.diags))
            });
        for ((body, _, _), r) in batch.iter().zip(results) {
            match r {
                Ok((items, diags)) => {
                    let entry = prebuilt.entry(*body).or_default();
                    entry.0.extend(items);
                    entry.1.extend(diags);
                }
                // chunks are in text order: the first error is the earliest
                Err(d) => return (prebuilt, Some(d)),
            }
        }
    }
    (prebuilt, None)
}
