//! Which data rules hold, and what the product makes of each: the filter semantics, stated
//! once. Validation asks it for every group of configurations, compile for one server.
//!
//! - An exception filter replaces every base filter of the same kind and pattern, wherever
//!   one rule of its class holds.
//! - An exception inclusion protects base unprotected data that it covers.
//! - An inclusion inside another one that holds (or equal to an earlier one) is *covered*:
//!   the product uses the superset — unless an exclusion that holds carves into it.
//! - An exclusion outside every inclusion that holds is *not a subset of an inclusion*: the
//!   product ignores it.
//!
//! Snapshot filters follow the same rules among themselves.

use super::relations::{list, DataRef, Relations, Role};

/// The rules that hold in one group of configurations (or on one server), over relations
/// built for its path environment.
pub struct Holding<'r, 'a> {
    rel: &'r Relations<'a>,
    /// Rule holds here and is neither replaced nor protected.
    on: Vec<bool>,
    /// By class: the first rule of the class that is on, or `u32::MAX`.
    first_on: Vec<u32>,
}

/// What the product makes of a rule that is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Used as written.
    Effective,
    /// An inclusion inside inclusion `by` (or equal to an earlier one): the superset is used.
    Covered { by: usize },
    /// An exclusion outside every inclusion: ignored.
    NotSubsetOfInclusion,
}

impl<'r, 'a> Holding<'r, 'a> {
    /// `active[i]`: rule `i`'s condition holds and so does its exception, if any.
    pub fn new(rel: &'r Relations<'a>, active: &[bool]) -> Self {
        let n = active.len();
        // exception rules replace base ones; exception includes protect base unprotected data
        let live: rustc_hash::FxHashSet<u32> = rel
            .exception_class
            .iter()
            .filter(|&&(x, _)| active[x as usize])
            .map(|&(_, r)| r)
            .collect();
        let on: Vec<bool> = (0..n)
            .map(|i| {
                active[i]
                    && rel.patterns.is_set(i)
                    && !rel.replaced_by.get(&i).is_some_and(|r| live.contains(r))
                    && !list(&rel.protected_by, i)
                        .iter()
                        .any(|&x| active[x as usize])
            })
            .collect();
        let mut first_on = vec![u32::MAX; n];
        for i in (0..n).filter(|&i| on[i]) {
            let r = rel.rep[i] as usize;
            if first_on[r] == u32::MAX {
                first_on[r] = i as u32;
            }
        }
        Holding { rel, on, first_on }
    }

    /// Whether rule `i` holds here and is neither replaced nor protected by an exception.
    pub fn on(&self, i: usize) -> bool {
        self.on[i]
    }

    /// The first rule, among those of the listed classes, that is on.
    fn any_on(&self, classes: &[u32]) -> Option<usize> {
        classes
            .iter()
            .map(|&r| self.first_on[r as usize])
            .min()
            .filter(|&j| j != u32::MAX)
            .map(|j| j as usize)
    }

    /// Whether an exclusion that is on overlaps inclusion `i`.
    pub fn carved(&self, i: usize) -> bool {
        self.any_on(self.rel.overlap.get(self.rel.rep[i] as usize))
            .is_some()
    }

    /// The inclusion that covers inclusion `i`: an earlier rule of its own class, or the first
    /// rule of a covering class, that is on.
    pub fn covering(&self, i: usize) -> Option<usize> {
        let r = self.rel.rep[i] as usize;
        let earlier = Some(self.first_on[r] as usize).filter(|&j| j < i);
        let covering = self.any_on(self.rel.cover.get(r));
        earlier.into_iter().chain(covering).min()
    }

    /// The first inclusion that is on and holds exclusion `e`.
    pub fn inside(&self, e: usize) -> Option<usize> {
        self.any_on(self.rel.cover.get(self.rel.rep[e] as usize))
    }

    /// Whether exception inclusion `i` replaces or protects something of the base.
    pub fn overrides(&self, i: usize) -> bool {
        self.rel.overrides[i]
    }

    /// What the product makes of rule `i`, which is on.
    pub fn state(&self, i: usize) -> State {
        match self.rel.role(i) {
            Role::Include | Role::SnapshotInclude => match self.covering(i) {
                Some(by) if !self.carved(i) => State::Covered { by },
                _ => State::Effective,
            },
            Role::Exclude | Role::SnapshotExclude => match self.inside(i) {
                Some(_) => State::Effective,
                None => State::NotSubsetOfInclusion,
            },
            Role::Unprotected => State::Effective,
        }
    }

    /// Whether an exclusion that is on holds unprotected rule `u`.
    pub fn excluded(&self, u: usize) -> bool {
        self.any_on(self.rel.cover.get(u)).is_some()
    }

    /// The base inclusions that are on and overlap unprotected rule `u`, in rule order.
    pub fn overlapping_base_includes(&self, u: usize, items: &[DataRef]) -> Vec<usize> {
        let mut hits: Vec<usize> = self
            .rel
            .overlap
            .get(u)
            .iter()
            .flat_map(|&r| self.rel.members(r as usize))
            .map(|&j| j as usize)
            .filter(|&j| self.on[j] && items[j].exception.is_none())
            .collect();
        hits.sort_unstable();
        hits
    }

    /// The first base inclusion that is on with the pattern of base exclusion `e`.
    pub fn same_base_include(&self, e: usize, items: &[DataRef]) -> Option<usize> {
        let r = *self.rel.same.get(&e)?;
        self.first_base_on(r as usize, items)
    }

    /// Whether snapshot inclusion `s` holds data that no replication inclusion that is on holds
    /// whole (the Data Rollback Module snapshots protected data only).
    pub fn snapshot_unreplicated(&self, s: usize) -> bool {
        self.any_on(list(&self.rel.snap_within, s)).is_none()
    }

    /// The first unprotected rule that is on, not excluded, and overlaps snapshot inclusion `s`.
    pub fn snapshot_unprotected(&self, s: usize) -> Option<usize> {
        list(&self.rel.snap_unprotected, s)
            .iter()
            .map(|&u| u as usize)
            .find(|&u| self.on[u] && !self.excluded(u))
    }

    /// The first base rule of class `r` that is on.
    fn first_base_on(&self, r: usize, items: &[DataRef]) -> Option<usize> {
        self.rel
            .members(r)
            .iter()
            .map(|&j| j as usize)
            .find(|&j| self.on[j] && items[j].exception.is_none())
    }

    /// For each exception rule that is on and replaces or protects something of the base
    /// here: the first such base rule (a base filter of its kind and pattern, else base
    /// unprotected data it covers).
    pub fn overridden(&self, items: &[DataRef], active: &[bool]) -> Vec<(usize, usize)> {
        let base = |b: usize| active[b] && items[b].exception.is_none();
        // the first base rule that holds, per exception class that replaces it
        let mut first_replaced: rustc_hash::FxHashMap<u32, usize> = Default::default();
        let mut replaced: Vec<(usize, u32)> = self
            .rel
            .replaced_by
            .iter()
            .filter(|&(&b, _)| base(b))
            .map(|(&b, &c)| (b, c))
            .collect();
        replaced.sort_unstable();
        for (b, c) in replaced {
            first_replaced.entry(c).or_insert(b);
        }
        let mut first_protected: rustc_hash::FxHashMap<u32, usize> = Default::default();
        let mut protected: Vec<(usize, u32)> = self
            .rel
            .protected_by
            .iter()
            .filter(|&(&u, _)| base(u))
            .flat_map(|(&u, xs)| xs.iter().map(move |&x| (u, x)))
            .collect();
        protected.sort_unstable();
        for (u, x) in protected {
            first_protected.entry(x).or_insert(u);
        }
        let mut out: Vec<(usize, usize)> = self
            .rel
            .exception_class
            .iter()
            .filter(|&&(x, _)| self.on[x as usize])
            .filter_map(|&(x, c)| first_replaced.get(&c).map(|&b| (x as usize, b)))
            .collect();
        for (&x, &u) in &first_protected {
            if self.on[x as usize] && !out.iter().any(|&(y, _)| y == x as usize) {
                out.push((x as usize, u));
            }
        }
        out.sort_unstable();
        out
    }

    /// For base rule `b`, which holds: the exception rules that hold and override it, in rule
    /// order, each with how — `Replaced` (an exception filter of its kind and pattern) or
    /// `Protected` (an exception inclusion covering base unprotected data).
    pub fn overridden_by(&self, b: usize, active: &[bool]) -> Vec<(usize, Override)> {
        let mut out: Vec<(usize, Override)> = Vec::new();
        if let Some(&c) = self.rel.replaced_by.get(&b) {
            out.extend(
                self.rel
                    .exception_class
                    .iter()
                    .filter(|&&(x, class)| class == c && active[x as usize])
                    .map(|&(x, _)| (x as usize, Override::Replaced)),
            );
        }
        out.extend(
            list(&self.rel.protected_by, b)
                .iter()
                .filter(|&&x| active[x as usize])
                .map(|&x| (x as usize, Override::Protected)),
        );
        out.sort_unstable_by_key(|&(x, _)| x);
        out.dedup_by_key(|&mut (x, _)| x);
        out
    }
}

/// How an exception rule overrides a base rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    /// An exception filter of the same kind and pattern takes its place.
    Replaced,
    /// An exception inclusion protects base unprotected data after all.
    Protected,
}

impl Override {
    pub fn as_str(self) -> &'static str {
        match self {
            Override::Replaced => "replaced",
            Override::Protected => "protected",
        }
    }
}
