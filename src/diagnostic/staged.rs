//! The one shape every stage gives back: its value when it could make one, and every
//! diagnostic it raised on the way — warnings and notes beside a value, errors beside none or
//! a partial one.

use super::Diagnostic;

/// What a stage gave: `value` is `None` when the stage could not make one (the diagnostics
/// say why). A value may come with errors when later stages can still use it (a parsed
/// policy with duplicate names is still checked for more); [`Staged::usable`] is the value
/// only when nothing is an error.
#[derive(Debug)]
#[must_use]
pub struct Staged<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Staged<T> {
    pub fn new(value: Option<T>, diagnostics: Vec<Diagnostic>) -> Self {
        Staged { value, diagnostics }
    }

    /// A stage that made nothing.
    pub fn failed(diagnostics: Vec<Diagnostic>) -> Self {
        Staged {
            value: None,
            diagnostics,
        }
    }

    /// A stage that stopped at one diagnostic.
    pub fn fail(diagnostic: Diagnostic) -> Self {
        Self::failed(vec![diagnostic])
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn into_parts(self) -> (Option<T>, Vec<Diagnostic>) {
        (self.value, self.diagnostics)
    }

    /// The value when no diagnostic is an error, and the diagnostics either way.
    pub fn usable(self) -> (Option<T>, Vec<Diagnostic>) {
        let value = if self.has_errors() { None } else { self.value };
        (value, self.diagnostics)
    }

    /// The value turned into another, diagnostics kept.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Staged<U> {
        Staged {
            value: self.value.map(f),
            diagnostics: self.diagnostics,
        }
    }

    /// The next stage run on this one's value; the diagnostics of both, in order.
    pub fn then<U>(self, f: impl FnOnce(T) -> Staged<U>) -> Staged<U> {
        let mut diagnostics = self.diagnostics;
        let value = self.value.and_then(|v| {
            let next = f(v);
            diagnostics.extend(next.diagnostics);
            next.value
        });
        Staged { value, diagnostics }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{codes, Severity};

    fn error() -> Diagnostic {
        Diagnostic::new(codes::TARGET_SCHEMA, "bad").with_severity(Severity::Error)
    }
    fn warning() -> Diagnostic {
        Diagnostic::new(codes::TARGET_SCHEMA, "odd").with_severity(Severity::Warning)
    }

    #[test]
    fn a_value_with_an_error_is_not_usable_and_keeps_every_diagnostic() {
        let (v, ds) = Staged::new(Some(1), vec![warning(), error()]).usable();
        assert_eq!(v, None);
        assert_eq!(ds.len(), 2);
        let (v, ds) = Staged::new(Some(1), vec![warning()]).usable();
        assert_eq!((v, ds.len()), (Some(1), 1));
    }

    #[test]
    fn then_runs_the_next_stage_only_on_a_value_and_keeps_diagnostics_in_order() {
        let s = Staged::new(Some(2), vec![warning()])
            .then(|v| Staged::new(Some(v * 10), vec![error()]));
        assert_eq!(s.value, Some(20));
        assert_eq!(s.diagnostics.len(), 2);
        assert!(s.diagnostics[1].is_error());
        let mut ran = false;
        let s: Staged<i32> = Staged::<i32>::fail(error()).then(|v| {
            ran = true;
            Staged::new(Some(v), vec![])
        });
        assert!(!ran && s.value.is_none() && s.diagnostics.len() == 1);
    }
}
