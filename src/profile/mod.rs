//! Target profiles: one real server — its name, installed release, a value for every matrix
//! dimension, components, management IP, drives and discovered path overrides — checked
//! against the matrix and the policy, every problem pointing into the YAML.

pub mod cluster;
mod load;

pub use load::{load, MAX_TARGET_BYTES};

use crate::ast::Date;
use crate::source::{FileId, Span};
use indexmap::IndexMap;

#[derive(Clone, Debug)]
pub struct Target {
    pub file: FileId,
    pub server: String,
    pub server_span: Span,
    pub release: Date,
    /// Value text per matrix dimension, in the matrix's order.
    pub dims: IndexMap<String, String>,
    pub components: Vec<String>,
    pub management_ip: Option<String>,
    /// Drive letters, upper-case, without colon.
    pub drives: Vec<char>,
    pub drives_span: Span,
    pub system_drive: String,
    pub paths: IndexMap<String, String>,
    /// Windows Server generation when no `os` dimension says it (`2003`, `2008`, …).
    pub os: Option<String>,
    /// The PowerShell the server has, when the profile states it (`powershell: "2.0"` or
    /// `none`); otherwise the one its Windows release ships.
    pub powershell: Option<crate::engine::windows::PowerShell>,
    /// The HA engine the profile names (`engine:`), with where; the command line's
    /// `--engine` gives it to profiles that do not (at the server's name).
    pub engine: Option<(&'static dyn crate::engine::Engine, Span)>,
    /// The failover-cluster role (`cluster:`), for servers that run failover clustering.
    pub cluster: Option<cluster::ClusterSpec>,
}

impl Target {
    /// The engine this server runs: as its profile (or `--engine`) names it, else the
    /// default engine.
    pub fn engine(&self) -> &'static dyn crate::engine::Engine {
        self.engine
            .map_or(crate::engine::default_engine(), |(e, _)| e)
    }
}

/// Names Windows reserves for devices: no file or folder can have them, with any extension.
/// [Microsoft, "Naming Files, Paths, and Namespaces"]
pub const RESERVED_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// [`is_plain_folder_name`] as the JSON Schema's (ECMA-262) pattern, built from the same rules.
pub fn plain_folder_name_pattern() -> String {
    let any_case = |w: &str| -> String {
        w.chars()
            .map(|c| {
                if c.is_ascii_alphabetic() {
                    format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let reserved: Vec<String> = RESERVED_NAMES.iter().map(|w| any_case(w)).collect();
    format!(
        "^(?!(?:{})(?:\\.|$))(?!.*\\.$)[A-Za-z0-9_-][A-Za-z0-9_.-]{{0,62}}$",
        reserved.join("|")
    )
}

/// Whether `name` can be a folder of its own on every platform: no separators, no `..`,
/// no reserved device names, nothing Windows forbids.
pub fn is_plain_folder_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").to_ascii_uppercase();
    !name.is_empty()
        && name.len() <= 63
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && !name.ends_with(['.', ' '])
        && !RESERVED_NAMES.contains(&stem.as_str())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
