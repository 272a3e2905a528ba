//! Quoting values for the shells the scripts run in. A value reaches a script only through
//! these functions; what cannot be quoted safely is refused before any script is written.

/// A PowerShell single-quoted literal: nothing inside expands. PowerShell also treats the
/// typographic single quotes U+2018–U+201B as quote characters, so they are doubled too.
pub fn ps(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            s.push(c);
        }
        s.push(c);
    }
    s.push('\'');
    s
}

/// A cmd `set "NAME=value"` line. Inside the quotes `& | < > ^ ( )` are literal; `%` is
/// doubled because batch files expand it even there; `!` is literal because every script
/// runs with delayed expansion disabled. Values holding `"` or control characters never get
/// here (see [`crate::plan::unsafe_reason`]).
pub fn cmd_set(var: &str, value: &str) -> String {
    format!("set \"{var}={}\"", value.replace('%', "%%"))
}

/// A line of text for a `REM` comment or an `echo`, with every character that cmd would
/// interpret replaced by a safe stand-in.
pub fn cmd_comment(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '%' | '^' | '&' | '|' | '<' | '>' | '!' | '"' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A `#` comment line for PowerShell: a line break would end it.
pub fn ps_comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Windows command-line quoting of one argument (the rules CommandLineToArgvW reverses).
pub fn win_arg(arg: &str) -> String {
    if !arg.is_empty() && !arg.contains([' ', '\t', '"']) {
        return arg.to_string();
    }
    let mut s = String::from("\"");
    let mut backslashes = 0;
    for c in arg.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                s.push_str(&"\\".repeat(backslashes * 2 + 1));
                s.push('"');
                backslashes = 0;
            }
            c => {
                s.push_str(&"\\".repeat(backslashes));
                s.push(c);
                backslashes = 0;
            }
        }
    }
    s.push_str(&"\\".repeat(backslashes * 2));
    s.push('"');
    s
}

/// Text inside an HTML (Markdown) comment `<!-- … -->`: it may hold no `--` (which `-->`
/// and `--!>` need) and not end with `-`, so no input can close the comment early.
pub fn html_comment(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "- -");
    }
    if s.ends_with('-') {
        s.push(' ');
    }
    s
}

/// Text from an input (a server's or policy's name, a path) inside Markdown that a pull
/// request renders: nothing in it can open a code span, a link, an image, an HTML tag or an
/// entity, or end the line. HTML's special characters become entities; the punctuation that
/// means something inline (code, emphasis, links, images, tables) is backslash-escaped
/// (CommonMark lets any be), so it reads as itself in text and between `<code>` tags alike.
pub fn md_inline(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            c if c.is_control() => s.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '#' | '|' | '~' | '{' | '}' => {
                s.push('\\');
                s.push(c);
            }
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_opens_nothing() {
        let m = md_inline("a`b</code></summary>![x](http://e/i.png)\n[l](u)&amp;");
        for bad in ["`", "<", "![", "](", "\n"] {
            let unescaped = m.match_indices(bad).any(|(i, _)| !m[..i].ends_with('\\'));
            assert!(
                !unescaped || bad == "\n" && !m.contains('\n'),
                "{bad} in {m}"
            );
        }
        assert!(!m.contains('<') && !m.contains('\n'));
        assert_eq!(md_inline("EXCH01"), "EXCH01");
    }

    #[test]
    fn powershell_literals_double_every_kind_of_single_quote() {
        assert_eq!(ps("it's"), "'it''s'");
        assert_eq!(ps("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(ps("$(calc)`n"), "'$(calc)`n'");
    }

    #[test]
    fn nothing_closes_an_html_comment() {
        for t in ["a --> b", "--->", "x--!>y", "-", "a-\n-->"] {
            let c = html_comment(t);
            assert!(!c.contains("--") && !c.ends_with('-'), "{t:?} → {c:?}");
        }
    }

    #[test]
    fn cmd_values_double_percent_and_stay_quoted() {
        assert_eq!(cmd_set("X", "50% & calc"), "set \"X=50%% & calc\"");
    }

    #[test]
    fn windows_arguments_quote_spaces_and_trailing_backslashes() {
        assert_eq!(win_arg("-s"), "-s");
        assert_eq!(win_arg("C:\\Program Files\\"), "\"C:\\Program Files\\\\\"");
        assert_eq!(win_arg(""), "\"\"");
    }
}
