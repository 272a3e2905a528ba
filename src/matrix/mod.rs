//! The version matrix: the KB "Versions" sister article as data. It declares the dimensions of
//! the configuration space, the optional components, which platform combinations exist, and per
//! release version what it supports and what supersedes it.

mod load;
mod space;

pub use load::{load, matrix_path_for, MAX_MATRIX_BYTES};
pub use space::{enumerate, platforms, Claims, Config, Space, MAX_CONFIGURATIONS};

use crate::ast::{Date, Version};
use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DimKind {
    /// Values are dotted versions, ordered numerically; or, where any is a label such as
    /// `2008 R2`, ordered by their place in `values`.
    Version,
    /// Values are names without order.
    Enum,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DimValue {
    pub text: String,
    pub span: Span,
    /// Parsed for `version` dimensions.
    pub version: Option<Version>,
}

#[derive(Clone, Debug)]
pub struct Dimension {
    pub name: String,
    /// The name interned: what environments and conditions look the dimension up by.
    pub sym: crate::filters::Sym,
    pub span: Span,
    pub kind: DimKind,
    pub values: Vec<DimValue>,
    /// A version dimension with labels (`2008 R2`): its values in order, shared by every
    /// environment, which compares them by their place here.
    pub ladder: Option<std::sync::Arc<[DimValue]>>,
}

/// The index of the value written `text` among a version dimension's `values`: by its text (a
/// label such as `2008 R2`, in any case), else numerically (`6` is `6.0`).
pub fn version_index(values: &[DimValue], text: &str) -> Option<usize> {
    values
        .iter()
        .position(|x| x.text.eq_ignore_ascii_case(text.trim()))
        .or_else(|| {
            let v = Version::parse(text)?;
            values.iter().position(|x| x.version.as_ref() == Some(&v))
        })
}

impl Dimension {
    /// Index of the value written `text` (numerically for version dimensions: `6` is `6.0`).
    pub fn value_index(&self, text: &str) -> Option<usize> {
        match self.kind {
            DimKind::Version => version_index(&self.values, text),
            DimKind::Enum => self.values.iter().position(|x| x.text == text).or_else(|| {
                self.values
                    .iter()
                    .position(|x| x.text.eq_ignore_ascii_case(text))
            }),
        }
    }

    pub fn domain(&self) -> String {
        self.values
            .iter()
            .map(|v| v.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Clone, Debug)]
pub struct Component {
    pub name: String,
    /// The name interned: what environments and `has(…)` look the component up by.
    pub sym: crate::filters::Sym,
    pub description: String,
    pub span: Span,
}

/// A restriction: for each named dimension, the value indices allowed.
#[derive(Clone, Debug, Default)]
pub struct Restriction {
    pub span: Span,
    pub allowed: Vec<(usize, Vec<usize>, Span)>,
}

impl Restriction {
    pub fn admits(&self, values: &[usize]) -> bool {
        self.allowed
            .iter()
            .all(|(d, set, _)| values.get(*d).is_some_and(|v| set.contains(v)))
    }

    pub fn allowed_for(&self, dim: usize) -> Option<&[usize]> {
        self.allowed
            .iter()
            .find(|(d, _, _)| *d == dim)
            .map(|(_, s, _)| s.as_slice())
    }
}

#[derive(Clone, Debug)]
pub struct Release {
    pub date: Date,
    pub supports: Restriction,
    pub superseded_by: Option<Date>,
    pub known_issues: Vec<String>,
    /// The HA engines the release runs on, when the matrix says (`engines:`); every engine
    /// otherwise.
    pub engines: Option<Vec<&'static dyn crate::engine::Engine>>,
}

impl Release {
    /// Whether the release runs on `engine`.
    pub fn runs_on(&self, engine: &dyn crate::engine::Engine) -> bool {
        self.engines
            .as_ref()
            .is_none_or(|es| es.iter().any(|e| e.kind() == engine.kind()))
    }

    /// The engine whose checks apply to the release's configurations: the default engine
    /// when the release runs on it, else the first it names.
    pub fn checked_engine(&self) -> &'static dyn crate::engine::Engine {
        let default = crate::engine::default_engine();
        match &self.engines {
            Some(es) if !self.runs_on(default) => es.first().copied().unwrap_or(default),
            _ => default,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Matrix {
    pub file: FileId,
    pub amx: Option<(String, Span)>,
    pub kb: Option<u64>,
    pub title: Option<String>,
    pub dimensions: Vec<Dimension>,
    pub components: Vec<Component>,
    /// Empty when every combination exists.
    pub platforms: Vec<Restriction>,
    pub releases: Vec<Release>,
}

impl Matrix {
    pub fn dimension(&self, name: &str) -> Option<usize> {
        self.dimensions.iter().position(|d| d.name == name)
    }

    pub fn component(&self, name: &str) -> Option<usize> {
        self.components.iter().position(|c| c.name == name)
    }

    pub fn release(&self, date: &Date) -> Option<usize> {
        self.releases
            .iter()
            .position(|r| r.date.key() == date.key())
    }

    /// Whether some platform row admits these values.
    pub fn platform_exists(&self, values: &[usize]) -> bool {
        self.platforms.is_empty() || self.platforms.iter().any(|p| p.admits(values))
    }
}
