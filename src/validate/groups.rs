//! The configuration space, grouped before anything is evaluated: configurations alike in
//! everything the policy can read — the release, the dimensions that paths and the platform
//! rules use, and the truth of every condition — are one group, evaluated once.
//!
//! Grouping costs a few bit operations per configuration: each condition is compiled against
//! the matrix into truth tables (per release, per value of a dimension, per component) that
//! [`eval`] itself fills in, so the compiled form can never disagree with it; no environment
//! is built for a configuration until it stands for its group.

use crate::ast::{CondKind, Condition};
use crate::engine::windows;
use crate::lower::{eval, DimVal, Env};
use crate::matrix::{Config, Matrix};
use rustc_hash::FxHashMap;

/// A condition compiled against one matrix.
enum Compiled {
    Const(bool),
    /// By release index.
    Release(Vec<bool>),
    /// By value index of dimension `dim`.
    Dim {
        dim: usize,
        truth: Vec<bool>,
    },
    Has(usize),
    ManagementIp,
    Not(Box<Compiled>),
    And(Vec<Compiled>),
    Or(Vec<Compiled>),
}

impl Compiled {
    fn of(c: &Condition, m: &Matrix) -> Compiled {
        match &c.kind {
            CondKind::Or(xs) => Compiled::Or(xs.iter().map(|x| Compiled::of(x, m)).collect()),
            CondKind::And(xs) => Compiled::And(xs.iter().map(|x| Compiled::of(x, m)).collect()),
            CondKind::Not(x) => Compiled::Not(Box::new(Compiled::of(x, m))),
            CondKind::ManagementIp => Compiled::ManagementIp,
            CondKind::Has(_, sym) => match m.components.iter().position(|k| k.sym == *sym) {
                Some(i) => Compiled::Has(i),
                None => Compiled::Const(false),
            },
            CondKind::Release { .. } => Compiled::Release(
                m.releases
                    .iter()
                    .map(|r| eval(c, &Env::bare(r.date)))
                    .collect(),
            ),
            CondKind::Compare { dimension, .. } => {
                let Some(first) = m.releases.first() else {
                    return Compiled::Const(false);
                };
                let Some(dim) = m.dimensions.iter().position(|d| d.name == dimension.text) else {
                    return Compiled::Const(false);
                };
                let d = &m.dimensions[dim];
                let truth = (0..d.values.len())
                    .map(|v| {
                        let mut env = Env::bare(first.date);
                        env.dims.insert(d.sym, DimVal::of(d, v));
                        eval(c, &env)
                    })
                    .collect();
                Compiled::Dim { dim, truth }
            }
        }
    }

    fn holds(&self, c: &Config) -> bool {
        match self {
            Compiled::Const(b) => *b,
            Compiled::Release(t) => t[c.release],
            Compiled::Dim { dim, truth } => truth[c.values[*dim]],
            Compiled::Has(i) => c.has(*i),
            Compiled::ManagementIp => c.management_ip,
            Compiled::Not(x) => !x.holds(c),
            Compiled::And(xs) => xs.iter().all(|x| x.holds(c)),
            Compiled::Or(xs) => xs.iter().any(|x| x.holds(c)),
        }
    }
}

/// A grouping key: a few words, inline (no allocation) up to four.
pub type Key = smallvec::SmallVec<[u64; 4]>;

/// Configurations in groups that the policy cannot tell apart.
pub struct Alike {
    /// Each group's members in increasing order (compressed rows: group `g`'s are
    /// `members[offsets[g]..offsets[g + 1]]`); groups in the order of their first member.
    offsets: Vec<u32>,
    members: Vec<u32>,
    /// Each group's key end to end, `stride` words each: its release, its values of the
    /// dimensions read outside conditions (`read`), its truth of every distinct condition as
    /// bits (from word `at`).
    keys: Vec<u64>,
    stride: usize,
    at: usize,
    /// The bit of each distinct condition, by its text.
    ids: FxHashMap<String, usize>,
}

impl Alike {
    /// The number of groups.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The configurations of group `g`, in increasing order.
    pub fn members(&self, g: usize) -> &[u32] {
        &self.members[self.offsets[g] as usize..self.offsets[g + 1] as usize]
    }

    /// The first configuration of group `g`, which stands for it.
    pub fn first(&self, g: usize) -> usize {
        self.members[self.offsets[g] as usize] as usize
    }

    fn key(&self, g: usize) -> &[u64] {
        &self.keys[g * self.stride..(g + 1) * self.stride]
    }

    /// Group `g`'s values of the dimensions read outside conditions, as words.
    pub fn dims(&self, g: usize) -> &[u64] {
        &self.key(g)[1..self.at]
    }

    fn bit(&self, g: usize, k: usize) -> bool {
        k != usize::MAX && self.key(g)[self.at + k / 64] & (1 << (k % 64)) != 0
    }

    /// The truth of each of `conds` in group `g`.
    pub fn truth(&self, g: usize, ids: &[usize]) -> Vec<bool> {
        ids.iter().map(|&k| self.bit(g, k)).collect()
    }

    /// The truth of each of `ids` in group `g`, packed as bits onto the end of `key`: a
    /// compact key for a coarser grouping.
    pub fn pack(&self, g: usize, ids: &[usize], key: &mut Key) {
        let bits = &self.key(g)[self.at..];
        let at = key.len();
        key.resize(at + ids.len().div_ceil(64), 0);
        for (i, &k) in ids.iter().enumerate() {
            if k != usize::MAX && bits[k / 64] & (1 << (k % 64)) != 0 {
                key[at + i / 64] |= 1 << (i % 64);
            }
        }
    }

    /// The bits of `conds`, each one of the conditions grouped by (a condition that was not
    /// would read as false: every condition of the policy is grouped by).
    pub fn ids(&self, conds: &[&Condition]) -> Vec<usize> {
        conds
            .iter()
            .map(|c| {
                let id = self.ids.get(&c.to_string()).copied();
                debug_assert!(id.is_some(), "condition `{c}` was not grouped by");
                id.unwrap_or(usize::MAX)
            })
            .collect()
    }
}

/// The groups of an [`Alike`] gathered into coarser parts (those a check cannot tell apart),
/// each part listing its groups in increasing order — compressed rows, a few bytes a group,
/// instead of a list of configurations per part.
pub struct Parts {
    offsets: Vec<u32>,
    groups: Vec<u32>,
}

/// `bits` packed onto the end of `key`, 64 to a word.
pub fn pack_bools(bits: &[bool], key: &mut Key) {
    key.extend(bits.chunks(64).map(|c| {
        c.iter()
            .enumerate()
            .fold(0u64, |w, (i, &b)| w | (u64::from(b) << i))
    }));
}

impl Parts {
    /// The `groups` groups of an [`Alike`] gathered by their key (`key_of(g, key)` writes
    /// it; keys made on every core): groups with equal keys form one part, parts numbered in
    /// the order of their first group.
    pub fn by_key(groups: usize, key_of: impl Fn(usize, &mut Key) + Sync) -> Parts {
        let (part_of, count) = part_by_key(groups, key_of);
        Parts::new(&part_of, count)
    }

    /// Parts from the part of each group (`part_of[g]`), `count` of them.
    pub fn new(part_of: &[u32], count: usize) -> Parts {
        let mut offsets = vec![0u32; count + 1];
        for &p in part_of {
            offsets[p as usize + 1] += 1;
        }
        for i in 0..count {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut groups = vec![0u32; part_of.len()];
        for (g, &p) in part_of.iter().enumerate() {
            groups[next[p as usize] as usize] = g as u32;
            next[p as usize] += 1;
        }
        Parts { offsets, groups }
    }

    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The groups of part `p`, in increasing order (the first holds its first configuration).
    pub fn groups(&self, p: usize) -> &[u32] {
        &self.groups[self.offsets[p] as usize..self.offsets[p + 1] as usize]
    }

    /// The configurations of part `p`, in increasing order.
    pub fn members(&self, alike: &Alike, p: usize) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .groups(p)
            .iter()
            .flat_map(|&g| alike.members(g as usize).iter().map(|&m| m as usize))
            .collect();
        out.sort_unstable();
        out
    }
}

/// The configurations of `configs` in groups that the policy cannot tell apart. `path_dims` are
/// the dimensions the policy's paths use; `conditions` all it has.
pub fn of(conditions: &[&Condition], m: &Matrix, configs: &[Config], path_dims: &[usize]) -> Alike {
    let mut ids: FxHashMap<String, usize> = FxHashMap::default();
    let mut compiled: Vec<Compiled> = Vec::new();
    for c in conditions {
        let next = compiled.len();
        if *ids.entry(c.to_string()).or_insert(next) == next {
            compiled.push(Compiled::of(c, m));
        }
    }
    // the dimensions read outside conditions: those paths use, and the platform's
    let mut read: Vec<usize> = path_dims.to_vec();
    for name in [windows::DIM_ARCH, windows::DIM_OS, windows::DIM_PRODUCT] {
        if let Some(i) = m.dimensions.iter().position(|d| d.name == name) {
            read.push(i);
        }
    }
    read.sort_unstable();
    read.dedup();
    let words = compiled.len().div_ceil(64).max(1);
    let at = 1 + read.len();
    // a configuration's key: release, the dimensions read, the bits of the conditions
    let key_of = |c: &Config| {
        let mut key = Key::with_capacity(at + words);
        key.push(c.release as u64);
        key.extend(read.iter().map(|&d| c.values[d] as u64));
        key.resize(at + words, 0);
        for (k, x) in compiled.iter().enumerate() {
            if x.holds(c) {
                key[at + k / 64] |= 1 << (k % 64);
            }
        }
        key
    };
    // blocks of configurations grouped on every core: each block's keys in the order of their
    // first member, and the block's group of each configuration
    let blocks: Vec<&[Config]> = configs.chunks(BLOCK).collect();
    let grouped: Vec<(Vec<Key>, Vec<u32>)> = crate::par::map(&blocks, 2, |cs| {
        let mut index: FxHashMap<Key, u32> = FxHashMap::default();
        let mut local: Vec<Key> = Vec::new();
        index.reserve(cs.len());
        let group_of = cs
            .iter()
            .map(|c| {
                let key = key_of(c);
                let next = local.len() as u32;
                *index.entry(key).or_insert_with_key(|k| {
                    local.push(k.clone());
                    next
                })
            })
            .collect();
        (local, group_of)
    });
    // then merged in block order, which keeps the order of first members overall
    let stride = at + words;
    let locals: Vec<Key> = grouped
        .iter()
        .flat_map(|(local, _)| local.iter().cloned())
        .collect();
    let (number, count) = numbered(&locals);
    let mut keys: Vec<u64> = vec![0; count * stride];
    for (key, &g) in locals.iter().zip(&number) {
        keys[g as usize * stride..(g as usize + 1) * stride].copy_from_slice(key);
    }
    let mut globals: Vec<&[u32]> = Vec::with_capacity(grouped.len());
    let mut rest = &number[..];
    for (local, _) in &grouped {
        let (these, after) = rest.split_at(local.len());
        globals.push(these);
        rest = after;
    }
    // each group's members, in increasing order
    let mut offsets = vec![0u32; count + 1];
    for ((_, group_of), global) in grouped.iter().zip(&globals) {
        for &l in group_of {
            offsets[global[l as usize] as usize + 1] += 1;
        }
    }
    for i in 0..count {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut members = vec![0u32; configs.len()];
    let mut c = 0u32;
    for ((_, group_of), global) in grouped.iter().zip(&globals) {
        for &l in group_of {
            let g = global[l as usize] as usize;
            members[next[g] as usize] = c;
            next[g] += 1;
            c += 1;
        }
    }
    Alike {
        offsets,
        members,
        keys,
        stride,
        at,
        ids,
    }
}

/// The part of each of `groups` groups by their key (`key_of(g, key)` writes it; keys made on
/// every core), parts numbered in the order of their first group, and how many parts there are.
pub fn part_by_key(groups: usize, key_of: impl Fn(usize, &mut Key) + Sync) -> (Vec<u32>, usize) {
    let all: Vec<usize> = (0..groups).collect();
    let keys: Vec<Key> = crate::par::map(&all, BLOCK, |&g| {
        let mut key = Key::new();
        key_of(g, &mut key);
        key
    });
    numbered(&keys)
}

/// [`numbered`] in one pass on one core.
fn in_one_pass(keys: &[Key]) -> (Vec<u32>, usize) {
    let mut index: FxHashMap<&Key, u32> = FxHashMap::default();
    let number: Vec<u32> = keys
        .iter()
        .map(|k| {
            let next = index.len() as u32;
            *index.entry(k).or_insert(next)
        })
        .collect();
    (number, index.len())
}

/// Each key's number, keys numbered in the order of their first occurrence (equal keys, equal
/// numbers), and how many distinct keys there are. Found on every core: keys are hashed once
/// and dealt to shards by hash, each shard finds the first occurrence of its keys by that hash
/// (comparing keys only when hashes are equal), and the first occurrences are numbered in
/// order.
fn numbered(keys: &[Key]) -> (Vec<u32>, usize) {
    use std::hash::BuildHasher;
    numbered_by(keys, |k| rustc_hash::FxBuildHasher.hash_one(k))
}

/// [`numbered`] with the hash of keys given (tests give one under which keys clash).
fn numbered_by(keys: &[Key], hash: impl Fn(&Key) -> u64 + Sync) -> (Vec<u32>, usize) {
    use rayon::prelude::*;
    use std::collections::hash_map::Entry;
    const SHARDS: u64 = 16;
    if keys.len() < BLOCK {
        return in_one_pass(keys);
    }
    let hashes: Vec<u64> = keys.par_iter().map(&hash).collect();
    // each shard's keys, in occurrence order, dealt in one pass
    let mut dealt: Vec<Vec<u32>> = vec![Vec::new(); SHARDS as usize];
    for (i, &h) in hashes.iter().enumerate() {
        dealt[(h % SHARDS) as usize].push(i as u32);
    }
    // the first occurrence of each of a shard's keys, in the shard's order
    let firsts: Vec<Vec<u32>> = dealt
        .par_iter()
        .map(|mine| {
            // by hash: the first key with it; keys of equal hash but unequal (rare) by key
            let mut index: FxHashMap<u64, u32> =
                FxHashMap::with_capacity_and_hasher(mine.len(), Default::default());
            let mut clashes: FxHashMap<&Key, u32> = FxHashMap::default();
            mine.iter()
                .map(|&i| match index.entry(hashes[i as usize]) {
                    Entry::Vacant(v) => *v.insert(i),
                    Entry::Occupied(o) if keys[*o.get() as usize] == keys[i as usize] => *o.get(),
                    Entry::Occupied(_) => *clashes.entry(&keys[i as usize]).or_insert(i),
                })
                .collect()
        })
        .collect();
    let mut first = vec![0u32; keys.len()];
    for (mine, firsts) in dealt.iter().zip(&firsts) {
        for (&i, &f) in mine.iter().zip(firsts) {
            first[i as usize] = f;
        }
    }
    let mut number = vec![0u32; keys.len()];
    let mut count = 0u32;
    for i in 0..keys.len() {
        number[i] = if first[i] as usize == i {
            count += 1;
            count - 1
        } else {
            number[first[i] as usize]
        };
    }
    (number, count as usize)
}

/// Configurations grouped at a time on one core.
const BLOCK: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys numbered on every core are numbered as one pass in order would number them.
    #[test]
    fn keys_are_numbered_by_first_occurrence() {
        for (n, distinct) in [(10, 3), (BLOCK * 3 + 7, 1000), (BLOCK * 2, BLOCK * 2)] {
            // a fixed scramble: repeats spread over the whole list
            let keys: Vec<Key> = (0..n)
                .map(|i| {
                    let k = (i as u64).wrapping_mul(2_654_435_761) % distinct as u64;
                    Key::from_slice(&[k, k % 7])
                })
                .collect();
            let (want, count) = in_one_pass(&keys);
            assert!(count <= distinct);
            assert_eq!(numbered(&keys), (want.clone(), count), "{n} keys");
            // keys whose hashes are equal though they are not: compared, never merged
            let clashing = numbered_by(&keys, |k| k[0] % 5);
            assert_eq!(clashing, (want, count), "{n} keys, 5 hashes");
        }
    }

    #[test]
    fn compiled_conditions_agree_with_eval_in_every_configuration() {
        let m = crate::matrix::load(
            0,
            "amx: x\ndimensions:\n  app: { kind: version, values: [\"5.0\", \"6.0\", \"6.5\"] }\n  arch: { kind: enum, values: [x86, x64] }\ncomponents:\n  av: AV\n  db: DB\nversions:\n  \"2007-03-27\": {}\n  \"2007-07-11\": {}\n",
        )
        .into_parts()
        .0
        .expect("matrix");
        let text = "amx \"x\" {\n versions 2007-03-27, 2007-07-11\n advise \"a\" when app >= 6.0 and not has(av) or arch == x64\n advise \"b\" when version < 2007-07-11 or management-ip\n advise \"c\" when not (has(db) and app != 6.5) and has(nothing)\n}\n";
        let policy = crate::parse::parse(0, text).into_parts().0.expect("policy");
        let claims = crate::matrix::Claims::of(&policy, &m);
        let space = crate::matrix::enumerate(&m, &claims, (0, policy.span)).expect("space");
        let conds = policy.conditions();
        assert_eq!(conds.len(), 3);
        for c in &space.configs {
            let env = Env::of_config(&m, c);
            for cond in &conds {
                assert_eq!(Compiled::of(cond, &m).holds(c), eval(cond, &env), "{cond}");
            }
        }
    }
}
