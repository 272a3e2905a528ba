//! A trie over pattern segments. Queries walk only the branches a pattern can relate to —
//! one hash lookup per literal segment, plus the (few) wildcard branches — so relating every
//! filter to all others costs near-linear time in the number of filters.

use super::glob::{glob_match, overlaps, subset};
use super::Seg;
use rustc_hash::FxHashMap;

/// States a query has visited: a short list while small (the common case: one path down
/// the trie), a hash set once a wildcard fans out.
#[derive(Default)]
struct Visited {
    few: Vec<(usize, usize)>,
    many: rustc_hash::FxHashSet<(usize, usize)>,
}

impl Visited {
    fn insert(&mut self, s: (usize, usize)) -> bool {
        if self.few.len() < 32 {
            if self.few.contains(&s) {
                return false;
            }
            self.few.push(s);
            return true;
        }
        if self.few.contains(&s) {
            return false;
        }
        self.many.insert(s)
    }
}

/// A node; children and ids are `u32` to keep large tries small.
#[derive(Default)]
struct Node {
    lit: FxHashMap<Box<str>, u32>,
    glob: Vec<(Seg, u32)>,
    any: Option<u32>,
    /// Ids of the patterns that end here.
    ends: Vec<u32>,
}

/// Patterns by id, arranged for subset and overlap queries.
pub struct Trie {
    nodes: Vec<Node>,
}

impl Default for Trie {
    fn default() -> Self {
        Trie {
            nodes: vec![Node::default()],
        }
    }
}

impl Trie {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add pattern `id` (ids and node counts must fit in `u32`).
    pub fn insert(&mut self, segs: &[Seg], id: usize) {
        let mut at = 0;
        for s in segs {
            let next = match s {
                Seg::Lit(x) => self.nodes[at].lit.get(x.as_str()).copied(),
                Seg::Glob(_) => self.nodes[at]
                    .glob
                    .iter()
                    .find(|(g, _)| g == s)
                    .map(|(_, c)| *c),
                Seg::Any => self.nodes[at].any,
            };
            at = match next {
                Some(c) => c as usize,
                None => {
                    let c = self.nodes.len();
                    self.nodes.push(Node::default());
                    let c32 = c as u32;
                    match s {
                        Seg::Lit(x) => {
                            self.nodes[at].lit.insert(x.as_str().into(), c32);
                        }
                        Seg::Glob(_) => self.nodes[at].glob.push((s.clone(), c32)),
                        Seg::Any => self.nodes[at].any = Some(c32),
                    }
                    c
                }
            };
        }
        self.nodes[at].ends.push(id as u32);
    }

    /// Ids of the patterns that match a concrete path (lower-cased segments), in no set
    /// order; `visit` returns true to stop. The hot path of coverage: no allocation but the
    /// work list.
    pub fn matching(&self, path: &[&str], visit: impl FnMut(usize) -> bool) {
        self.matching_in(path, &mut Vec::new(), visit);
    }

    /// [`Trie::matching`] with a caller's work list, reused across paths.
    pub fn matching_in(
        &self,
        path: &[&str],
        stack: &mut Vec<(usize, usize)>,
        mut visit: impl FnMut(usize) -> bool,
    ) {
        let mut seen = Visited::default();
        stack.clear();
        stack.push((0, 0));
        while let Some((node, i)) = stack.pop() {
            let n = &self.nodes[node];
            if n.any.is_some() && !seen.insert((node, i)) {
                continue;
            }
            if i == path.len() {
                for &id in &n.ends {
                    if visit(id as usize) {
                        return;
                    }
                }
            }
            if let Some(c) = n.any {
                for k in i..=path.len() {
                    stack.push((c as usize, k));
                }
            }
            let Some(seg) = path.get(i) else { continue };
            if let Some(&c) = n.lit.get(*seg) {
                stack.push((c as usize, i + 1));
            }
            for (g, c) in &n.glob {
                if let Seg::Glob(gs) = g {
                    if glob_match(gs, seg) {
                        stack.push((*c as usize, i + 1));
                    }
                }
            }
        }
    }

    /// Whether some pattern continues below the concrete folder `path` (the folder lies on the
    /// way to a filter, which protects it implicitly).
    pub fn below(&self, path: &[&str]) -> bool {
        let mut stack = vec![(0usize, 0usize)];
        let mut seen = Visited::default();
        while let Some((node, i)) = stack.pop() {
            if !seen.insert((node, i)) {
                continue;
            }
            let n = &self.nodes[node];
            if i == path.len() {
                if !n.lit.is_empty() || !n.glob.is_empty() || n.any.is_some() {
                    return true;
                }
                continue;
            }
            if let Some(&c) = n.lit.get(path[i]) {
                stack.push((c as usize, i + 1));
            }
            for (g, c) in &n.glob {
                if let Seg::Glob(gs) = g {
                    if glob_match(gs, path[i]) {
                        stack.push((*c as usize, i + 1));
                    }
                }
            }
        }
        false
    }

    /// Ids of patterns that match every path `a` matches (`a` ⊆ pattern), in no set order;
    /// `visit` returns true to stop.
    pub fn covering(&self, a: &[Seg], mut visit: impl FnMut(usize) -> bool) {
        let mut seen = Visited::default();
        let mut stack = vec![(0usize, 0usize)];
        while let Some((node, i)) = stack.pop() {
            if !seen.insert((node, i)) {
                continue;
            }
            let n = &self.nodes[node];
            if i == a.len() {
                for &id in &n.ends {
                    if visit(id as usize) {
                        return;
                    }
                }
            }
            if let Some(c) = n.any {
                // the pattern's `**` absorbs a[i..k]
                for k in i..=a.len() {
                    stack.push((c as usize, k));
                }
            }
            let Some(seg) = a.get(i) else { continue };
            match seg {
                Seg::Lit(x) => {
                    if let Some(&c) = n.lit.get(x.as_str()) {
                        stack.push((c as usize, i + 1));
                    }
                    for (g, c) in &n.glob {
                        if let Seg::Glob(gs) = g {
                            if glob_match(gs, x) {
                                stack.push((*c as usize, i + 1));
                            }
                        }
                    }
                }
                Seg::Glob(_) => {
                    for (g, c) in &n.glob {
                        if subset(std::slice::from_ref(seg), std::slice::from_ref(g)) {
                            stack.push((*c as usize, i + 1));
                        }
                    }
                }
                Seg::Any => {}
            }
        }
    }

    /// Ids of patterns that share at least one path with `a`; `visit` returns true to stop.
    pub fn overlapping(&self, a: &[Seg], mut visit: impl FnMut(usize) -> bool) {
        let mut seen = Visited::default();
        let mut reported = rustc_hash::FxHashSet::default();
        let mut stack = vec![(0usize, 0usize)];
        while let Some((node, i)) = stack.pop() {
            if !seen.insert((node, i)) {
                continue;
            }
            let n = &self.nodes[node];
            if a[i..].iter().all(|s| *s == Seg::Any) {
                for &id in &n.ends {
                    if reported.insert(id) && visit(id as usize) {
                        return;
                    }
                }
            }
            if let Some(c) = n.any {
                for k in i..=a.len() {
                    stack.push((c as usize, k));
                }
            }
            let Some(seg) = a.get(i) else { continue };
            match seg {
                Seg::Any => {
                    stack.push((node, i + 1));
                    for &c in n.lit.values() {
                        stack.push((c as usize, i));
                    }
                    for (_, c) in &n.glob {
                        stack.push((*c as usize, i));
                    }
                }
                Seg::Lit(x) => {
                    if let Some(&c) = n.lit.get(x.as_str()) {
                        stack.push((c as usize, i + 1));
                    }
                    for (g, c) in &n.glob {
                        if overlaps(std::slice::from_ref(seg), std::slice::from_ref(g)) {
                            stack.push((*c as usize, i + 1));
                        }
                    }
                }
                Seg::Glob(gs) => {
                    for (name, &c) in &n.lit {
                        if glob_match(gs, name) {
                            stack.push((c as usize, i + 1));
                        }
                    }
                    for (g, c) in &n.glob {
                        if overlaps(std::slice::from_ref(seg), std::slice::from_ref(g)) {
                            stack.push((*c as usize, i + 1));
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::normalize_file;

    fn segs(s: &str) -> Vec<Seg> {
        normalize_file(s).map(|p| p.segs).unwrap_or_default()
    }

    fn covering(t: &Trie, q: &str) -> Vec<usize> {
        let mut out = Vec::new();
        t.covering(&segs(q), |id| {
            out.push(id);
            false
        });
        out.sort();
        out
    }

    #[test]
    fn covering_finds_every_superset_and_nothing_else() {
        let mut t = Trie::new();
        for (i, p) in [
            r"C:\App\**",
            r"C:\App\logs\*",
            r"C:\Other\**",
            r"C:\**\*.log",
        ]
        .iter()
        .enumerate()
        {
            t.insert(&segs(p), i);
        }
        assert_eq!(covering(&t, r"C:\App\logs\a.log"), vec![0, 1, 3]);
        assert_eq!(covering(&t, r"C:\App\logs\**"), vec![0]);
        assert_eq!(covering(&t, r"C:\Other\x\y"), vec![2]);
        assert_eq!(covering(&t, r"D:\App"), Vec::<usize>::new());
    }

    #[test]
    fn overlapping_finds_shared_paths() {
        let mut t = Trie::new();
        for (i, p) in [r"C:\App\data\**", r"C:\App\*.xml", r"D:\**"]
            .iter()
            .enumerate()
        {
            t.insert(&segs(p), i);
        }
        let mut out = Vec::new();
        t.overlapping(&segs(r"C:\App\**"), |id| {
            out.push(id);
            false
        });
        out.sort();
        assert_eq!(out, vec![0, 1]);
    }
}
