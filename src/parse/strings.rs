//! Unescaping double-quoted strings: `\\ \" \n \t \u{HEX}`, nothing else.

/// The unescaped text, or (offset, length, message) of the first bad escape.
pub fn unescape(raw: &str) -> Result<String, (usize, usize, String)> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err((i, 1, "a string cannot end with a lone `\\`".into()));
        };
        match e {
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'u' => {
                let rest = &raw[i + 2..];
                let bad = |len: usize| {
                    (
                        i,
                        len,
                        "invalid unicode escape: write `\\u{` with 1 to 6 hex digits and `}`"
                            .to_string(),
                    )
                };
                if !rest.starts_with('{') {
                    return Err(bad(2));
                }
                let Some(close) = rest.find('}') else {
                    return Err(bad(2));
                };
                let hex = &rest[1..close];
                let len = 2 + close + 1;
                if hex.is_empty() || hex.len() > 6 {
                    return Err(bad(len));
                }
                let ch = u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| bad(len))?;
                out.push(ch);
                for _ in 0..close + 1 {
                    chars.next();
                }
            }
            other => {
                return Err((
                    i,
                    1 + other.len_utf8(),
                    format!("unknown escape `\\{other}` in a double-quoted string"),
                ));
            }
        }
    }
    Ok(out)
}
