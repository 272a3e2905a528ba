//! Syntax errors past the first: after an error, the statement that holds it is blanked —
//! spaces in place of its text, line breaks kept, so every later offset is unchanged — and the
//! policy is parsed again, until it parses, an error does not move forward, or
//! [`MAX_SYNTAX_ERRORS`] are found. A statement is its line; a line that opens a block takes
//! the block with it, and a `}` that closes an outer block stays, so the braces still pair.
//! Only an error inside a statement is recovered from: after one in the text's structure (an
//! unterminated string, an unclosed or stray brace) nothing later can be trusted.

/// Syntax errors reported per run at most.
pub const MAX_SYNTAX_ERRORS: usize = 10;

/// Largest policy that is parsed again to find more errors (each retry parses it whole).
pub const MAX_RECOVERY_BYTES: usize = 4 * 1024 * 1024;

/// Blank the statement holding byte `at` in `text`; whether anything but white space was
/// blanked (no progress otherwise).
pub fn blank_statement(text: &mut [u8], at: usize) -> bool {
    if text.is_empty() {
        return false;
    }
    let at = at.min(text.len() - 1);
    // the line: an error reported at a line break belongs to the line it ends
    let start = text[..at]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let mut end = text[at..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(text.len(), |i| at + i);
    if text[start..end].iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = start;
    let mut blanked = false;
    while i < end {
        let c = text[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'/' if text.get(i + 1) == Some(&b'/') => {
                    // a comment: to the end of the line
                    while i < end {
                        text[i] = b' ';
                        i += 1;
                    }
                    break;
                }
                b'{' => depth += 1,
                b'}' if depth == 0 => {
                    // closes a block the statement is in: kept
                    i += 1;
                    continue;
                }
                b'}' => depth -= 1,
                _ => {}
            },
        }
        if c != b'\n' && c != b'\r' {
            if !c.is_ascii_whitespace() {
                blanked = true;
            }
            text[i] = b' ';
        }
        i += 1;
        if i == end && depth > 0 && end == text.len() {
            // a block that never closes: nothing sound is left to parse
            return false;
        }
        // a block the line opened: blanked with it, to its closing brace
        if i == end && depth > 0 && end < text.len() {
            end = text[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(text.len(), |k| i + k + 1)
                .min(text.len());
            quote = None;
        }
    }
    blanked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blank(text: &str, at: &str) -> String {
        let mut b = text.as_bytes().to_vec();
        let pos = text.find(at).expect("marker");
        assert!(blank_statement(&mut b, pos));
        String::from_utf8(b).expect("ascii")
    }

    #[test]
    fn a_statement_is_blanked_with_the_block_it_opens_and_not_the_brace_it_closes() {
        let sp = |n: usize| " ".repeat(n);
        let t = "a {\n  startup demnd\n  b\n}\n";
        assert_eq!(blank(t, "demnd"), format!("a {{\n{}\n  b\n}}\n", sp(15)));
        let t = "x {\n  service 'S' {\n    y\n  }\n  z\n}\n";
        assert_eq!(
            blank(t, "service"),
            format!("x {{\n{}\n{}\n{}\n  z\n}}\n", sp(15), sp(5), sp(3))
        );
        let t = "s { startup demnd }\nnext\n";
        assert_eq!(blank(t, "demnd"), format!("{}\nnext\n", sp(19)));
        let t = "  bad }\n";
        assert_eq!(blank(t, "bad"), format!("{}}}\n", sp(6)));
        // braces inside strings do not count
        let t = "title \"{\"\nnext\n";
        assert_eq!(blank(t, "title"), format!("{}\nnext\n", sp(9)));
    }
}
