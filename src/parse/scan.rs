//! The scanner: one linear pass before the grammar. It finds the problems a PEG parser reports
//! badly or at great cost — unterminated strings and comments (reported where they open),
//! unbalanced braces, nesting beyond the limit — and blanks comments out so that the grammar
//! never recurses on them. Offsets and line breaks are kept, so spans stay true.

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};

/// Deepest nesting of blocks, parentheses and `not` chains accepted.
pub const MAX_DEPTH: usize = 64;
/// Longest string accepted, in bytes.
pub const MAX_STRING: usize = 65_536;

/// The text with comments blanked (offsets and line breaks kept).
pub fn scan(file: FileId, text: &str) -> Result<String, Diagnostic> {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut braces: Vec<usize> = Vec::new();
    let mut suspicious: Option<(usize, usize)> = None;
    let mut parens = 0usize;
    let mut nots = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                    out[i] = b' ';
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut depth = 0usize;
                loop {
                    if i >= b.len() {
                        return Err(Diagnostic::new(
                            codes::UNTERMINATED_COMMENT,
                            "block comment is never closed",
                        )
                        .at(
                            file,
                            Span::new(start, start + 2),
                            "this comment is never closed",
                        )
                        .with_help(
                            "add `*/`; block comments nest, so each `/*` inside needs its own `*/`",
                        ));
                    }
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        blank(&mut out, i, 2);
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        blank(&mut out, i, 2);
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        blank(&mut out, i, 1);
                        i += 1;
                    }
                }
                continue;
            }
            b'"' | b'\'' => {
                i = string_end(file, b, i)?;
                nots = 0;
                continue;
            }
            b'{' => {
                braces.push(i);
                if braces.len() > MAX_DEPTH {
                    return Err(too_deep(file, i, "blocks"));
                }
            }
            b'}' => match braces.pop() {
                Some(open) => {
                    if suspicious.is_none() && indent_of(b, open) != indent_of(b, i) {
                        suspicious = Some((open, i));
                    }
                }
                None => {
                    return Err(Diagnostic::new(
                        codes::UNEXPECTED_CLOSE,
                        "unexpected `}`: no block is open here",
                    )
                    .at(file, Span::new(i, i + 1), "this `}` closes nothing")
                    .with_help("remove it, or add the `{` it was meant to close"));
                }
            },
            b'(' => {
                parens += 1;
                if parens + nots > MAX_DEPTH {
                    return Err(too_deep(file, i, "parentheses"));
                }
            }
            b')' => parens = parens.saturating_sub(1),
            b'\n' | b';' => {
                parens = 0;
                nots = 0;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                if &b[start..i] == b"not" {
                    nots += 1;
                    if parens + nots > MAX_DEPTH {
                        return Err(too_deep(file, start, "`not` operators"));
                    }
                } else {
                    nots = 0;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(&outer) = braces.first() {
        let mut d = Diagnostic::new(codes::UNCLOSED_BRACE, "unclosed `{` at end of file")
            .at(
                file,
                Span::new(outer, outer + 1),
                "this `{` is never closed",
            )
            .with_help("add the missing `}`");
        if let Some((open, close)) = suspicious {
            d = d
                .with_label(
                    file,
                    Span::new(open, open + 1),
                    "perhaps this block lacks its `}`",
                )
                .with_label(
                    file,
                    Span::new(close, close + 1),
                    "…as this `}`, indented differently, closes it",
                );
        }
        return Err(d);
    }
    collapse_blank_lines(&mut out);
    let text = String::from_utf8(out).map_err(|_| {
        Diagnostic::new(
            codes::INTERNAL,
            "internal error: the scanner broke UTF-8, please report",
        )
    })?;
    Ok(text)
}

/// A run of blank (or comment-only) lines is one line end for the grammar: every line end
/// after the first of a run becomes a space. Offsets stay, and so do the spans diagnostics
/// point at (lines are counted in the source, not here); 60 MB of blank lines cost what 60 MB
/// of spaces cost, not a token each.
fn collapse_blank_lines(out: &mut [u8]) {
    let mut in_run = false;
    let mut i = 0;
    while i < out.len() {
        match out[i] {
            b'\r' | b'\n' => {
                if in_run {
                    out[i] = b' ';
                } else {
                    in_run = true;
                    // the first line end of the run stays whole, `\r\n` included
                    if out[i] == b'\r' && out.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                }
            }
            b' ' | b'\t' => {}
            _ => in_run = false,
        }
        i += 1;
    }
}

fn blank(out: &mut [u8], at: usize, n: usize) {
    for byte in &mut out[at..at + n] {
        if *byte != b'\n' && *byte != b'\r' {
            *byte = b' ';
        }
    }
}

pub(super) fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$' | b'-')
}

/// Indentation (leading spaces and tabs) of the line holding `at`.
fn indent_of(b: &[u8], at: usize) -> usize {
    let line_start = b[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    b[line_start..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

fn too_deep(file: FileId, at: usize, what: &str) -> Diagnostic {
    Diagnostic::new(
        codes::TOO_DEEP,
        format!("{what} nest deeper than {MAX_DEPTH} levels"),
    )
    .at(
        file,
        Span::new(at, at + 1),
        format!("level {} starts here", MAX_DEPTH + 1),
    )
    .with_help(
        "flatten the structure; amxc limits nesting so that hostile input cannot exhaust its stack",
    )
}

/// Where the string that opens at `start` ends: `Ok` just past its closing quote, or `Err`
/// at the line end (or text end) reached without one. Shared with `bodies.rs`.
pub(super) fn string_close(b: &[u8], start: usize) -> Result<usize, usize> {
    let quote = b[start];
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\n' | b'\r' => return Err(i),
            b'\\' if quote == b'"' => {
                if matches!(b.get(i + 1), Some(b'\n' | b'\r') | None) {
                    return Err(i);
                }
                i += 2;
                continue;
            }
            c if c == quote => {
                if quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Ok(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    Err(b.len())
}

/// Offset just past the string that opens at `start`, or the diagnostic for it.
fn string_end(file: FileId, b: &[u8], start: usize) -> Result<usize, Diagnostic> {
    let quote = b[start];
    if let Ok(end) = string_close(b, start) {
        let len = end - start - 2;
        if len > MAX_STRING {
            return Err(Diagnostic::new(
                codes::STRING_TOO_LONG,
                format!("string is {len} bytes long, more than the limit of {MAX_STRING}"),
            )
            .at(file, Span::new(start, start + 1), "this string")
            .with_help("shorten it; no Windows path or name comes near this length"));
        }
        return Ok(end);
    }
    let q = if quote == b'"' { "\"" } else { "'" };
    Err(
        Diagnostic::new(codes::UNTERMINATED_STRING, "string is never closed")
            .at(
                file,
                Span::new(start, start + 1),
                format!("this `{q}` opens a string that does not end on its line"),
            )
            .with_help(format!(
                "close it with `{q}` before the end of the line; strings cannot span lines"
            )),
    )
}
