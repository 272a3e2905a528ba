//! Stage 2, validate: a policy against its version matrix, in every configuration.
//!
//! Names and types are checked once; then the configuration space is enumerated, grouped by
//! what the policy evaluates to, and each group is evaluated (stage 3) and checked. A finding
//! is reported once, at its source location; one that holds in only some configurations
//! names one of them.

mod budget;
mod claims;
mod data;
mod rebase;
mod services;
mod types;
mod unconditional;
mod variables;

use crate::ast::{Condition, Exception, Policy, Str};
use crate::diagnostic::{codes, Diagnostic};
use crate::lower::{eval, evaluate, Env, Resolver};
use crate::matrix::Matrix;
use crate::par;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

/// Configurations that evaluate alike: release, values of dimensions used in paths,
/// (x64, legacy OS, old heartbeat), and the truth of every condition.
type GroupKey = (usize, Vec<usize>, [bool; 3], Vec<bool>);
/// Configurations whose data rules hold alike: their path key, the truth of each data
/// condition, which exceptions apply, and whether the product generation lacks exclusions.
type DataKey = (PathKey, Vec<bool>, Vec<bool>, bool);
/// Where data patterns resolve to: each variable they use, whether registry keys move under
/// Wow6432Node, and the engine whose vetoes and dangers apply.
type PathKey = (Vec<Option<String>>, bool, &'static str);
/// A finding: code, primary span, message.
type FindingKey = (u16, usize, usize, String);

/// What validation found, and how many configurations it covered.
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    pub configurations: usize,
}

pub fn validate(policy: &Policy, matrix: Option<&Matrix>) -> Validation {
    validate_with(policy, matrix, true)
}

/// [`validate`] relating every path environment from scratch: the reference that reusing
/// relations (rebase.rs) must agree with, for tests.
pub fn validate_fresh(policy: &Policy, matrix: Option<&Matrix>) -> Validation {
    validate_with(policy, matrix, false)
}

fn validate_with(policy: &Policy, matrix: Option<&Matrix>, reuse: bool) -> Validation {
    let mut out = types::check(policy, matrix);
    out.extend(variables::check(policy));
    let Some(m) = matrix else {
        out.extend(unconditional::check(policy));
        return Validation {
            diagnostics: dedupe(out),
            configurations: 0,
        };
    };
    let (space, claim_diags) = claims::space(policy, m);
    out.extend(claim_diags);
    let Some(space) = space else {
        return Validation {
            diagnostics: dedupe(out),
            configurations: 0,
        };
    };
    let total = space.configs.len();
    let envs: Vec<Env> = space.configs.iter().map(|c| Env::of_config(m, c)).collect();
    let used = policy.var_names();
    let path_dims: Vec<usize> = m
        .dimensions
        .iter()
        .enumerate()
        .filter(|(_, d)| used.contains(&d.name.to_ascii_lowercase()))
        .map(|(i, _)| i)
        .collect();
    let mut findings = Findings::default();
    let declared = declared_services(policy);

    // services, tasks, advisories: grouped by the truth of every condition outside `data`
    let other = Distinct::new(policy.conditions_of(false));
    let mut groups: IndexMap<GroupKey, Vec<usize>> = IndexMap::new();
    for (i, (c, env)) in space.configs.iter().zip(&envs).enumerate() {
        let dims: Vec<usize> = path_dims.iter().map(|&d| c.values[d]).collect();
        let key = (
            c.release,
            dims,
            [env.is_x64(), env.is_legacy_os(), false],
            other.eval(env),
        );
        groups.entry(key).or_default().push(i);
    }
    // groups are evaluated independently (in parallel when the policy is large enough to
    // pay for the threads), their findings recorded in order
    let members: Vec<&Vec<usize>> = groups.values().collect();
    let found = par::map(&members, min_parallel(policy), |members| {
        let env = &envs[members[0]];
        let ev = evaluate(policy, env);
        let mut found = ev.problems.clone();
        services::check(
            policy.file,
            &ev,
            &|n| declared.contains(&n.to_ascii_lowercase()),
            &mut found,
        );
        budget::check(policy, env, &ev, &mut found);
        for a in &ev.advisories {
            found.push(Diagnostic::new(codes::ADVISORY, a.text.clone()).at(
                policy.file,
                a.span,
                "advisory",
            ));
        }
        found
    });
    for (found, members) in found.into_iter().zip(members) {
        findings.record(found, members);
    }

    // data: relations computed once per path environment, checked per group of configurations
    let items = crate::relate::data_items(policy);
    let exceptions: Vec<&Exception> = policy.exceptions.iter().collect();
    let mut data_conds = Distinct::new(Vec::new());
    let item_cond: Vec<Option<u32>> = items
        .iter()
        .map(|d| d.item.when.as_deref().map(|c| data_conds.id(c) as u32))
        .collect();
    // the variables data patterns use: configurations where they resolve alike share relations
    let vars = data_variables(&items);
    // each configuration's key, computed independently; grouped in configuration order
    let keys: Vec<DataKey> = par::map(&envs, min_parallel(policy), |env| {
        let r = Resolver::new(policy, env);
        let values: Vec<Option<String>> = vars
            .iter()
            .map(|v| {
                r.string(&Str::synthetic(format!("%{v}%"), Default::default()))
                    .ok()
            })
            .collect();
        let path_key = (values, r.wow64(), env.engine.name());
        let exc: Vec<bool> = exceptions
            .iter()
            .map(|e| crate::lower::exception_applies(e, env))
            .collect();
        let hb_old = !env.has_exclusions();
        (path_key, data_conds.eval(env), exc, hb_old)
    });
    let mut data_groups: IndexMap<DataKey, Vec<usize>> = IndexMap::new();
    for (i, key) in keys.into_iter().enumerate() {
        data_groups.entry(key).or_default().push(i);
    }
    // one path environment at a time, so that only one set of relations is held in memory
    let mut by_path: IndexMap<&PathKey, Vec<(&DataKey, &Vec<usize>)>> = IndexMap::new();
    for (key, members) in &data_groups {
        by_path.entry(&key.0).or_default().push((key, members));
    }
    // environments alike in WOW64 side by side, so that relations can pass from one to the next
    by_path.sort_by(|a, _, b, _| a.1.cmp(&b.1));
    // relations are built for one path environment and reused in the next when only the
    // folders that lead patterns moved (rebase.rs); else built again
    let shapes = rebase::Shapes::of(&items);
    // with the relations: the inclusions that reach into what should not be replicated (the
    // same in an environment the relations pass into: rebase.rs declines folders that reach one)
    type Dangers = rustc_hash::FxHashMap<usize, (String, &'static str)>;
    let mut built: Option<(crate::relate::Relations, &Env, Dangers)> = None;
    for groups in by_path.values() {
        let env = &envs[groups[0].1[0]];
        // what passes from one environment to the next holds for one engine only
        let same_engine = |at: &Env| at.engine.name() == env.engine.name();
        let reused = built
            .as_ref()
            .filter(|(_, at, _)| reuse && same_engine(at))
            .and_then(|(rel, at, _)| {
                rebase::vetoes_if_reusable(policy, &items, &shapes, rel, at, env)
            });
        let veto = match reused {
            Some(v) => v,
            None => {
                drop(built.take()); // one set of relations in memory at a time
                let rel = crate::relate::Relations::build(policy, env, &items);
                let v = rel.vetoes().clone();
                let danger = rel.dangers(env);
                built = Some((rel, env, danger));
                v
            }
        };
        let Some((rel, _, danger)) = built.as_ref() else {
            continue;
        };
        // groups are checked independently (in parallel), their findings recorded in order
        // (in parallel only when the groups are big enough to pay for it)
        let found: Vec<Vec<Diagnostic>> = par::map(
            groups,
            min_parallel(policy),
            |&((_, conds, exc, _), members)| {
                let env = &envs[members[0]];
                let active: Vec<bool> = items
                    .iter()
                    .zip(&item_cond)
                    .map(|(d, c)| {
                        d.exception.is_none_or(|k| exc[k as usize])
                            && c.is_none_or(|c| conds[c as usize])
                    })
                    .collect();
                let mut found = Vec::new();
                data::check(rel, env, &veto, danger, &items, &active, &mut found);
                found
            },
        );
        for (found, (_, members)) in found.into_iter().zip(groups) {
            findings.record(found, members);
        }
    }
    for (d, count, first) in findings.into_values() {
        out.push(if count < total {
            d.with_note(format!(
                "holds in {count} of {total} configurations, for example {}",
                space.configs[first].describe(m)
            ))
        } else {
            d
        });
    }
    Validation {
        diagnostics: dedupe(out),
        configurations: total,
    }
}

/// The fewest groups of configurations worth spreading over the cores: any, once the policy
/// is large (each group then takes milliseconds); else none.
fn min_parallel(policy: &Policy) -> usize {
    let statements = policy.base.data.len()
        + policy.base.services.len()
        + policy
            .exceptions
            .iter()
            .map(|e| e.body.data.len() + e.body.services.len())
            .sum::<usize>();
    if statements >= par::MIN_PARALLEL {
        1
    } else {
        usize::MAX
    }
}

/// Names of the `%variables%` that data patterns use, sorted.
fn data_variables(items: &[crate::relate::DataRef]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in items {
        for (_, name) in crate::ast::var_uses(&d.item.value.pattern().value) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    out
}

/// Distinct conditions (by their text), evaluated once per configuration.
struct Distinct<'p> {
    conds: Vec<&'p Condition>,
    ids: HashMap<String, usize>,
}

impl<'p> Distinct<'p> {
    fn new(all: Vec<&'p Condition>) -> Self {
        let mut d = Distinct {
            conds: Vec::new(),
            ids: HashMap::new(),
        };
        for c in all {
            d.id(c);
        }
        d
    }

    fn id(&mut self, c: &'p Condition) -> usize {
        let next = self.conds.len();
        let id = *self.ids.entry(c.to_string()).or_insert(next);
        if id == next {
            self.conds.push(c);
        }
        id
    }

    fn eval(&self, env: &Env) -> Vec<bool> {
        self.conds.iter().map(|c| eval(c, env)).collect()
    }
}

/// Findings across groups: each once, with how many configurations it holds in.
#[derive(Default)]
struct Findings {
    map: IndexMap<FindingKey, (Diagnostic, usize, usize)>,
}

impl Findings {
    fn record(&mut self, found: Vec<Diagnostic>, members: &[usize]) {
        for d in found {
            let (s, e) = d
                .primary
                .as_ref()
                .map_or((0, 0), |p| (p.span.start, p.span.end));
            let key = (d.code.0, s, e, d.message.clone());
            let entry = self.map.entry(key).or_insert((d, 0, members[0]));
            entry.1 += members.len();
            // the example is the first configuration it holds in, whatever the order of work
            entry.2 = entry.2.min(members[0]);
        }
    }

    fn into_values(self) -> impl Iterator<Item = (Diagnostic, usize, usize)> {
        self.map.into_values()
    }
}

/// One diagnostic per code, location and message, in source order.
fn dedupe(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| {
            let loc = d
                .primary
                .as_ref()
                .map(|p| (p.file, p.span.start, p.span.end));
            seen.insert((d.code.0, loc, d.message.clone()))
        })
        .collect();
    out.sort_by_key(Diagnostic::sort_key);
    out
}

/// The names of every service the policy declares anywhere, lower-cased (names may hold
/// variables: those are taken as written).
fn declared_services(policy: &Policy) -> std::collections::HashSet<String> {
    policy
        .bodies()
        .flat_map(|(b, _)| b.services.iter())
        .map(|s| s.value.name.text.to_ascii_lowercase())
        .collect()
}
