//! Relations among all data rules of a policy in one path environment.
//!
//! Relating filters is the expensive part, and it depends only on where the patterns resolve
//! to. So, per *path environment* (release, platform, the dimension values and conditions that
//! paths use), every data rule of the policy — active or not — is resolved once, and the
//! segment tries yield, per rule, the few rules it can relate to. Which of them hold is asked
//! later, per group of configurations or per server ([`super::Holding`]): linear work with a
//! small constant, whatever the number of configurations.

use super::flat::Flat;
use crate::ast::{DataRule, FilterKind, FilterMode, Item, Policy};
use crate::diagnostic::Diagnostic;
use crate::filters::{subset, Pattern, Seg, Trie};
use crate::lower::{pattern_kind, Env, Resolver};
use crate::par;
use rustc_hash::FxHashMap as HashMap;

/// One data rule of the policy, base or exception.
pub struct DataRef<'p> {
    pub item: &'p Item<DataRule>,
    /// Index into `policy.exceptions`.
    pub exception: Option<u32>,
}

/// Every data rule, base first, in source order.
pub fn data_items(policy: &Policy) -> Vec<DataRef<'_>> {
    let n = policy.base.data.len()
        + policy
            .exceptions
            .iter()
            .map(|e| e.body.data.len())
            .sum::<usize>();
    let mut out: Vec<DataRef> = Vec::with_capacity(n);
    out.extend(policy.base.data.iter().map(|item| DataRef {
        item,
        exception: None,
    }));
    for (k, e) in policy.exceptions.iter().enumerate() {
        out.extend(e.body.data.iter().map(|item| DataRef {
            item,
            exception: Some(k as u32),
        }));
    }
    out
}

/// What a data rule does: replication filters and unprotected data relate to each other;
/// snapshot filters relate among themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Include,
    Exclude,
    Unprotected,
    SnapshotInclude,
    SnapshotExclude,
}

fn role(rule: &DataRule) -> Role {
    match rule {
        DataRule::Filter {
            kind: FilterKind::Snapshot,
            mode: FilterMode::Include,
            ..
        } => Role::SnapshotInclude,
        DataRule::Filter {
            kind: FilterKind::Snapshot,
            mode: FilterMode::Exclude,
            ..
        } => Role::SnapshotExclude,
        DataRule::Filter {
            mode: FilterMode::Include,
            ..
        } => Role::Include,
        DataRule::Filter {
            mode: FilterMode::Exclude,
            ..
        } => Role::Exclude,
        DataRule::Unprotected { .. } => Role::Unprotected,
    }
}

/// Folders the engine refuses to protect here, with the reason.
pub fn vetoed_roots(env: &Env) -> Vec<(Pattern, &'static str)> {
    env.engine
        .vetoed_roots(&env.system_drive)
        .into_iter()
        .map(|v| (v.root, v.why))
        .collect()
}

/// Rule indices, as found for one rule.
type Ids = Box<[u32]>;

/// Rules resolved or related at a time: bounds what is held twice while results are merged.
const BLOCK: usize = 16_384;

/// The list kept for rule `i` in a sparse map, or none.
pub(super) fn list(m: &HashMap<usize, Vec<u32>>, i: usize) -> &[u32] {
    m.get(&i).map_or(&[], Vec::as_slice)
}

/// The relations among all data rules in one path environment.
pub struct Relations<'a> {
    /// What resolves patterns again for the text of a finding.
    pub(super) policy: &'a Policy,
    pub(super) roles: Vec<Role>,
    /// The kind each rule's pattern resolves as (files or registry).
    pub(super) kinds: Vec<FilterKind>,
    /// Each rule's resolved segments, unset where the pattern did not resolve (display text
    /// is made again only for a finding).
    pub(super) patterns: Flat<Seg>,
    /// Why a rule's pattern cannot be used here, for the few rules where it cannot.
    pub(super) problems: HashMap<usize, Diagnostic>,
    /// Each include's and exclude's class of equal patterns: the class's first rule.
    pub(super) rep: Vec<u32>,
    /// The rules of each class of two or more, by its first rule (most classes are one rule,
    /// which [`Relations::members`] gives without a list).
    members: HashMap<usize, Box<[u32]>>,
    /// Whether each rule is the first of a class.
    heads: Vec<bool>,
    /// By class — include: the classes of the includes covering it (its own aside).
    /// Exclude: of the includes covering it. By rule — unprotected: of the excludes covering it.
    pub(super) cover: Flat<u32>,
    /// By class — include: the classes of the excludes overlapping it. By rule —
    /// unprotected: of the includes overlapping it.
    pub(super) overlap: Flat<u32>,
    /// The few rules below, by rule: kept sparsely.
    pub(super) veto: HashMap<usize, String>,
    /// Base exclude: the class of the base includes of the same pattern.
    pub(super) same: HashMap<usize, u32>,
    /// Base rule: the class of the exception rules of the same kind and pattern (which
    /// replace it where one of them holds); classes are named by their first rule.
    pub(super) replaced_by: HashMap<usize, u32>,
    /// The exception rules of those classes, each with its class.
    pub(super) exception_class: Vec<(u32, u32)>,
    /// Base unprotected: exception includes covering it (which protect it after all).
    pub(super) protected_by: HashMap<usize, Vec<u32>>,
    /// Snapshot inclusion: the classes of the replication inclusions that hold all of it.
    pub(super) snap_within: HashMap<usize, Vec<u32>>,
    /// Snapshot inclusion: the unprotected rules it overlaps.
    pub(super) snap_unprotected: HashMap<usize, Vec<u32>>,
    /// Exception include that overrides some base statement.
    pub(super) overrides: Vec<bool>,
}

impl<'a> Relations<'a> {
    pub fn build(policy: &'a Policy, env: &'a Env, items: &[DataRef]) -> Self {
        Self::build_keeping(policy, env, items, false).0
    }

    /// [`Relations::build`], keeping every rule's resolved pattern (with its display text)
    /// when `keep` is set: one server's plan needs them, and resolving is the larger part of
    /// relating a thousand rules.
    pub fn build_keeping(
        policy: &'a Policy,
        env: &'a Env,
        items: &[DataRef],
        keep: bool,
    ) -> (Self, Vec<Option<Pattern>>) {
        let mut kept: Vec<Option<Pattern>> = Vec::new();
        let n = items.len();
        // resolving is independent per rule: spread over the cores, one resolver each, a
        // block of rules at a time (only the block's segments are held twice)
        let mut patterns = Flat::new(n);
        let mut problems = HashMap::default();
        for (b, block) in items.chunks(BLOCK).enumerate() {
            // a check that a newer edit supersedes stops here (its result is discarded: the
            // rules not yet resolved are left out of every relation)
            if crate::cancel::requested() {
                break;
            }
            let resolved = par::map_init(
                block,
                par::MIN_PARALLEL,
                || Resolver::new(policy, env),
                |r, d| r.pattern(pattern_kind(&d.item.value), d.item.value.pattern()),
            );
            if b == 0 && n > block.len() {
                // room for all, judged by the first block with a margin (growing copies)
                let segs: usize = resolved.iter().flatten().map(|p| p.segs.len()).sum();
                patterns.reserve(segs * n / block.len() * 5 / 4);
            }
            for (k, r) in resolved.into_iter().enumerate() {
                let i = b * BLOCK + k;
                match r {
                    Ok(p) => {
                        patterns.set(i, &p.segs);
                        if keep {
                            kept.push(Some(p));
                        }
                    }
                    Err(e) => {
                        problems.insert(i, e);
                        if keep {
                            kept.push(None);
                        }
                    }
                }
            }
        }
        let roles: Vec<Role> = items.iter().map(|d| role(&d.item.value)).collect();
        let kinds: Vec<FilterKind> = items.iter().map(|d| pattern_kind(&d.item.value)).collect();
        let mut rel = Relations {
            policy,
            roles,
            kinds,
            patterns,
            problems,
            rep: (0..n as u32).collect(),
            members: HashMap::default(),
            heads: vec![false; n],
            cover: Flat::new(n),
            overlap: Flat::new(n),
            veto: HashMap::default(),
            same: HashMap::default(),
            replaced_by: HashMap::default(),
            exception_class: Vec::new(),
            protected_by: HashMap::default(),
            snap_within: HashMap::default(),
            snap_unprotected: HashMap::default(),
            overrides: vec![false; n],
        };
        if crate::cancel::requested() {
            return (rel, kept);
        }
        for kind in [FilterKind::Files, FilterKind::Registry] {
            rel.relate(items, kind, env, false);
        }
        // a snapshot pattern resolves as a file pattern (kind `Snapshot`) or a registry key
        for kind in [FilterKind::Snapshot, FilterKind::Registry] {
            rel.relate(items, kind, env, true);
        }
        // snapshots hold replicated data only: file snapshots against file filters, registry
        // snapshots against registry filters
        for (snap, data) in [
            (FilterKind::Snapshot, FilterKind::Files),
            (FilterKind::Registry, FilterKind::Registry),
        ] {
            rel.relate_snapshots(snap, data);
        }
        rel.exceptions(items);
        (rel, kept)
    }

    fn ids(&self, kind: FilterKind, role: Role) -> Vec<usize> {
        (0..self.roles.len())
            .filter(|&i| self.roles[i] == role && self.kinds[i] == kind && self.patterns.is_set(i))
            .collect()
    }

    /// The vetoed inclusions of the environment these relations were built for.
    pub fn vetoes(&self) -> &HashMap<usize, String> {
        &self.veto
    }

    /// Whether rule `i`'s pattern failed to resolve.
    pub fn problem(&self, i: usize) -> bool {
        self.problems.contains_key(&i)
    }

    /// Each rule of `sorted` (by key, then rule) with the first rule of equal key and pattern:
    /// its class. Rules of one key come in rule order, so each joins the first equal one.
    fn group_equal<K: Eq + Copy>(&self, sorted: &[(K, u32)]) -> Vec<(u32, u32)> {
        let mut out = Vec::with_capacity(sorted.len());
        let mut firsts: Vec<u32> = Vec::new();
        for (k, &(key, i)) in sorted.iter().enumerate() {
            if k == 0 || sorted[k - 1].0 != key {
                firsts.clear();
            }
            let same = firsts
                .iter()
                .copied()
                .find(|&f| self.segs(f as usize) == self.segs(i as usize));
            let rep = same.unwrap_or_else(|| {
                firsts.push(i);
                i
            });
            out.push((i, rep));
        }
        out
    }

    /// The rule of `sorted` (by key, then rule) with key `key` and the pattern of rule `i`.
    fn equal_in<K: Ord + Copy>(&self, sorted: &[(K, u32)], key: K, i: usize) -> Option<u32> {
        let from = sorted.partition_point(|&(k, _)| k < key);
        sorted[from..]
            .iter()
            .take_while(|&&(k, _)| k == key)
            .map(|&(_, r)| r)
            .find(|&r| self.segs(r as usize) == self.segs(i))
    }

    /// Whether rule `i` is a file or registry inclusion.
    pub fn is_include(&self, i: usize) -> bool {
        self.roles[i] == Role::Include
    }

    /// What rule `i` does.
    pub fn role(&self, i: usize) -> Role {
        self.roles[i]
    }

    /// Why rule `i`'s pattern cannot be used here, if it cannot.
    pub fn problem_of(&self, i: usize) -> Option<&Diagnostic> {
        self.problems.get(&i)
    }

    /// The policy these relations were built for.
    pub fn policy(&self) -> &'a Policy {
        self.policy
    }

    /// Rule `i`'s resolved segments (none when it did not resolve).
    pub fn segs(&self, i: usize) -> &[Seg] {
        self.patterns.get(i)
    }

    /// A hash of rule `i`'s resolved pattern, to find equal ones: of its segments' handles,
    /// computed when asked (a few words; kept for every rule it was 4 bytes a rule). 32 bits:
    /// a collision costs a comparison, never a wrong answer.
    fn hash(&self, i: usize) -> u32 {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        for s in self.segs(i) {
            h.write_u32(s.number());
        }
        let h = h.finish();
        (h ^ (h >> 32)) as u32
    }

    /// Classes of equal patterns among `ids`: the first rule of each class (in rule order)
    /// stands for it. Records each rule's class in `rep` and each class's members.
    fn classes(&mut self, ids: &[usize]) -> Vec<usize> {
        let mut by_hash: Vec<(u32, u32)> = ids.iter().map(|&i| (self.hash(i), i as u32)).collect();
        by_hash.sort_unstable();
        // (class, rule) for every rule
        let mut pairs: Vec<(u32, u32)> = self
            .group_equal(&by_hash)
            .into_iter()
            .map(|(i, rep)| (rep, i))
            .collect();
        for &(rep, i) in &pairs {
            self.rep[i as usize] = rep;
        }
        pairs.sort_unstable();
        let mut reps = Vec::new();
        for run in pairs.chunk_by(|a, b| a.0 == b.0) {
            let rep = run[0].0 as usize;
            self.heads[rep] = true;
            if run.len() > 1 {
                self.members
                    .insert(rep, run.iter().map(|&(_, i)| i).collect());
            }
            reps.push(rep);
        }
        reps
    }

    /// The rules of class `r` (by its first rule), in rule order; none if `r` heads no class.
    pub(super) fn members(&self, r: usize) -> &[u32] {
        match self.members.get(&r) {
            Some(m) => m,
            None if self.heads[r] => std::slice::from_ref(&self.rep[r]),
            None => &[],
        }
    }

    /// The inclusions that reach into a location the engine accepts but that should not be
    /// replicated (`Engine::dangerous`), with why: one query of a small trie per inclusion.
    pub fn dangers(&self, env: &Env) -> HashMap<usize, (String, &'static str)> {
        let roots = env.engine.dangerous(&env.system_drive);
        let mut trie = Trie::new();
        for (k, d) in roots.iter().enumerate() {
            trie.insert(&d.root.segs, k);
        }
        let mut out = HashMap::default();
        for i in (0..self.roles.len())
            .filter(|&i| self.roles[i] == Role::Include && self.patterns.is_set(i))
        {
            let segs = self.segs(i);
            let mut hit: Option<usize> = None;
            trie.overlapping(segs, |k| {
                let d = &roots[k];
                if !d.whole || subset(&d.root.segs, segs) {
                    hit = Some(hit.map_or(k, |h| h.min(k)));
                }
                false
            });
            if let Some(k) = hit {
                let d = &roots[k];
                out.insert(
                    i,
                    (d.root.display.trim_end_matches("\\**").to_string(), d.why),
                );
            }
        }
        out
    }

    /// A trie of the patterns of rules `ids`, each under its position in `ids`, reserved whole.
    fn trie_of(&self, ids: &[usize]) -> Trie {
        let room = ids.iter().map(|&i| self.segs(i).len()).sum::<usize>();
        let mut trie = Trie::with_capacity(room, ids.len());
        for (k, &i) in ids.iter().enumerate() {
            trie.insert(self.segs(i), k);
        }
        trie
    }

    /// The rules of `ids` (whose patterns `trie` holds, in that order) that hold every path
    /// of rule `i`, sorted.
    fn covering_of(&self, trie: &Trie, ids: &[usize], i: usize) -> Vec<u32> {
        let mut out = Vec::new();
        trie.covering(self.segs(i), |k, exact| {
            if exact || subset(self.segs(i), self.segs(ids[k])) {
                out.push(ids[k] as u32);
            }
            false
        });
        out.sort_unstable();
        out
    }

    /// The rules of `ids` (whose patterns `trie` holds, in that order) that share a path with
    /// rule `i`, sorted.
    fn overlapping_of(&self, trie: &Trie, ids: &[usize], i: usize) -> Vec<u32> {
        let mut out = Vec::new();
        trie.overlapping(self.segs(i), |k| {
            out.push(ids[k] as u32);
            false
        });
        out.sort_unstable();
        out
    }

    /// Which replication inclusions hold each snapshot inclusion of `snap` kind, and which
    /// unprotected rules it overlaps (snapshots are few: tries are built only when there are).
    fn relate_snapshots(&mut self, snap: FilterKind, data: FilterKind) {
        let snaps = self.ids(snap, Role::SnapshotInclude);
        if snaps.is_empty() {
            return;
        }
        let incs: Vec<usize> = self
            .ids(data, Role::Include)
            .into_iter()
            .filter(|&i| self.rep[i] as usize == i)
            .collect();
        let unps = self.ids(data, Role::Unprotected);
        let inc_trie = self.trie_of(&incs);
        let unp_trie = self.trie_of(&unps);
        for s in snaps {
            let within = self.covering_of(&inc_trie, &incs, s);
            let touches = self.overlapping_of(&unp_trie, &unps, s);
            self.snap_within.insert(s, within);
            self.snap_unprotected.insert(s, touches);
        }
    }

    /// Relate the rules of one kind: replication filters and unprotected data, or (with
    /// `snapshot`) snapshot filters among themselves.
    fn relate(&mut self, items: &[DataRef], kind: FilterKind, env: &Env, snapshot: bool) {
        let (inc_role, exc_role) = if snapshot {
            (Role::SnapshotInclude, Role::SnapshotExclude)
        } else {
            (Role::Include, Role::Exclude)
        };
        let unp = if snapshot {
            Vec::new()
        } else {
            self.ids(kind, Role::Unprotected)
        };
        // equal patterns relate alike: only one of each class goes into the tries, and lists
        // name classes, so that a pattern written many times costs no more than once (the
        // lists of rules are dropped as their classes are found, before the tries are built)
        let inc = self.classes(&self.ids(kind, inc_role));
        let exc = self.classes(&self.ids(kind, exc_role));
        let inc_trie = self.trie_of(&inc);
        let exc_trie = self.trie_of(&exc);
        // the queries only read the tries: spread over the cores, a block of classes at a time
        for block in inc.chunks(BLOCK) {
            if crate::cancel::requested() {
                return;
            }
            let this = &*self;
            let found: Vec<(Ids, Ids)> = par::map(block, par::MIN_PARALLEL, |&i| {
                // the classes covering it, its own aside
                let mut cover = this.covering_of(&inc_trie, &inc, i);
                cover.retain(|&c| c as usize != i);
                let carve = this.overlapping_of(&exc_trie, &exc, i);
                (cover.into(), carve.into())
            });
            for (&i, (cover, carve)) in block.iter().zip(found) {
                self.cover.set(i, &cover);
                self.overlap.set(i, &carve);
            }
        }
        for block in exc.chunks(BLOCK) {
            let this = &*self;
            let found: Vec<Ids> = par::map(block, par::MIN_PARALLEL, |&e| {
                this.covering_of(&inc_trie, &inc, e).into()
            });
            for (&e, cover) in block.iter().zip(found) {
                self.cover.set(e, &cover);
            }
        }
        for &u in &unp {
            let cover = self.covering_of(&exc_trie, &exc, u);
            let hits = self.overlapping_of(&inc_trie, &inc, u);
            self.cover.set(u, &cover);
            self.overlap.set(u, &hits);
        }
        if snapshot {
            return;
        }
        if kind == FilterKind::Files {
            let mut vetoed: HashMap<usize, String> = HashMap::default();
            if let Some(why) = env.engine.drive_root_veto() {
                for &r in &inc {
                    let s = self.segs(r);
                    if s.len() == 2 && s[1].is_any() {
                        vetoed.insert(r, why.to_string());
                    }
                }
            }
            for (root, why) in vetoed_roots(env) {
                inc_trie.overlapping(&root.segs, |k| {
                    vetoed.entry(inc[k]).or_insert_with(|| {
                        format!("{why} ({})", root.display.trim_end_matches("\\**"))
                    });
                    false
                });
            }
            // every rule of a vetoed class is vetoed
            for (r, why) in vetoed {
                for i in self.members(r).to_vec() {
                    self.veto.insert(i as usize, why.clone());
                }
            }
        }
        // base excludes with the pattern of some base include: the include's class
        let base_of = |i: usize| items[i].exception.is_none();
        let mut inc_by_hash: Vec<(u32, u32)> = inc
            .iter()
            .filter(|&&r| self.members(r).iter().any(|&i| base_of(i as usize)))
            .map(|&r| (self.hash(r), r as u32))
            .collect();
        inc_by_hash.sort_unstable();
        let mut same: Vec<(usize, u32)> = Vec::new();
        for &r in &exc {
            let Some(i) = self.equal_in(&inc_by_hash, self.hash(r), r) else {
                continue;
            };
            for &e in self.members(r) {
                if base_of(e as usize) {
                    same.push((e as usize, i));
                }
            }
        }
        for (e, i) in same {
            self.same.insert(e, i);
        }
    }

    /// What each exception rule replaces or protects in the base.
    fn exceptions(&mut self, items: &[DataRef]) {
        let kind_of = |i: usize| match &items[i].item.value {
            DataRule::Filter { kind, .. } => Some(*kind),
            DataRule::Unprotected { .. } => None,
        };
        // exception filters in classes of one kind and pattern (the first rule stands for
        // its class), sorted by kind and hash: a base filter finds its class by binary search
        let mut xs: Vec<((FilterKind, u32), u32)> = items
            .iter()
            .enumerate()
            .filter_map(
                |(x, d)| match (d.exception, kind_of(x), self.patterns.is_set(x)) {
                    (Some(_), Some(k), true) => Some(((k, self.hash(x)), x as u32)),
                    _ => None,
                },
            )
            .collect();
        xs.sort_unstable();
        let class_of = self.group_equal(&xs); // (rule, its class)
                                              // the first rule of each class, still sorted by key
        let reps: Vec<((FilterKind, u32), u32)> = xs
            .iter()
            .zip(&class_of)
            .filter(|(_, &(x, rep))| x == rep)
            .map(|(&x, _)| x)
            .collect();
        let mut replaced: Vec<(usize, u32)> = Vec::new();
        for (b, d) in items.iter().enumerate() {
            let (None, Some(k), true) = (d.exception, kind_of(b), self.patterns.is_set(b)) else {
                continue;
            };
            if let Some(r) = self.equal_in(&reps, (k, self.hash(b)), b) {
                replaced.push((b, r));
            }
        }
        let mut protected: Vec<(usize, usize)> = Vec::new();
        let base_unprotected: Vec<usize> = (0..items.len())
            .filter(|&i| {
                items[i].exception.is_none()
                    && self.roles[i] == Role::Unprotected
                    && self.patterns.is_set(i)
            })
            .collect();
        // base unprotected data that exception includes cover: one trie query per unprotected
        // rule (not every pair)
        let exception_includes: Vec<usize> = (0..items.len())
            .filter(|&x| {
                items[x].exception.is_some()
                    && self.roles[x] == Role::Include
                    && self.patterns.is_set(x)
            })
            .collect();
        if !exception_includes.is_empty() {
            let trie = self.trie_of(&exception_includes);
            for &u in &base_unprotected {
                let by = self.covering_of(&trie, &exception_includes, u);
                protected.extend(by.into_iter().map(|x| (u, x as usize)));
            }
            protected.sort_unstable_by_key(|&(u, x)| (x, u));
        }
        // a base rule is replaced where some rule of its exception class holds
        let matched: rustc_hash::FxHashSet<u32> = replaced.iter().map(|&(_, r)| r).collect();
        for (b, r) in replaced {
            self.replaced_by.insert(b, r);
        }
        for (x, r) in class_of {
            if matched.contains(&r) {
                self.exception_class.push((x, r));
                self.overrides[x as usize] = true;
            }
        }
        for (u, x) in protected {
            self.protected_by.entry(u).or_default().push(x as u32);
            self.overrides[x] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    /// Relations that a newer edit supersedes stop before resolving a rule: their check is
    /// given up, and nothing reads them.
    #[test]
    fn a_superseded_check_builds_no_relations() {
        let text = "amx \"x\" {\n versions 2021-06-15\n data {\n  files include 'C:\\App\\**'\n  files exclude 'C:\\App\\tmp\\**'\n  registry include 'HKLM\\SOFTWARE\\App\\**'\n }\n}\n";
        let policy = crate::parse::parse(0, text).value.expect("policy");
        let env =
            Env::bare(crate::ast::Date::parse("2021-06-15", Default::default()).expect("date"));
        let items = data_items(&policy);
        let (_, kept) = Relations::build_keeping(&policy, &env, &items, true);
        assert_eq!(kept.len(), 3);
        let given_up = Arc::new(AtomicBool::new(true));
        let (rel, kept) = crate::cancel::scope(&given_up, || {
            Relations::build_keeping(&policy, &env, &items, true)
        });
        assert!(kept.is_empty(), "no rule resolved");
        assert!(rel.vetoes().is_empty());
    }
}
