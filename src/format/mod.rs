//! `amxc fmt`: one canonical layout for policies. Works on tokens, not on the AST, so that
//! every comment stays where it was: one statement per line, four spaces per block level,
//! single spaces between tokens, at most one blank line between statements, none at the start
//! or end of a block, `;` separators turned into line breaks. Only files that parse are
//! formatted; the result parses to the same AST (tested on every fixture and policy).

mod lex;

use lex::{lex, Tok};

/// The canonical layout of a file's text (which must parse), keeping what belongs to the file
/// rather than to the layout: a byte order mark stays, and a file with Windows line endings
/// keeps them (a checkout with `core.autocrlf` must pass `fmt --check`).
pub fn format_file(text: &str) -> String {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let crlf = body
        .find('\n')
        .is_some_and(|i| i > 0 && body.as_bytes()[i - 1] == b'\r');
    let formatted = format(body);
    let formatted = if crlf {
        formatted.replace('\n', "\r\n")
    } else {
        formatted
    };
    format!("{bom}{formatted}")
}

/// The canonical layout of `text` (which must parse).
pub fn format(text: &str) -> String {
    let mut p = Printer::default();
    for tok in lex(text) {
        p.token(tok);
    }
    p.finish()
}

#[derive(Default)]
struct Printer {
    out: String,
    line: String,
    line_depth: usize,
    depth: usize,
    parens: usize,
    /// The last token was a `,`: a line break that follows continues the statement.
    after_comma: bool,
    /// The current line must end before any other token (after `{`, `}`, `;`).
    need_flush: bool,
    /// A blank source line was seen since the last statement.
    pending_blank: bool,
    /// Tokens seen on the current source line.
    on_source_line: usize,
    /// Text of the previous token on this output line.
    prev: String,
}

impl Printer {
    fn flush(&mut self) {
        if !self.line.is_empty() {
            for _ in 0..self.line_depth {
                self.out.push_str("    ");
            }
            self.out.push_str(self.line.trim_end());
            self.out.push('\n');
            self.line.clear();
        }
        self.need_flush = false;
        self.prev.clear();
    }

    /// Start content: apply a pending flush and blank line, record the indentation.
    fn begin(&mut self, closing: bool) {
        if self.need_flush {
            self.flush();
        }
        if self.line.is_empty() {
            if self.pending_blank && !closing && !self.out.is_empty() && !self.out.ends_with("{\n")
            {
                self.out.push('\n');
            }
            self.pending_blank = false;
            self.line_depth = self.depth;
        }
    }

    fn push(&mut self, text: &str, space_before: bool) {
        if !self.line.is_empty() && space_before {
            self.line.push(' ');
        }
        self.line.push_str(text);
        self.prev = text.to_string();
    }

    fn token(&mut self, tok: Tok) {
        if !matches!(tok, Tok::Newline) {
            self.on_source_line += 1;
        }
        match tok {
            Tok::Newline => {
                if self.on_source_line == 0 && self.line.is_empty() {
                    self.pending_blank = true;
                }
                self.on_source_line = 0;
                if !(self.after_comma || self.parens > 0) {
                    self.flush();
                }
            }
            Tok::LineComment(c) => {
                // a trailing comment stays on its line; a comment alone starts a new one
                if self.line.is_empty() {
                    self.begin(false);
                }
                self.push(c.trim_end(), true);
                self.flush();
            }
            Tok::BlockComment(c) if c.contains('\n') => {
                self.flush();
                self.begin(false);
                self.line_depth = self.depth;
                self.line.push_str(c);
                self.flush();
            }
            Tok::Punct(";") if self.parens == 0 => {
                self.need_flush = true;
            }
            Tok::Punct("{") => {
                self.begin(false);
                self.push("{", true);
                self.depth += 1;
                self.need_flush = true;
                self.after_comma = false;
            }
            Tok::Punct("}") => {
                self.flush();
                self.depth = self.depth.saturating_sub(1);
                self.pending_blank = false;
                self.begin(true);
                self.push("}", true);
                self.need_flush = true;
                self.after_comma = false;
            }
            Tok::Punct(",") => {
                self.push(",", false);
                self.after_comma = true;
            }
            Tok::Punct("(") => {
                self.begin(false);
                let space = !(self.prev == "has" || self.prev == "(");
                self.push("(", space);
                self.parens += 1;
                self.after_comma = false;
            }
            Tok::Punct(")") => {
                self.push(")", false);
                self.parens = self.parens.saturating_sub(1);
            }
            Tok::Punct(p) | Tok::Word(p) | Tok::Str(p) | Tok::BlockComment(p) => {
                self.begin(false);
                let space = self.prev != "(";
                self.push(p, space);
                self.after_comma = false;
            }
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        let mut s = self.out.trim_start_matches('\n').to_string();
        while s.ends_with("\n\n") {
            s.pop();
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn statements_are_one_per_line_and_blocks_are_indented() {
        let src = "amx \"t\" {\ntitle   \"T\" ; about \"A\"\n\n\n  services { service S { after A,B } }\n}\n";
        assert_eq!(
            format(src),
            "amx \"t\" {\n    title \"T\"\n    about \"A\"\n\n    services {\n        service S {\n            after A, B\n        }\n    }\n}\n"
        );
    }

    #[test]
    fn comments_stay_where_they_were() {
        let src = "// head\namx \"t\" { // trailing brace comment\n  title \"T\"   // why\n  /* block */ about \"A\"\n}\n";
        assert_eq!(
            format(src),
            "// head\namx \"t\" { // trailing brace comment\n    title \"T\" // why\n    /* block */ about \"A\"\n}\n"
        );
    }

    #[test]
    fn conditions_keep_their_tight_spots() {
        let src = "amx \"t\" {\n advise \"x\" when not has( av ) and ( app >= 6.0 or management-ip )\n}\n";
        assert_eq!(
            format(src),
            "amx \"t\" {\n    advise \"x\" when not has(av) and (app >= 6.0 or management-ip)\n}\n"
        );
    }
}
