//! What a policy is evaluated against: one configuration of the matrix, or one real server.

use crate::ast::{Date, Version};
use crate::matrix::{Config, DimKind, Matrix};
use indexmap::IndexMap;
use std::collections::BTreeSet;

/// A dimension's value in an environment.
#[derive(Clone, Debug, PartialEq)]
pub struct DimVal {
    pub text: String,
    /// Set for `version` dimensions.
    pub version: Option<Version>,
}

#[derive(Clone, Debug)]
pub struct Env {
    pub release: Date,
    pub dims: IndexMap<String, DimVal>,
    pub components: BTreeSet<String>,
    pub management_ip: bool,
    /// The system drive, `C:` unless a target says otherwise.
    pub system_drive: String,
    /// Path variable values discovered on a server; they win over the policy's.
    pub overrides: IndexMap<String, String>,
}

impl Env {
    /// The environment of one configuration of the matrix.
    pub fn of_config(m: &Matrix, c: &Config) -> Env {
        let dims = m
            .dimensions
            .iter()
            .zip(&c.values)
            .map(|(d, &v)| {
                let val = &d.values[v];
                let version = match d.kind {
                    DimKind::Version => val.version.clone(),
                    DimKind::Enum => None,
                };
                (
                    d.name.clone(),
                    DimVal {
                        text: val.text.clone(),
                        version,
                    },
                )
            })
            .collect();
        let components = m
            .components
            .iter()
            .enumerate()
            .filter(|(i, _)| c.has(*i))
            .map(|(_, comp)| comp.name.clone())
            .collect();
        Env {
            release: m.releases[c.release].date,
            dims,
            components,
            management_ip: c.management_ip,
            system_drive: "C:".to_string(),
            overrides: IndexMap::new(),
        }
    }

    /// x64 when the `arch` dimension says so.
    pub fn is_x64(&self) -> bool {
        self.dims.get("arch").is_some_and(|v| {
            v.text.eq_ignore_ascii_case("x64") || v.text.eq_ignore_ascii_case("amd64")
        })
    }

    /// Windows Server 2003 (or earlier) when the `os` dimension says so.
    pub fn is_legacy_os(&self) -> bool {
        self.dims
            .get("os")
            .and_then(|v| v.version.clone().or_else(|| Version::parse(&v.text)))
            .is_some_and(|v| v < Version(vec![2008]))
    }

    /// The HA product generation, from the `heartbeat` dimension.
    pub fn heartbeat(&self) -> Option<Version> {
        self.dims
            .get("heartbeat")
            .and_then(|v| v.version.clone().or_else(|| Version::parse(&v.text)))
    }
}

impl Env {
    /// The environment of one real server.
    pub fn of_target(m: &Matrix, t: &crate::target::Target) -> Env {
        let mut dims: IndexMap<String, DimVal> = m
            .dimensions
            .iter()
            .filter_map(|d| {
                let text = t.dims.get(&d.name)?.clone();
                let version = match d.kind {
                    DimKind::Version => Version::parse(&text),
                    DimKind::Enum => None,
                };
                Some((d.name.clone(), DimVal { text, version }))
            })
            .collect();
        if let Some(os) = &t.os {
            dims.entry("os".to_string()).or_insert(DimVal {
                text: os.clone(),
                version: Version::parse(os),
            });
        }
        Env {
            release: t.release,
            dims,
            components: t.components.iter().cloned().collect(),
            management_ip: t.management_ip.is_some(),
            system_drive: t.system_drive.clone(),
            overrides: t.paths.clone(),
        }
    }
}
