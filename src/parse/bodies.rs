//! Data block bodies, parsed on their own.
//!
//! A policy's size is in its `data { … }` blocks: thousands of one-line filter statements.
//! Parsed as part of the whole file, every one of them would sit in pest's token queue at
//! once. Instead the bodies are found here (a lexical pass over the scanned text, which
//! knows strings), cut at line ends into chunks of about [`CHUNK`] bytes, and each chunk is
//! parsed with the grammar's `data_items` rule and built into items straight away — in
//! parallel, keeping memory bounded by the chunk size. The bodies are then blanked behind a
//! NUL marker, which the grammar's `parsed_body` rule skips in one step.
//!
//! Inside a data body a line end always ends a statement (strings cannot span lines), so the
//! chunks together accept exactly what the body would have accepted whole.

use super::scan::{is_word_byte, string_close};

/// Bytes per chunk, at least (a chunk ends at the first line end after this many). pest's
/// token queue for a chunk is several times its size and grows by doubling; at 16 KiB the
/// queues freed between chunks are small enough to be reused rather than held (64 KiB chunks
/// left the 100,000-filter check 3-4 MB higher at the same speed).
pub const CHUNK: usize = 16 * 1024;

/// Byte range of a data block's body: just after its `{` to its `}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Body {
    pub start: usize,
    pub end: usize,
}

/// The end of the string that opens at `i`: past its quote, or where its line ends.
fn string_end(b: &[u8], i: usize) -> usize {
    string_close(b, i).unwrap_or_else(|at| at)
}

/// The bodies of `data` blocks whose `{` is followed by white space, in text order.
/// `text` is the scanned text (comments blanked, braces balanced).
pub fn find(text: &str) -> Vec<Body> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut at_start = true;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' | b';' | b'{' | b'}' => {
                at_start = true;
                i += 1;
            }
            b'"' | b'\'' => {
                at_start = false;
                i = string_end(b, i);
            }
            c if is_word_byte(c) => {
                let word_start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                if at_start && &b[word_start..i] == b"data" {
                    if let Some(body) = body_after(b, i) {
                        out.push(body);
                        i = body.end;
                        continue;
                    }
                }
                at_start = false;
            }
            _ => {
                at_start = false;
                i += 1;
            }
        }
    }
    out
}

/// The body of the block whose header continues at `i` (after `data`), if its `{` is on the
/// same line and followed by white space.
fn body_after(b: &[u8], mut i: usize) -> Option<Body> {
    while i < b.len() {
        match b[i] {
            b'{' => break,
            b'\n' | b'\r' | b';' | b'}' => return None,
            b'"' | b'\'' => i = string_end(b, i),
            _ => i += 1,
        }
    }
    let start = i + 1;
    if !matches!(b.get(start), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        return None;
    }
    let mut depth = 1usize;
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'"' | b'\'' => {
                j = string_end(b, j);
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(Body { start, end: j });
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// A body cut after line ends into ranges of at least `size` bytes (the last may be shorter).
pub fn chunks(text: &str, body: Body, size: usize) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = body.start;
    while from < body.end {
        let want = (from + size).min(body.end);
        let cut = b[want..body.end]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(body.end, |p| want + p + 1);
        out.push((from, cut));
        from = cut;
    }
    out
}

/// The text with every body blanked to spaces behind a NUL marker.
pub fn blank(text: String, bodies: &[Body]) -> String {
    let mut bytes = text.into_bytes();
    for body in bodies {
        bytes[body.start..body.end].fill(b' ');
        bytes[body.start] = 0;
    }
    // only whole characters were replaced, by ASCII bytes
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_data_bodies_and_nothing_that_only_looks_like_one() {
        let text = "amx \"x\" {\n    data when has(\"a{b\") {\n        files include 'C:\\{g}\\**' as data\n    }\n    services { service data }\n    data {files include 'C:\\A'}\n}\n";
        let found = find(text);
        assert_eq!(found.len(), 1);
        let body = &text[found[0].start..found[0].end];
        assert!(body.contains("files include 'C:\\{g}\\**' as data"));
        assert!(body.trim_end().ends_with("as data"));
    }

    #[test]
    fn chunks_end_at_line_ends_and_cover_the_body() {
        let text = "{\na\nbb\nccc\ndddd\n}";
        let body = Body {
            start: 1,
            end: text.len() - 1,
        };
        let parts = chunks(text, body, 3);
        assert_eq!(parts.first().map(|p| p.0), Some(body.start));
        assert_eq!(parts.last().map(|p| p.1), Some(body.end));
        for w in parts.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert_eq!(&text[w[0].1 - 1..w[0].1], "\n");
        }
    }

    #[test]
    fn blanking_keeps_every_offset() {
        let text = "data {\n é\n}".to_string();
        let bodies = find(&text);
        let out = blank(text.clone(), &bodies);
        assert_eq!(out.len(), text.len());
        assert!(out.starts_with("data {\0"));
        assert!(out.ends_with(" }"));
    }
}
