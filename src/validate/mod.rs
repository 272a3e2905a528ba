//! Stage 2, validate: a policy against its version matrix, in every configuration.
//!
//! Names and types are checked once; then the configuration space is enumerated, grouped by
//! what the policy evaluates to, and each group is evaluated (stage 3) and checked. A finding
//! is reported once, at its source location; one that holds in only some configurations
//! names one of them.

mod allows;
mod budget;
mod claims;
mod data;
mod groups;
mod rebase;
mod services;
mod types;
mod unconditional;
mod variables;

use crate::ast::{Condition, Exception, Policy, Str};
use crate::diagnostic::{codes, Diagnostic, Holds};
use crate::lower::{evaluate, Env, Resolver};
use crate::matrix::Matrix;
use crate::par;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

/// Where data patterns resolve to: each variable they use, whether registry keys move under
/// Wow6432Node, and the engine whose vetoes and dangers apply.
type PathKey = (Vec<Option<String>>, bool, &'static str);
/// What a place decides for data: where paths resolve to, which exceptions apply, and
/// whether the product generation lacks exclusions.
type Place = (PathKey, Vec<bool>, bool);
/// An insertion-ordered map with a fast hash (keys are the program's own, not an attacker's
/// choice of collisions: configurations and conditions).
type FxIndexMap<K, V> = IndexMap<K, V, rustc_hash::FxBuildHasher>;
/// A finding: code, primary span, message.
type FindingKey = (u16, usize, usize, String);

pub use allows::{allowable, Acknowledged};

/// What validation found, and how many configurations it covered.
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    pub configurations: usize,
    /// Findings the policy acknowledges with `allow`, in source order of the statements.
    pub acknowledged: Vec<Acknowledged>,
}

/// The configurations validation checks the policy in, in the order findings' [`Holds`]
/// number them (`None`: too many, or none to enumerate).
pub fn configurations(policy: &Policy, m: &Matrix) -> Option<crate::matrix::Space> {
    claims::space(policy, m).0
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
    let (allow_refs, allow_diags) = allows::collect(policy);
    out.extend(allow_diags);
    let Some(m) = matrix else {
        return without_matrix(policy, &allow_refs, out);
    };
    let (space, claim_diags) = claims::space(policy, m);
    out.extend(claim_diags);
    let Some(space) = space else {
        return Validation {
            diagnostics: dedupe(out),
            configurations: 0,
            acknowledged: Vec::new(),
        };
    };
    let total = space.configs.len();
    let used = policy.var_names();
    let path_dims: Vec<usize> = m
        .dimensions
        .iter()
        .enumerate()
        .filter(|(_, d)| used.contains(&d.name.to_ascii_lowercase()))
        .map(|(i, _)| i)
        .collect();
    // configurations the policy cannot tell apart, each group evaluated through the
    // environment of its first configuration (built only where it is needed)
    let alike = groups::of(&policy.conditions(), m, &space.configs, &path_dims);
    let env_of = |i: usize| Env::of_config(m, &space.configs[i]);
    let release_of = |g: usize| space.configs[alike.first(g)].release;
    // the data rules and what is written on the passive, with their conditions
    let items = crate::relate::data_items(policy);
    let exceptions: Vec<&Exception> = policy.exceptions.iter().collect();
    let mut data_conds = Distinct::new(Vec::new());
    let item_cond: Vec<u32> = items
        .iter()
        .map(|d| {
            d.item
                .when
                .as_deref()
                .map_or(NO_COND, |c| data_conds.id(c) as u32)
        })
        .collect();
    // what is written on the passive, related to the data rules in the same groups
    let writes = crate::relate::write_items(policy);
    let write_cond: Vec<u32> = writes
        .iter()
        .map(|w| w.when.map_or(NO_COND, |c| data_conds.id(c) as u32))
        .collect();
    // the variables data patterns use: configurations where they resolve alike share relations
    let vars = data_variables(&items);
    // where paths resolve to, which exceptions apply and whether the product has exclusions:
    // decided by the release, the dimensions read outside conditions and the conditions paths
    // read — computed once for each distinct combination, through its first configuration
    let path_conds = alike.ids(&policy.path_conditions());
    let data_ids = alike.ids(&data_conds.conds);
    // each distinct combination, with its first configuration
    let (place_of, places) = groups::part_by_key(alike.len(), |g, key| {
        key.push(release_of(g) as u64);
        key.extend_from_slice(alike.dims(g));
        alike.pack(g, &path_conds, key);
    });
    // each place's first configuration: that of its first group (places are numbered in the
    // order of their first group)
    let mut firsts: Vec<usize> = Vec::with_capacity(places);
    for (g, &p) in place_of.iter().enumerate() {
        if p as usize == firsts.len() {
            firsts.push(alike.first(g));
        }
    }
    let place_of: Vec<usize> = place_of.into_iter().map(|p| p as usize).collect();
    let computed: Vec<(Place, Env)> = par::map(&firsts, min_parallel(policy), |&i| {
        let env = env_of(i);
        let r = Resolver::new(policy, &env);
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
            .map(|e| crate::lower::exception_applies(e, &env))
            .collect();
        let hb_old = !env.has_exclusions();
        ((path_key, exc, hb_old), env)
    });
    // where each `allow` applies: everywhere, or where its exception applies (as each place
    // decided it)
    let allow_scope: Vec<Option<Vec<bool>>> = allow_refs
        .iter()
        .map(|a| {
            a.exception.map(|k| {
                let mut scope = vec![false; total];
                for g in 0..alike.len() {
                    if computed[place_of[g]].0 .1[k] {
                        for &i in alike.members(g) {
                            scope[i as usize] = true;
                        }
                    }
                }
                scope
            })
        })
        .collect();
    let mut findings = Findings {
        total,
        allows: &allow_refs,
        scope: &allow_scope,
        ..Findings::default()
    };

    // a check that a newer edit supersedes stops between passes (its result is discarded)
    let given_up = || Validation {
        diagnostics: Vec::new(),
        configurations: 0,
        acknowledged: Vec::new(),
    };
    if crate::cancel::requested() {
        return given_up();
    }
    services_pass(policy, &alike, &env_of, &release_of, &mut findings);
    if crate::cancel::requested() {
        return given_up();
    }
    wow64_keys_on_x86(policy, total, &env_of, &mut findings);

    DataPass {
        policy,
        alike: &alike,
        computed: &computed,
        place_of: &place_of,
        data_ids: &data_ids,
        items: &items,
        item_cond: &item_cond,
        writes: &writes,
        write_cond: &write_cond,
        reuse,
    }
    .run(&mut findings);
    conclude(policy, m, &space.configs, &allow_refs, findings, out)
}

/// Data: relations built once per path environment (or passed on from the previous one,
/// `rebase.rs`), the rules checked per group of configurations alike in their data.
struct DataPass<'a> {
    policy: &'a Policy,
    alike: &'a groups::Alike,
    /// Each place with the environment of its first configuration.
    computed: &'a [(Place, Env)],
    /// The place of each group of `alike`.
    place_of: &'a [usize],
    /// The bits of the data rules' conditions.
    data_ids: &'a [usize],
    items: &'a [crate::relate::DataRef<'a>],
    /// Each data rule's condition, numbered among the distinct data conditions (`NO_COND`:
    /// none): four bytes a rule.
    item_cond: &'a [u32],
    writes: &'a [crate::relate::WriteRef<'a>],
    write_cond: &'a [u32],
    /// Whether relations pass from one path environment to the next (false: the reference).
    reuse: bool,
}

impl DataPass<'_> {
    fn run(&self, findings: &mut Findings) {
        // a data check reads its environment only where the place decides (paths, release,
        // platform, product generation); the distinct path keys, each by its index
        let mut path_keys: FxIndexMap<&PathKey, ()> = FxIndexMap::default();
        let path_id: Vec<usize> = self
            .computed
            .iter()
            .map(|((p, _, _), _)| path_keys.insert_full(p, ()).0)
            .collect();
        // data groups: configurations alike in their path key, the truth of each data condition,
        // which exceptions apply and whether the product generation lacks exclusions
        let data_groups = groups::Parts::by_key(self.alike.len(), |g, key| {
            let ((_, exc, hb_old), _) = &self.computed[self.place_of[g]];
            key.extend([path_id[self.place_of[g]] as u64, u64::from(*hb_old)]);
            self.alike.pack(g, self.data_ids, key);
            groups::pack_bools(exc, key);
        });
        // one path environment at a time, so that only one set of relations is held in memory
        let mut by_path: FxIndexMap<usize, Vec<usize>> = FxIndexMap::default();
        for p in 0..data_groups.len() {
            let g = data_groups.groups(p)[0] as usize;
            by_path
                .entry(path_id[self.place_of[g]])
                .or_default()
                .push(p);
        }
        // environments alike in WOW64 side by side, so that relations can pass from one to the next
        let wow64 = |id: &usize| path_keys.get_index(*id).is_some_and(|(p, _)| p.1);
        by_path.sort_by(|a, _, b, _| wow64(a).cmp(&wow64(b)));
        // relations are built for one path environment and reused in the next when only the
        // folders that lead patterns moved (rebase.rs); else built again
        let shapes = rebase::Shapes::of(self.items);
        // with the relations: the inclusions that reach into what should not be replicated (the
        // same in an environment the relations pass into: rebase.rs declines folders that reach one)
        type Dangers = rustc_hash::FxHashMap<usize, (String, &'static str)>;
        // each path environment's own environment (relations borrow it while they are held)
        let mut built: Option<(crate::relate::Relations, &Env, Dangers)> = None;
        for parts in by_path.values() {
            if crate::cancel::requested() {
                return;
            }
            let env = &self.computed[self.place_of[data_groups.groups(parts[0])[0] as usize]].1;
            // what passes from one environment to the next holds for one engine only
            let same_engine = |at: &Env| at.engine.kind() == env.engine.kind();
            let reused = built
                .as_ref()
                // written patterns are resolved in each environment and compared with the rules'
                // own segments, so relations pass on only where nothing is written on the passive
                .filter(|(_, at, _)| self.reuse && self.writes.is_empty() && same_engine(at))
                .and_then(|(rel, at, _)| {
                    rebase::vetoes_if_reusable(self.policy, self.items, &shapes, rel, at, env)
                });
            let veto = match reused {
                Some(v) => v,
                None => {
                    drop(built.take()); // one set of relations in memory at a time
                    let rel = crate::relate::Relations::build(self.policy, env, self.items);
                    let v = rel.vetoes().clone();
                    let danger = rel.dangers(env);
                    built = Some((rel, env, danger));
                    v
                }
            };
            // relations a superseded check gave up building are not read
            if crate::cancel::requested() {
                return;
            }
            let Some((rel, _, danger)) = built.as_ref() else {
                continue;
            };
            // groups are checked independently (in parallel), their findings recorded in order
            // (in parallel only when the groups are big enough to pay for it)
            let found: Vec<Vec<Diagnostic>> = par::map(parts, min_parallel(self.policy), |&p| {
                let g = data_groups.groups(p)[0] as usize;
                let ((_, exc, _), env) = &self.computed[self.place_of[g]];
                let conds = self.alike.truth(g, self.data_ids);
                // a statement holds where its exception (if any) applies and its condition holds
                let holds = |exception: Option<u32>, &cond: &u32| {
                    exception.is_none_or(|k| exc[k as usize])
                        && (cond == NO_COND || conds[cond as usize])
                };
                let active: Vec<bool> = self
                    .items
                    .iter()
                    .zip(self.item_cond)
                    .map(|(d, c)| holds(d.exception, c))
                    .collect();
                let writes_active: Vec<bool> = self
                    .writes
                    .iter()
                    .zip(self.write_cond)
                    .map(|(w, c)| holds(w.exception, c))
                    .collect();
                let on = data::Active {
                    items: self.items,
                    active: &active,
                    writes: self.writes,
                    writes_active: &writes_active,
                };
                let mut found = Vec::new();
                data::check(rel, env, &veto, danger, &on, &mut found);
                found
            });
            for (found, &p) in found.into_iter().zip(parts) {
                if !found.is_empty() {
                    findings.record(found, &data_groups.members(self.alike, p));
                }
            }
        }
    }
}

/// Without the matrix: what holds in every configuration; only the policy's own `allow`s
/// apply (an exception's scope needs the matrix), and none can be found unused.
fn without_matrix(
    policy: &Policy,
    allow_refs: &[allows::AllowRef],
    mut out: Vec<Diagnostic>,
) -> Validation {
    let mut acknowledged = Vec::new();
    for d in unconditional::check(policy) {
        match allow_refs
            .iter()
            .find(|a| a.exception.is_none() && a.code == d.code)
        {
            Some(a) => acknowledged.push(Acknowledged {
                code: a.code,
                because: a.because.clone(),
                allow: a.span,
                release: None,
                finding: d,
            }),
            None => out.push(d),
        }
    }
    Validation {
        diagnostics: dedupe(out),
        configurations: 0,
        acknowledged,
    }
}

/// Services, tasks and advisories: the configurations grouped by the truth of every
/// condition outside `data`, each group evaluated once (in parallel when the policy is large
/// enough to pay for the threads), its findings recorded for its configurations.
fn services_pass(
    policy: &Policy,
    alike: &groups::Alike,
    env_of: &(dyn Fn(usize) -> Env + Sync),
    release_of: &(dyn Fn(usize) -> usize + Sync),
    findings: &mut Findings,
) {
    let declared = declared_services(policy);
    // services, tasks, advisories: grouped by the truth of every condition outside `data`
    let other = alike.ids(&policy.conditions_of(false));
    let groups = groups::Parts::by_key(alike.len(), |g, key| {
        key.push(release_of(g) as u64);
        key.extend_from_slice(alike.dims(g));
        alike.pack(g, &other, key);
    });
    // groups are evaluated independently (in parallel when the policy is large enough to
    // pay for the threads), their findings recorded in order
    let parts: Vec<usize> = (0..groups.len()).collect();
    let found = par::map(&parts, min_parallel(policy), |&p| {
        let in_part = groups.groups(p);
        let env = &env_of(alike.first(in_part[0] as usize));
        let ev = evaluate(policy, env);
        let mut found = ev.problems.clone();
        // a delayed start is checked against every configuration of the group: the grouping
        // need not tell Windows releases apart
        let delayed = ev
            .services
            .iter()
            .any(|s| s.startup == crate::ast::Startup::DelayedAutomatic);
        let legacy_os = delayed
            && in_part
                .iter()
                .flat_map(|&g| alike.members(g as usize))
                .any(|&m| env_of(m as usize).is_legacy_os());
        services::check(
            policy.file,
            &ev,
            &|n| declared.contains(&n.to_ascii_lowercase()),
            legacy_os,
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
    for (p, found) in found.into_iter().enumerate() {
        if !found.is_empty() {
            findings.record(found, &groups.members(alike, p));
        }
    }
}

/// The findings counted over the configurations, each with an example configuration where
/// it does not hold everywhere; what each `allow` acknowledged, and the `allow`s that
/// acknowledged nothing.
fn conclude(
    policy: &Policy,
    m: &Matrix,
    configs: &[crate::matrix::Config],
    allow_refs: &[allows::AllowRef],
    mut findings: Findings,
    mut out: Vec<Diagnostic>,
) -> Validation {
    let total = configs.len();
    let where_ = |d: Diagnostic, count: usize, first: usize, holds: Vec<u64>| {
        if count < total {
            let mut d = d.with_note(format!(
                "holds in {count} of {total} configurations, for example {}",
                configs[first].describe(m)
            ));
            d.holds = Some(Holds::new(holds));
            d
        } else {
            d
        }
    };
    let mut acknowledged = Vec::new();
    for ((a, _), (d, count, first, holds)) in std::mem::take(&mut findings.acknowledged) {
        let allow = &allow_refs[a];
        acknowledged.push(Acknowledged {
            code: allow.code,
            because: allow.because.clone(),
            allow: allow.span,
            release: allow.exception.map(|k| policy.exceptions[k].release),
            finding: where_(d, count, first, holds),
        });
    }
    acknowledged.sort_by_key(|a| (a.allow.start(), a.finding.sort_key()));
    for a in allow_refs {
        if !acknowledged.iter().any(|x| x.allow == a.span) {
            out.push(allows::unused(policy.file, a, policy));
        }
    }
    for (d, count, first, holds) in findings.into_values() {
        out.push(where_(d, count, first, holds));
    }
    Validation {
        diagnostics: dedupe(out),
        configurations: total,
        acknowledged,
    }
}

/// The fewest groups of configurations worth spreading over the cores: any, once the policy
/// is large (each group then takes milliseconds); else thousands (a large configuration space
/// of a small policy: each group takes microseconds).
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
        par::MIN_PARALLEL
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

/// A statement without a condition, where conditions are numbered.
const NO_COND: u32 = u32::MAX;

/// Distinct conditions (by their text), each with an id.
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
}

/// A finding, its count of configurations, the first of them and all of them (one bit each).
type Counted = (Diagnostic, usize, usize, Vec<u64>);

/// Findings across groups: each once, with how many configurations it holds in — apart from
/// the configurations where an `allow` acknowledges it.
#[derive(Default)]
struct Findings<'a> {
    map: IndexMap<FindingKey, Counted>,
    /// By (allow, finding): what each `allow` acknowledged.
    acknowledged: IndexMap<(usize, FindingKey), Counted>,
    allows: &'a [allows::AllowRef],
    /// Per allow: the configurations it applies in (`None`: all).
    scope: &'a [Option<Vec<bool>>],
    /// Configurations in the space.
    total: usize,
}

impl Findings<'_> {
    fn record(&mut self, found: Vec<Diagnostic>, members: &[usize]) {
        for d in found {
            let (s, e) = d
                .primary
                .as_ref()
                .map_or((0, 0), |p| (p.span.start(), p.span.end()));
            let key: FindingKey = (d.code.0, s, e, d.message.clone());
            // each member configuration goes to the first `allow` of the code that applies
            // there, or is reported
            let mut reported: Vec<usize> = Vec::new();
            let mut by_allow: Vec<(usize, Vec<usize>)> = Vec::new();
            let matching: Vec<usize> = (0..self.allows.len())
                .filter(|&a| self.allows[a].code == d.code)
                .collect();
            if matching.is_empty() {
                reported.extend_from_slice(members);
            } else {
                for &c in members {
                    let by = matching
                        .iter()
                        .copied()
                        .find(|&a| self.scope[a].as_ref().is_none_or(|s| s[c]));
                    match by {
                        Some(a) => match by_allow.iter_mut().find(|(x, _)| *x == a) {
                            Some((_, cs)) => cs.push(c),
                            None => by_allow.push((a, vec![c])),
                        },
                        None => reported.push(c),
                    }
                }
            }
            for (a, cs) in by_allow {
                count(
                    &mut self.acknowledged,
                    (a, key.clone()),
                    &d,
                    &cs,
                    self.total,
                );
            }
            if !reported.is_empty() {
                count(&mut self.map, key, &d, &reported, self.total);
            }
        }
    }

    fn into_values(self) -> impl Iterator<Item = Counted> {
        self.map.into_values()
    }
}

/// Add `members` (sorted) to the configurations where finding `d` holds.
fn count<K: std::hash::Hash + Eq>(
    map: &mut IndexMap<K, Counted>,
    key: K,
    d: &Diagnostic,
    members: &[usize],
    total: usize,
) {
    let entry = map
        .entry(key)
        .or_insert_with(|| (d.clone(), 0, members[0], Holds::words(total)));
    entry.1 += members.len();
    // the example is the first configuration it holds in, whatever the order of work
    entry.2 = entry.2.min(members[0]);
    for &c in members {
        Holds::insert(&mut entry.3, c);
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
                .map(|p| (p.file, p.span.start(), p.span.end()));
            seen.insert((d.code.0, loc, d.message.clone()))
        })
        .collect();
    out.sort_by_key(Diagnostic::sort_key);
    out
}

/// The names of every service the policy declares anywhere, lower-cased (names may hold
/// variables: those are taken as written).
pub(crate) fn declared_services(policy: &Policy) -> std::collections::HashSet<String> {
    policy
        .bodies()
        .flat_map(|(b, _)| b.services.iter())
        .map(|s| s.value.name.text.to_ascii_lowercase())
        .collect()
}

/// A registry rule that names `Wow6432Node` itself, where it holds on an x86 server: the key
/// exists only on 64-bit Windows, so the rule protects nothing there (AMX0322). Only the
/// configurations where it holds on x86 are named. Skipped, at no cost, by policies without
/// such a rule.
fn wow64_keys_on_x86(
    policy: &Policy,
    total: usize,
    env_of: &dyn Fn(usize) -> Env,
    findings: &mut Findings,
) {
    let items = crate::relate::data_items(policy);
    let named: Vec<_> = items
        .iter()
        .filter(|d| {
            crate::lower::pattern_kind(&d.item.value) == crate::ast::FilterKind::Registry
                && crate::engine::windows::names_wow6432node(&d.item.value.pattern().value)
        })
        .collect();
    if named.is_empty() {
        return;
    }
    // each configuration's environment built once, for every such rule
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); named.len()];
    for i in 0..total {
        let env = env_of(i);
        if env.is_x64() {
            continue;
        }
        for (k, d) in named.iter().enumerate() {
            let applies = d.exception.is_none_or(|e| {
                crate::lower::exception_applies(&policy.exceptions[e as usize], &env)
            });
            if applies && crate::lower::holds(d.item.when.as_deref(), &env) {
                members[k].push(i);
            }
        }
    }
    for (d, members) in named.into_iter().zip(members) {
        if members.is_empty() {
            continue;
        }
        let text = &d.item.value.pattern().value;
        let plain = crate::engine::windows::without_wow6432node(text).0;
        findings.record(
            vec![Diagnostic::new(
                codes::WOW64_KEY_ON_X86,
                format!("`{text}` exists only on 64-bit Windows, and this rule holds on x86"),
            )
            .at(policy.file, d.item.value.pattern().span, "a key of the 32-bit view on x64")
            .with_note("on x64 a 32-bit application reads `HKLM\\SOFTWARE\\X` under `Wow6432Node`; x86 Windows has no such key, so the rule protects nothing there")
            .with_help(format!("write the key as the application names it (`{plain}`) with `bits 32` in `application`, which amxc moves under Wow6432Node where WOW64 does, or condition the rule on `arch == x64`"))],
            &members,
        );
    }
}
