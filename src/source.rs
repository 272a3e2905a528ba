//! The files a run reads (policies, version matrices, target profiles), so that every
//! diagnostic can point into any of them by `FileId` and byte range.

use codespan_reporting::files::{Error as FilesError, Files};
use std::ops::Range;
use std::sync::OnceLock;

/// Index of a file in a [`SourceMap`].
pub type FileId = usize;

/// A byte range inside one file, as two 32-bit offsets: inputs are limited far below 4 GiB
/// (a policy to [`crate::parse::MAX_POLICY_BYTES`]), and a syntax tree holds spans in every
/// node, so half the width is megabytes less for a policy of 100,000 statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

/// An offset as a span holds it (larger offsets, which no accepted input has, saturate).
fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start: offset(start),
            end: offset(end),
        }
    }

    /// Where the range starts, in bytes from the start of the file.
    pub fn start(self) -> usize {
        self.start as usize
    }

    /// Where the range ends (exclusive).
    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }
}

/// A 1-based line and column, as editors count them (column in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One file: its name, its text, and where its lines start — found only when a diagnostic is
/// rendered, as 32-bit offsets (inputs are limited far below 4 GiB), so that a file of many
/// short lines costs no more than its text until something points into it.
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .collect()
        })
    }
}

/// Every file of a run, as codespan-reporting reads them.
#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.files
            .get(id)
            .map(|f| f.name.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        self.files
            .get(id)
            .map(|f| f.text.as_str())
            .ok_or(FilesError::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let f = self.files.get(id).ok_or(FilesError::FileMissing)?;
        Ok(f.line_starts()
            .partition_point(|&s| s as usize <= byte_index)
            .saturating_sub(1))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.files.get(id).ok_or(FilesError::FileMissing)?;
        let starts = f.line_starts();
        let start = *starts.get(line_index).ok_or(FilesError::LineTooLarge {
            given: line_index,
            max: starts.len().saturating_sub(1),
        })? as usize;
        let end = starts
            .get(line_index + 1)
            .map_or(f.text.len(), |&e| e as usize);
        Ok(start..end)
    }
}

/// Every file read during a run, with its display name.
#[derive(Default)]
pub struct SourceMap {
    files: Sources,
    count: usize,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.count += 1;
        self.files.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        });
        self.files.files.len() - 1
    }

    pub fn name(&self, id: FileId) -> &str {
        self.files
            .files
            .get(id)
            .map_or("<unknown>", |f| f.name.as_str())
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files.files.get(id).map_or("", |f| f.text.as_str())
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

    pub(crate) fn files(&self) -> &Sources {
        &self.files
    }
}
