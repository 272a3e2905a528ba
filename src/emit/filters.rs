//! `filters.yaml` (and `filters.json`): the server's effective filter set, the snapshot set
//! and the unprotected set, each entry with its origin and any exception that overrode it.

use crate::ast::{FilterKind, FilterMode};
use crate::model::{EvFilter, Origin};
use crate::plan::Plan;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Version of the filter-set shape, bumped on incompatible change.
pub const FILTERS_FORMAT_VERSION: u32 = 1;

/// One filter of the set, with where it came from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub pattern: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub origin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overrides: Option<String>,
}

/// A base statement that an exception overrode on this server, with both origins.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OverriddenEntry {
    /// `files`, `registry`, `snapshot` or `unprotected`.
    pub kind: String,
    /// `include` or `exclude` for a filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    pub pattern: String,
    /// The base statement.
    pub origin: String,
    /// `replaced` (an exception filter of the same kind and pattern) or `protected` (an
    /// exception inclusion covering unprotected data).
    pub how: String,
    /// The exception statement, and its release.
    pub by: String,
    pub exception: String,
}

#[derive(Serialize, Deserialize, Default, Clone, Debug)]
pub struct Pair {
    #[serde(default)]
    pub include: Vec<Entry>,
    #[serde(default)]
    pub exclude: Vec<Entry>,
}

/// The whole `filters.yaml`.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
pub struct FilterSet {
    #[serde(default)]
    pub format_version: u32,
    #[serde(default)]
    pub generated_by: String,
    #[serde(default)]
    pub server: String,
    #[serde(default)]
    pub amx: String,
    #[serde(default)]
    pub release: String,
    #[serde(default)]
    pub configuration: IndexMap<String, serde_json::Value>,
    #[serde(default)]
    pub files: Pair,
    #[serde(default)]
    pub registry: Pair,
    #[serde(default)]
    pub snapshot: Pair,
    #[serde(default)]
    pub unprotected: Vec<Entry>,
    /// Every base statement an exception replaced or protected here (left out when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overridden: Vec<OverriddenEntry>,
}

fn entry(
    plan: &Plan,
    pattern: String,
    class: Option<&'static str>,
    reason: Option<String>,
    origin: &Origin,
) -> Entry {
    Entry {
        pattern,
        class: class.map(str::to_string),
        reason,
        origin: plan.origin(origin.span),
        exception: origin.exception.map(|d| d.to_string()),
        overrides: origin.overrides.map(|s| plan.origin(s)),
    }
}

/// The filter set of a plan.
pub fn filter_set(plan: &Plan) -> FilterSet {
    let mut configuration = IndexMap::new();
    for (k, v) in &plan.env.dims {
        configuration.insert(
            k.as_str().to_string(),
            serde_json::Value::String(v.text.clone()),
        );
    }
    configuration.insert(
        "components".into(),
        serde_json::Value::Array(
            plan.env
                .component_names()
                .into_iter()
                .map(|c| serde_json::Value::String(c.to_string()))
                .collect(),
        ),
    );
    configuration.insert(
        "management_ip".into(),
        serde_json::Value::Bool(plan.env.management_ip),
    );
    let mut set = FilterSet {
        format_version: FILTERS_FORMAT_VERSION,
        generated_by: plan.banner(),
        server: plan.target.server.clone(),
        amx: plan.input.policy.id.text.clone(),
        release: plan.target.release.to_string(),
        configuration,
        files: Pair::default(),
        registry: Pair::default(),
        snapshot: Pair::default(),
        unprotected: Vec::new(),
        overridden: Vec::new(),
    };
    for f in &plan.filters {
        let e = filter_entry(plan, f);
        let pair = match f.kind {
            FilterKind::Files => &mut set.files,
            FilterKind::Registry => &mut set.registry,
            FilterKind::Snapshot => &mut set.snapshot,
        };
        match f.mode {
            FilterMode::Include => pair.include.push(e),
            FilterMode::Exclude => pair.exclude.push(e),
        }
    }
    let mut unprotected: Vec<_> = plan.ev.unprotected.iter().collect();
    unprotected.sort_by_key(|u| u.pattern.key());
    for u in unprotected {
        set.unprotected.push(entry(
            plan,
            u.pattern.display.clone(),
            Some(u.class.as_str()),
            Some(u.because.clone()),
            &u.origin,
        ));
    }
    for o in &plan.overridden {
        set.overridden.push(OverriddenEntry {
            kind: o.kind.to_string(),
            mode: o.mode.map(|m| m.as_str().to_string()),
            pattern: o.pattern.clone(),
            origin: plan.origin(o.base),
            how: o.how.as_str().to_string(),
            by: plan.origin(o.by),
            exception: o.release.to_string(),
        });
    }
    set
}

fn filter_entry(plan: &Plan, f: &EvFilter) -> Entry {
    let class =
        (f.kind != FilterKind::Snapshot && f.mode == FilterMode::Include).then(|| f.class.as_str());
    entry(
        plan,
        f.pattern.display.clone(),
        class,
        f.because.clone(),
        &f.origin,
    )
}

pub fn filters_yaml(plan: &Plan) -> String {
    let body = super::yaml::to_string(&filter_set(plan));
    format!("# {}\n{body}", plan.banner())
}

pub fn filters_json(plan: &Plan) -> String {
    let mut s = serde_json::to_string_pretty(&filter_set(plan)).unwrap_or_default();
    s.push('\n');
    s
}
