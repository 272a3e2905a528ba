//! One environment lowered whole (a real server, or one configuration): what holds there
//! (`lower::evaluate`) with its data rules resolved as the product applies them — those that
//! hold, what the exceptions replace or protect, and the effective filter set. The semantics is
//! `relate`'s, the same that validation applies to every group of configurations.

use super::{data_items, replicated, write_items, Holding, Override, Relations, State};
use crate::ast::Policy;
use crate::diagnostic::Diagnostic;
use crate::lower::{evaluate, exception_applies, holds, Env};
use crate::model::{EvData, EvFilter, EvUnprotected, Evaluated, Origin};
use rustc_hash::FxHashMap as HashMap;

/// An environment lowered whole.
pub struct Lowered {
    /// What holds, its filters and unprotected data included (`filters`: every filter that
    /// holds and is not replaced, in rule order), and every path that does not resolve here
    /// in `problems`.
    pub ev: Evaluated,
    /// The effective filters among them: covered inclusions and exclusions outside every
    /// inclusion left out.
    pub effective: Vec<EvFilter>,
    /// Data written on the passive that this environment replicates (AMX0317), each with the
    /// finding's text and its span.
    pub written: Vec<(String, crate::source::Span)>,
    /// Every base rule that holds here and that an exception rule replaced or protected.
    pub overridden: Vec<Overridden>,
}

/// `policy` lowered in `env`, data rules included: the one model planning (and through it
/// coverage, explain-path, verify and every emitter) reads.
pub fn lowered(policy: &Policy, env: &Env) -> Lowered {
    let mut ev = evaluate(policy, env);
    let data = DataSet::of(policy, env);
    ev.problems.extend(data.problems);
    ev.filters = data.all;
    ev.unprotected = data.unprotected;
    Lowered {
        ev,
        effective: data.effective,
        written: data.written,
        overridden: data.overridden,
    }
}

/// A server's data rules, resolved.
struct DataSet {
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
    fn of(policy: &Policy, env: &Env) -> DataSet {
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
                    crate::ast::DataRule::Filter { kind, mode, .. } => {
                        (kind.keyword(), Some(*mode))
                    }
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
