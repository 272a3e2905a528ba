//! What a policy is evaluated against: one configuration of the matrix, or one real server.

use crate::ast::{Date, Version};
use crate::engine::{self, windows, Engine};
use crate::filters::Sym;
use crate::matrix::{Config, DimKind, Matrix};
use indexmap::IndexMap;

/// The dimensions of an environment, by interned name (looked up by name too: a [`Sym`]
/// borrows as its text), in the matrix's order.
pub type Dims = IndexMap<Sym, DimVal, rustc_hash::FxBuildHasher>;

/// A dimension's value in an environment.
#[derive(Clone, Debug, PartialEq)]
pub struct DimVal {
    pub text: String,
    /// Set for `version` dimensions.
    pub version: Option<Version>,
    /// A version dimension with labels: its values in order (`Dimension::ladder`), and this
    /// value's place among them, by which conditions compare it.
    pub ladder: Option<std::sync::Arc<[crate::matrix::DimValue]>>,
    pub rank: Option<usize>,
}

impl DimVal {
    /// The place of `text` on this value's ladder, if it has one.
    pub fn rank_of(&self, text: &str) -> Option<usize> {
        crate::matrix::version_index(self.ladder.as_deref()?, text)
    }
}

impl DimVal {
    /// Value `v` of matrix dimension `d`.
    pub fn of(d: &crate::matrix::Dimension, v: usize) -> DimVal {
        let val = &d.values[v];
        DimVal {
            text: val.text.clone(),
            version: match d.kind {
                DimKind::Version => val.version.clone(),
                DimKind::Enum => None,
            },
            ladder: d.ladder.clone(),
            rank: d.ladder.as_ref().map(|_| v),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Env {
    pub release: Date,
    pub dims: Dims,
    /// The components present, by interned name.
    /// (In no order: a few, looked up by address.)
    pub components: Vec<Sym>,
    pub management_ip: bool,
    /// The system drive, `C:` unless a target says otherwise.
    pub system_drive: String,
    /// Path variable values discovered on a server; they win over the policy's.
    pub overrides: IndexMap<String, String>,
    /// The HA engine that runs the policy here.
    pub engine: &'static dyn Engine,
}

impl Env {
    /// The environment of one configuration of the matrix.
    pub fn of_config(m: &Matrix, c: &Config) -> Env {
        let dims = m
            .dimensions
            .iter()
            .zip(&c.values)
            .map(|(d, &v)| (d.sym, DimVal::of(d, v)))
            .collect();
        let components = m
            .components
            .iter()
            .enumerate()
            .filter(|(i, _)| c.has(*i))
            .map(|(_, comp)| comp.sym)
            .collect();
        Env {
            release: m.releases[c.release].date,
            dims,
            components,
            management_ip: c.management_ip,
            system_drive: "C:".to_string(),
            overrides: IndexMap::new(),
            engine: m.releases[c.release].checked_engine(),
        }
    }

    /// The names of the components present, in name order (a [`Sym`] orders as its text).
    pub fn component_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.components.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// x64 when the architecture dimension says so.
    pub fn is_x64(&self) -> bool {
        self.dims
            .get(windows::DIM_ARCH)
            .is_some_and(|v| windows::is_x64(&v.text))
    }

    /// Windows Server 2003 (or earlier) when the Windows release dimension says so.
    pub fn is_legacy_os(&self) -> bool {
        self.version_of(windows::DIM_OS)
            .is_some_and(|v| windows::is_legacy(&v))
    }

    /// The HA product generation, from its dimension.
    pub fn heartbeat(&self) -> Option<Version> {
        self.version_of(windows::DIM_PRODUCT)
    }

    /// The product generation as the matrix writes it (empty when not stated).
    pub fn heartbeat_text(&self) -> String {
        self.dims
            .get(windows::DIM_PRODUCT)
            .map_or(String::new(), |v| v.text.clone())
    }

    /// Whether the engine's generation here has exclusion filters.
    pub fn has_exclusions(&self) -> bool {
        self.engine.has_exclusions(self.heartbeat().as_ref())
    }

    /// The Windows release the `os` dimension (or the profile) names.
    pub fn os(&self) -> Option<&DimVal> {
        self.dims.get(windows::DIM_OS)
    }

    fn version_of(&self, dim: &str) -> Option<Version> {
        self.dims
            .get(dim)
            .and_then(|v| v.version.clone().or_else(|| Version::parse(&v.text)))
    }
}

impl Env {
    /// An environment with no dimension, component or management IP: where only what holds in
    /// every configuration can be evaluated (checking without a matrix).
    pub fn bare(release: Date) -> Env {
        Env {
            release,
            dims: Dims::default(),
            components: Vec::new(),
            management_ip: false,
            system_drive: "C:".to_string(),
            overrides: IndexMap::new(),
            engine: engine::default_engine(),
        }
    }

    /// The environment of one real server.
    pub fn of_target(m: &Matrix, t: &crate::profile::Target) -> Env {
        let mut dims: Dims = m
            .dimensions
            .iter()
            .filter_map(|d| {
                let text = t.dims.get(&d.name)?.clone();
                let version = match d.kind {
                    DimKind::Version => Version::parse(&text),
                    DimKind::Enum => None,
                };
                Some((
                    d.sym,
                    DimVal {
                        rank: d
                            .ladder
                            .as_deref()
                            .and_then(|l| crate::matrix::version_index(l, &text)),
                        text,
                        version,
                        ladder: d.ladder.clone(),
                    },
                ))
            })
            .collect();
        if let Some(os) = &t.os {
            dims.entry(Sym::new(windows::DIM_OS)).or_insert(DimVal {
                text: os.clone(),
                version: Version::parse(os),
                ladder: None,
                rank: None,
            });
        }
        Env {
            release: t.release,
            dims,
            components: t.components.iter().map(|c| Sym::new(c)).collect(),
            management_ip: t.management_ip.is_some(),
            system_drive: t.system_drive.clone(),
            overrides: t.paths.clone(),
            engine: t.engine(),
        }
    }
}
