//! `%name%` uses in strings: the one scanner every stage shares (resolution, validation's
//! grouping, diagnostics that point at a use), and where each use lies in the source, so that
//! no stage after parsing reads the source text again.

use super::Str;
use crate::source::Span;

/// Whether `s` can name a path variable: a letter or `_`, then letters, digits and `_ . $ - ( )`
/// (so that `%ProgramFiles(x86)%` is one name).
pub fn is_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$' | '-' | '(' | ')'))
}

/// Each `%name%` use in `text`, in order: the offset of its opening `%` and the name. A `%`
/// that does not open a valid name is literal, and scanning goes on after it.
pub fn var_uses(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let p = from + text.get(from..)?.find('%')?;
        let after = &text[p + 1..];
        let q = after.find('%')?;
        let name = &after[..q];
        if is_var_name(name) {
            from = p + q + 2;
            return Some((p, name));
        }
        from = p + 1;
    })
}

impl Str {
    /// The `%name%` uses of the value, each with its span in the source.
    pub fn uses(&self) -> impl Iterator<Item = (Span, &str)> {
        let at = self.use_offsets.as_deref();
        var_uses(&self.value)
            .enumerate()
            .map(move |(k, (p, name))| {
                let len = name.len() + 2;
                let start = match at {
                    // the value is not the source text (escapes, doubled quotes): recorded
                    Some(offsets) => offsets.get(k).copied(),
                    None => Some(self.span.start() + 1 + p),
                };
                let span = start.map_or(self.span, |s| Span::new(s, s + len));
                (span, name)
            })
    }

    /// The span of the first use of `%name%` (exact name), or the whole string.
    pub fn use_span(&self, name: &str) -> Span {
        self.uses()
            .find(|(_, n)| *n == name)
            .map_or(self.span, |(s, _)| s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_percent_is_literal_and_scanning_goes_on() {
        let found: Vec<(usize, &str)> = var_uses("50% of %A% and %B c% %C%").collect();
        assert_eq!(found, vec![(7, "A"), (21, "C")]);
    }

    #[test]
    fn uses_point_into_the_source_even_after_escapes() {
        // the value of "a\\b\\%X%" is `a\b\%X%`: two bytes shorter than its source text
        let text = "title \"a\\\\b\\\\%X%\"\n";
        let policy = format!("amx \"t\" {{\n    versions 2007-03-27\n    {text}}}\n");
        let parsed = crate::parse::parse(0, &policy);
        let title = parsed.value.and_then(|p| p.title).expect("title");
        let span = title.value.use_span("X");
        assert_eq!(&policy[span.range()], "%X%");
        // a literal string: value and source agree
        let s = Str::synthetic("C:\\%Install%\\x".into(), Span::new(10, 26));
        assert_eq!(s.use_span("Install"), Span::new(14, 23));
    }
}
