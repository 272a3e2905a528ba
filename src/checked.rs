//! A policy on its way through the first stages: [`Loaded`] (read and parsed, with its
//! matrix), then [`Checked`] (validated without errors) — the one value that planning,
//! compiling, coverage and the fleet driver take.

use crate::ast::Policy;
use crate::diagnostic::Diagnostic;
use crate::matrix::Matrix;
use crate::source::FileId;

/// A parsed policy with its matrix, as read: either may be missing, the diagnostics say why.
pub struct Loaded {
    pub file: FileId,
    pub policy: Option<Policy>,
    pub matrix: Option<Matrix>,
    /// The matrix's file, when it was read.
    pub matrix_file: Option<FileId>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// A file refused before parsing (not a policy, too large, not UTF-8): its diagnostic only.
    pub fn refused(file: FileId, d: Diagnostic) -> Loaded {
        Loaded {
            file,
            policy: None,
            matrix: None,
            matrix_file: None,
            diagnostics: vec![d],
        }
    }

    /// Whether the policy's own text has an error (then it is not validated: its statements
    /// are incomplete).
    pub fn policy_failed(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.is_error() && d.primary.as_ref().is_some_and(|p| p.file == self.file))
    }

    /// The policy validated in every configuration of its matrix, unless it is missing or its
    /// text has an error.
    pub fn validate(&self) -> Option<crate::validate::Validation> {
        let policy = self.policy.as_ref()?;
        (!self.policy_failed()).then(|| crate::validate::validate(policy, self.matrix.as_ref()))
    }
}

/// What checking one loaded policy gave.
pub struct Checking {
    /// Every diagnostic: reading, parsing, the matrix, validation.
    pub diagnostics: Vec<Diagnostic>,
    /// Configurations validated.
    pub configurations: usize,
    /// Findings the policy acknowledges with `allow`.
    pub acknowledged: Vec<crate::validate::Acknowledged>,
    /// The policy, when it has a matrix and no error.
    pub checked: Option<Checked>,
}

/// A checked policy and what it was read from.
pub struct Checked {
    pub file: FileId,
    pub policy: Policy,
    pub matrix: Matrix,
    /// The policy's file name, as origins name it (`policy.amx`).
    pub name: String,
    /// Findings the policy acknowledges with `allow` (documented known issues), from validation.
    pub acknowledged: Vec<crate::validate::Acknowledged>,
    /// Offset of each line's start, for origins.
    line_starts: Vec<usize>,
}

impl Checked {
    /// `text` is the policy's text, read only for where its lines start.
    pub fn new(file: FileId, policy: Policy, matrix: Matrix, text: &str, name: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Checked {
            file,
            policy,
            matrix,
            name,
            acknowledged: Vec::new(),
            line_starts,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }
}
