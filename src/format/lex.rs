//! Tokens for the formatter: the scanner's view of the language, comments included.

#[derive(Debug, PartialEq, Eq)]
pub enum Tok<'a> {
    Word(&'a str),
    /// A string, quotes and escapes as written.
    Str(&'a str),
    Punct(&'a str),
    LineComment(&'a str),
    BlockComment(&'a str),
    Newline,
}

const PUNCT2: &[&str] = &["==", "!=", "<=", ">="];
const PUNCT1: &[u8] = b"{}(),;=<>";

pub fn lex(text: &str) -> Vec<Tok<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' {
            i += 1;
            continue;
        }
        if text[i..].starts_with('\u{FEFF}') {
            i += 3;
            continue;
        }
        if c == b'\r' {
            i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            out.push(Tok::Newline);
            continue;
        }
        if c == b'\n' {
            i += 1;
            out.push(Tok::Newline);
            continue;
        }
        let start = i;
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                i += 1;
            }
            out.push(Tok::LineComment(&text[start..i]));
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(Tok::BlockComment(&text[start..i.min(b.len())]));
            continue;
        }
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != b'\n' {
                if c == b'"' && b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == c {
                    if c == b'\'' && b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            out.push(Tok::Str(&text[start..i.min(b.len())]));
            continue;
        }
        if let Some(p) = PUNCT2.iter().find(|p| text[i..].starts_with(**p)) {
            out.push(Tok::Punct(p));
            i += 2;
            continue;
        }
        if PUNCT1.contains(&c) {
            out.push(Tok::Punct(&text[i..i + 1]));
            i += 1;
            continue;
        }
        while i < b.len()
            && !matches!(b[i], b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'')
            && !PUNCT1.contains(&b[i])
            && !text[i..].starts_with("//")
            && !text[i..].starts_with("/*")
            && !text[i..].starts_with("!=")
        {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        if i == start {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
        out.push(Tok::Word(&text[start..i]));
    }
    out
}
