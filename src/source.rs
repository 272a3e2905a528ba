//! The files a run reads (policies, version matrices, target profiles), so that every
//! diagnostic can point into any of them by `FileId` and byte range.

use codespan_reporting::files::{Files, SimpleFiles};
use std::ops::Range;

/// Index of a file in a [`SourceMap`].
pub type FileId = usize;

/// A byte range inside one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

/// A 1-based line and column, as editors count them (column in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Every file read during a run, with its display name.
#[derive(Default)]
pub struct SourceMap {
    files: SimpleFiles<String, String>,
    count: usize,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.count += 1;
        self.files.add(name.into(), text.into())
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.name().as_str())
            .unwrap_or("<unknown>")
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Line and column of a byte offset, clamped into the file.
    pub fn line_col(&self, id: FileId, offset: usize) -> LineCol {
        let text = self.text(id);
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        match self.files.location(id, offset) {
            Ok(loc) => LineCol {
                line: loc.line_number,
                column: loc.column_number,
            },
            Err(_) => LineCol { line: 1, column: 1 },
        }
    }

    pub(crate) fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }
}
