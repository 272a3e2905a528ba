//! `amxc coverage`: a real server's paths (as `dir /s /b` lists them, and registry keys)
//! classified against the filters compiled for it — replicated, excluded, unprotected, or
//! outside every filter — with the rule that decided.

use crate::ast::{FilterKind, FilterMode};
use crate::filters::Trie;
use crate::plan::Plan;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Matched by an inclusion and no exclusion (or a folder on the way to a filter).
    Replicated,
    /// Matched by an inclusion and an exclusion.
    Excluded,
    /// Matched by no inclusion but declared unprotected.
    Unprotected,
    /// Matched by nothing.
    Outside,
    /// Not an absolute path or registry key.
    Invalid,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Replicated => "replicated",
            Class::Excluded => "excluded",
            Class::Unprotected => "unprotected",
            Class::Outside => "outside",
            Class::Invalid => "invalid",
        }
    }
}

/// A rule that can decide: a filter of the plan or an unprotected entry.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    /// `files include`, `registry exclude`, `unprotected`, …
    pub kind: String,
    pub pattern: String,
    pub origin: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub class: Class,
    /// Index into [`Classifier::rules`].
    pub rule: Option<usize>,
    /// Replicated only because a filter lies below this folder.
    pub implied: bool,
}

struct Side {
    include: Trie,
    exclude: Trie,
    unprotected: Trie,
    /// Rule index per trie id, per trie.
    inc_rules: Vec<usize>,
    exc_rules: Vec<usize>,
    unp_rules: Vec<usize>,
    /// Segment count per rule, to prefer the most specific.
    depth: Vec<usize>,
}

pub struct Classifier {
    pub rules: Vec<Rule>,
    files: Side,
    registry: Side,
}

fn side() -> Side {
    Side {
        include: Trie::new(),
        exclude: Trie::new(),
        unprotected: Trie::new(),
        inc_rules: Vec::new(),
        exc_rules: Vec::new(),
        unp_rules: Vec::new(),
        depth: Vec::new(),
    }
}

impl Classifier {
    pub fn new(plan: &Plan) -> Classifier {
        let mut c = Classifier {
            rules: Vec::new(),
            files: side(),
            registry: side(),
        };
        for f in plan
            .filters
            .iter()
            .filter(|f| f.kind != FilterKind::Snapshot)
        {
            let s = if f.kind == FilterKind::Registry {
                &mut c.registry
            } else {
                &mut c.files
            };
            let id = c.rules.len();
            let mode = f.mode.as_str();
            let kind = if f.kind == FilterKind::Registry {
                "registry"
            } else {
                "files"
            };
            c.rules.push(Rule {
                kind: format!("{kind} {mode}"),
                pattern: f.pattern.display.clone(),
                origin: plan.origin_of(&f.origin),
            });
            if f.mode == FilterMode::Include {
                s.include.insert(&f.pattern.segs, s.inc_rules.len());
                s.inc_rules.push(id);
            } else {
                s.exclude.insert(&f.pattern.segs, s.exc_rules.len());
                s.exc_rules.push(id);
            }
            s.depth.resize(id + 1, 0);
            s.depth[id] = f.pattern.segs.len();
        }
        for u in &plan.ev.unprotected {
            let registry = u.pattern.drive().is_none();
            let s = if registry {
                &mut c.registry
            } else {
                &mut c.files
            };
            let id = c.rules.len();
            c.rules.push(Rule {
                kind: "unprotected".into(),
                pattern: u.pattern.display.clone(),
                origin: plan.origin_of(&u.origin),
            });
            s.unprotected.insert(&u.pattern.segs, s.unp_rules.len());
            s.unp_rules.push(id);
            s.depth.resize(id + 1, 0);
            s.depth[id] = u.pattern.segs.len();
        }
        c
    }

    /// Lower-case a listed path into `buf` and split it; `None` when it is neither an
    /// absolute file path nor a registry key. The flag is true for registry keys.
    fn split<'b>(path: &str, buf: &'b mut String) -> Option<(bool, Segs<'b>)> {
        let p = path.trim_end_matches(['\r', '\n']).trim();
        buf.clear();
        buf.push_str(p);
        if buf.is_ascii() {
            buf.make_ascii_lowercase();
        } else {
            *buf = buf.to_lowercase();
        }
        let mut parts = buf.split(['\\', '/']).filter(|s| !s.is_empty());
        let first = parts.next()?;
        let mut segs = Segs::default();
        segs.push(first);
        if first.len() == 2 && first.ends_with(':') && first.as_bytes()[0].is_ascii_alphabetic() {
            // the file Windows opens: trailing dots and spaces of a name dropped, `.` and
            // `..` resolved (never above the drive), as GetFullPathName does
            for part in parts {
                match part.trim_end_matches(['.', ' ']) {
                    "" if part.starts_with("..") && part.trim_end_matches(' ') == ".." => {
                        segs.pop_above_root()
                    }
                    "" => {}
                    name => segs.push(name),
                }
            }
            return Some((false, segs));
        }
        for part in parts {
            segs.push(part);
        }
        segs[0] = crate::filters::lower_hive(first)?;
        Some((true, segs))
    }

    /// Classify one path. `scratch` is reused between calls to avoid allocation.
    pub fn classify(&self, path: &str, scratch: &mut Scratch) -> Verdict {
        let Scratch { buf, stack } = scratch;
        let Some((registry, segs)) = Self::split(path, buf) else {
            return Verdict {
                class: Class::Invalid,
                rule: None,
                implied: false,
            };
        };
        let side = if registry {
            &self.registry
        } else {
            &self.files
        };
        let mut best = |trie: &Trie, ids: &[usize]| -> Option<usize> {
            let mut found: Option<usize> = None;
            trie.matching_in(&segs, stack, |k| {
                let r = ids[k];
                if found.is_none_or(|f| {
                    side.depth[r] > side.depth[f] || side.depth[r] == side.depth[f] && r < f
                }) {
                    found = Some(r);
                }
                false
            });
            found
        };
        if let Some(inc) = best(&side.include, &side.inc_rules) {
            return match best(&side.exclude, &side.exc_rules) {
                Some(exc) => Verdict {
                    class: Class::Excluded,
                    rule: Some(exc),
                    implied: false,
                },
                None => Verdict {
                    class: Class::Replicated,
                    rule: Some(inc),
                    implied: false,
                },
            };
        }
        if let Some(u) = best(&side.unprotected, &side.unp_rules) {
            return Verdict {
                class: Class::Unprotected,
                rule: Some(u),
                implied: false,
            };
        }
        if side.include.below(&segs) {
            return Verdict {
                class: Class::Replicated,
                rule: None,
                implied: true,
            };
        }
        Verdict {
            class: Class::Outside,
            rule: None,
            implied: false,
        }
    }

    /// Classify paths, in order, spread over the cores.
    pub fn classify_all(&self, paths: &[&str]) -> Vec<Verdict> {
        crate::par::map_init(paths, 4096, Scratch::default, |scratch, p| {
            self.classify(p, scratch)
        })
    }

    /// Every rule that matches `path`, in rule order, for `explain-path`.
    pub fn matching_rules(&self, path: &str) -> Vec<usize> {
        let mut buf = String::new();
        let Some((registry, segs)) = Self::split(path, &mut buf) else {
            return Vec::new();
        };
        let side = if registry {
            &self.registry
        } else {
            &self.files
        };
        let mut out = Vec::new();
        for (trie, ids) in [
            (&side.include, &side.inc_rules),
            (&side.exclude, &side.exc_rules),
            (&side.unprotected, &side.unp_rules),
        ] {
            trie.matching(&segs, |k| {
                out.push(ids[k]);
                false
            });
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A listed path's segments: on the stack for all but very deep paths, since classifying
/// is the hot loop of coverage. (Large by design: it lives on the stack for one call.)
#[allow(clippy::large_enum_variant)]
enum Segs<'b> {
    Few([&'b str; 32], usize),
    Many(Vec<&'b str>),
}

impl Default for Segs<'_> {
    fn default() -> Self {
        Segs::Few([""; 32], 0)
    }
}

impl<'b> Segs<'b> {
    /// Drop the last name, but never the first (the drive).
    fn pop_above_root(&mut self) {
        match self {
            Segs::Few(_, n) if *n > 1 => *n -= 1,
            Segs::Many(v) if v.len() > 1 => {
                v.pop();
            }
            _ => {}
        }
    }

    fn push(&mut self, s: &'b str) {
        match self {
            Segs::Few(a, n) if *n < a.len() => {
                a[*n] = s;
                *n += 1;
            }
            Segs::Few(a, n) => {
                let mut v = a[..*n].to_vec();
                v.push(s);
                *self = Segs::Many(v);
            }
            Segs::Many(v) => v.push(s),
        }
    }
}

impl<'b> std::ops::Deref for Segs<'b> {
    type Target = [&'b str];
    fn deref(&self) -> &[&'b str] {
        match self {
            Segs::Few(a, n) => &a[..*n],
            Segs::Many(v) => v,
        }
    }
}

impl std::ops::DerefMut for Segs<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        match self {
            Segs::Few(a, n) => &mut a[..*n],
            Segs::Many(v) => v,
        }
    }
}

/// Buffers a classification reuses from one path to the next.
#[derive(Default)]
pub struct Scratch {
    buf: String,
    stack: Vec<(usize, usize)>,
}

/// Counts per class and per rule over a listing.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub paths: usize,
    pub replicated: usize,
    pub excluded: usize,
    pub unprotected: usize,
    pub outside: usize,
    pub invalid: usize,
    /// Paths decided by each rule, in rule order.
    pub by_rule: Vec<usize>,
}

impl Summary {
    pub fn new(rules: usize) -> Self {
        Summary {
            by_rule: vec![0; rules],
            ..Default::default()
        }
    }

    pub fn add(&mut self, v: Verdict) {
        self.paths += 1;
        match v.class {
            Class::Replicated => self.replicated += 1,
            Class::Excluded => self.excluded += 1,
            Class::Unprotected => self.unprotected += 1,
            Class::Outside => self.outside += 1,
            Class::Invalid => self.invalid += 1,
        }
        if let Some(r) = v.rule {
            self.by_rule[r] += 1;
        }
    }
}
