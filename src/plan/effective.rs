//! The data rules of one server: those that hold, what the exceptions replace or protect, and
//! the effective filter set — what the product actually uses. The semantics is `relate`'s, the
//! same that validation applies in every configuration.

use crate::checked::Checked;
use crate::diagnostic::Diagnostic;
use crate::lower::{exception_applies, holds, Env, EvData, EvFilter, EvUnprotected, Origin};
use crate::relate::{data_items, replicated, write_items, Holding, Override, Relations, State};
use rustc_hash::FxHashMap as HashMap;

/// A server's data rules, resolved.
pub struct DataSet {
    /// Filters that hold and are not replaced, in rule order (base first).
    pub all: Vec<EvFilter>,
    /// The effective ones among them: covered inclusions and exclusions outside every
    /// inclusion left out.
    pub effective: Vec<EvFilter>,
    /// Unprotected data that holds and no exception protects.
    pub unprotected: Vec<EvUnprotected>,
    /// Patterns that do not resolve, or are not valid filters, here.
    pub problems: Vec<Diagnostic>,
    /// Data written on the passive that this server replicates (AMX0317), each with the
    /// finding's text and its span.
    pub written: Vec<(String, crate::source::Span)>,
    /// Every base rule that holds here and that an exception rule replaced or protected.
    pub overridden: Vec<Overridden>,
}

/// A base rule an exception overrode on this server, with both origins.
#[derive(Clone, Debug)]
pub struct Overridden {
    /// `files`, `registry`, `snapshot` or `unprotected`.
    pub kind: &'static str,
    /// `include` or `exclude` for a filter.
    pub mode: Option<crate::ast::FilterMode>,
    /// As resolved on this server.
    pub pattern: String,
    /// The base statement.
    pub base: crate::source::Span,
    /// The exception statement that overrode it, and its release.
    pub by: crate::source::Span,
    pub release: crate::ast::Date,
    pub how: Override,
}

impl DataSet {
    pub fn of(input: &Checked, env: &Env) -> DataSet {
        let policy = &input.policy;
        let items = data_items(policy);
        let applies: Vec<bool> = policy
            .exceptions
            .iter()
            .map(|e| exception_applies(e, env))
            .collect();
        let active: Vec<bool> = items
            .iter()
            .map(|d| {
                d.exception.is_none_or(|k| applies[k as usize])
                    && holds(d.item.when.as_deref(), env)
            })
            .collect();
        let (rel, mut patterns) = Relations::build_keeping(policy, env, &items, true);
        let here = Holding::new(&rel, &active);
        let overridden: HashMap<usize, usize> =
            here.overridden(&items, &active).into_iter().collect();
        let mut out = DataSet {
            all: Vec::new(),
            effective: Vec::new(),
            unprotected: Vec::new(),
            problems: Vec::new(),
            written: Vec::new(),
            overridden: Vec::new(),
        };
        for (b, d) in items.iter().enumerate() {
            if d.exception.is_some() || !active[b] {
                continue;
            }
            let Some(pattern) = patterns[b].as_ref() else {
                continue;
            };
            for (x, how) in here.overridden_by(b, &active) {
                let Some(k) = items[x].exception else {
                    continue;
                };
                let (kind, mode) = match &d.item.value {
                    crate::ast::DataRule::Filter { kind, mode, .. } => (
                        match kind {
                            crate::ast::FilterKind::Files => "files",
                            crate::ast::FilterKind::Registry => "registry",
                            crate::ast::FilterKind::Snapshot => "snapshot",
                        },
                        Some(*mode),
                    ),
                    crate::ast::DataRule::Unprotected { .. } => ("unprotected", None),
                };
                out.overridden.push(Overridden {
                    kind,
                    mode,
                    pattern: pattern.display.clone(),
                    base: d.item.span,
                    by: items[x].item.span,
                    release: policy.exceptions[k as usize].release,
                    how,
                });
            }
        }
        let writes = write_items(policy);
        let writes_active: Vec<bool> = writes
            .iter()
            .map(|w| w.exception.is_none_or(|k| applies[k as usize]) && holds(w.when, env))
            .collect();
        for r in replicated(&rel, &here, env, &writes, &writes_active, &mut out.problems) {
            let w = &writes[r.write];
            let by = patterns[r.include]
                .as_ref()
                .map_or(String::new(), |p| p.display.clone());
            let mut text = format!(
                "`{}` is written on the passive by {}",
                r.written.display,
                w.who()
            );
            if let Some(b) = w.because() {
                text.push_str(&format!(" ({b})"));
            }
            text.push_str(&format!(" and replicated by `{by}`"));
            out.written.push((text, w.pattern.span));
        }
        for (i, d) in items.iter().enumerate() {
            if !active[i] {
                continue;
            }
            if let Some(p) = rel.problem_of(i) {
                out.problems.push(p.clone());
                continue;
            }
            if !here.on(i) {
                continue;
            }
            let rule = &d.item.value;
            let Some(pattern) = patterns[i].take() else {
                continue; // a failure is in `problems`
            };
            let origin = Origin {
                span: d.item.span,
                exception: d.exception.map(|k| policy.exceptions[k as usize].release),
                overrides: overridden.get(&i).map(|&b| items[b].item.span),
            };
            match EvData::new(rule, pattern, origin) {
                EvData::Filter(f) => {
                    if here.state(i) == State::Effective {
                        out.effective.push(f.clone());
                    }
                    out.all.push(f);
                }
                EvData::Unprotected(u) => out.unprotected.push(u),
            }
        }
        out
    }
}
