//! One diagnostic model for every stage: parse errors, matrix and target problems, findings of
//! the configuration checks. Stages build [`Diagnostic`]s; `render` turns them into text.

pub mod codes;
pub mod findings;
mod render;
mod staged;
mod suggest;

pub use codes::{explain, Code, CodeInfo, CODES};
pub use render::{json_document, render, sarif_failure, Format};
pub use staged::Staged;
pub use suggest::closest;

use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An advisory: true and worth reading, never a failure.
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in a file, with what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A machine-applicable fix: replace a span of a file with new text. Editors offer it as a
/// code action; `--format json` carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for a person: `replace with `Install``.
    pub title: String,
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// The configurations of the checked space a finding holds in, when not all: a command
    /// for some servers reports only what holds for them. `None`: every configuration (or a
    /// diagnostic not about configurations).
    pub holds: Option<Holds>,
}

/// A set of configurations, by their index in the checked space (one bit each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holds(std::sync::Arc<[u64]>);

impl Holds {
    /// An empty set for a space of `total` configurations, to fill with [`Holds::insert`]
    /// before it is shared.
    pub fn words(total: usize) -> Vec<u64> {
        vec![0; total.div_ceil(64)]
    }

    pub fn insert(words: &mut [u64], config: usize) {
        words[config / 64] |= 1 << (config % 64);
    }

    pub fn new(words: Vec<u64>) -> Holds {
        Holds(words.into())
    }

    pub fn contains(&self, config: usize) -> bool {
        self.0
            .get(config / 64)
            .is_some_and(|w| w & (1 << (config % 64)) != 0)
    }
}

impl Diagnostic {
    /// A diagnostic with the code's default severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.info().severity,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
            holds: None,
        }
    }

    /// The fix: replace `span` of `file` with `replacement`.
    pub fn with_fix(
        mut self,
        file: FileId,
        span: Span,
        replacement: impl Into<String>,
        title: impl Into<String>,
    ) -> Self {
        self.fix = Some(Fix {
            title: title.into(),
            file,
            span,
            replacement: replacement.into(),
        });
        self
    }

    /// "did you mean `best`?" with the fix that writes it at `span`.
    pub fn with_suggestion(self, file: FileId, span: Span, best: &str) -> Self {
        self.with_help(format!("did you mean `{best}`?")).with_fix(
            file,
            span,
            best,
            format!("replace with `{best}`"),
        )
    }

    pub fn at(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.primary = Some(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_label(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, position, then code, so output follows the source.
    pub fn sort_key(&self) -> (usize, usize, u16) {
        match &self.primary {
            Some(l) => (l.file, l.span.start(), self.code.0),
            None => (usize::MAX, 0, self.code.0),
        }
    }
}
