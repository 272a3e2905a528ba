//! A trie over pattern segments. Queries walk only the branches a pattern can relate to —
//! one hash lookup per literal segment, plus the (few) wildcard branches — so relating every
//! filter to all others costs near-linear time in the number of filters.

use super::glob::{glob_match, overlaps, subset};
use super::{Seg, SegKind};
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

/// No node, edge or id: the end of a list.
const NONE: u32 = u32::MAX;

/// Literal children a node keeps in a list before it also indexes them by name.
const LIST_MAX: usize = 8;

/// A node, 16 bytes. Its children and the ids of the patterns that end here are lists
/// threaded through the trie's arrays (most nodes have none or one), so that a trie of a
/// million nodes allocates little beyond its arrays; a node with many literal children also
/// has them in a map by name.
struct Node {
    /// First of the edges to children by name (`Trie::edges`): the wildcard names first (they
    /// are few, and every query walks them), then the literal names.
    edges: u32,
    /// The map of literal children by name (`Trie::maps`), once there are many.
    map: u32,
    /// The `**` child.
    any: u32,
    /// First of the ids that end here (`Trie::ends`).
    ends: u32,
}

impl Default for Node {
    fn default() -> Self {
        Node {
            edges: NONE,
            map: NONE,
            any: NONE,
            ends: NONE,
        }
    }
}

/// An edge to a child by a name, and the next edge of the same list.
struct Edge {
    seg: Seg,
    child: u32,
    next: u32,
}

/// Patterns by id, arranged for subset and overlap queries.
pub struct Trie {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    maps: Vec<FxHashMap<Seg, u32>>,
    /// (id, next) lists of the ids ending at each node.
    ends: Vec<(u32, u32)>,
}

impl Default for Trie {
    fn default() -> Self {
        Trie {
            nodes: vec![Node::default()],
            edges: Vec::new(),
            maps: Vec::new(),
            ends: Vec::new(),
        }
    }
}

/// Follows a list threaded through an array from `first`.
fn chain<T>(items: &[T], first: u32, next: impl Fn(&T) -> u32) -> impl Iterator<Item = &T> {
    std::iter::successors(items.get(first as usize), move |t| {
        items.get(next(t) as usize)
    })
}

impl Trie {
    pub fn new() -> Self {
        Self::default()
    }

    /// A trie with room for `ids` patterns of `segs` segments in all, reserved at once
    /// (never more nodes than segments): large tries then never copy themselves to grow,
    /// and the pages that stay unused are never touched.
    pub fn with_capacity(segs: usize, ids: usize) -> Self {
        let mut t = Trie::default();
        t.nodes.reserve_exact(segs);
        t.edges.reserve_exact(segs);
        t.ends.reserve_exact(ids);
        t
    }

    /// Add pattern `id` (ids and node counts must fit in `u32`).
    pub fn insert(&mut self, segs: &[Seg], id: usize) {
        let mut at = 0;
        for s in segs {
            let n = &self.nodes[at];
            let next = match s.kind() {
                SegKind::Lit(_) => self.lit_seg(n, *s),
                SegKind::Glob(_) => self.glob_edges(n).find(|e| e.seg == *s).map(|e| e.child),
                SegKind::Any => (n.any != NONE).then_some(n.any),
            };
            at = match next {
                Some(c) => c as usize,
                None => {
                    let c = self.nodes.len() as u32;
                    self.nodes.push(Node::default());
                    match s.kind() {
                        SegKind::Lit(_) => self.add_lit(at, *s, c),
                        SegKind::Glob(_) => {
                            let first = self.nodes[at].edges;
                            self.nodes[at].edges = self.edge(*s, c, first);
                        }
                        SegKind::Any => self.nodes[at].any = c,
                    }
                    c as usize
                }
            };
        }
        let first = self.nodes[at].ends;
        self.nodes[at].ends = self.ends.len() as u32;
        self.ends.push((id as u32, first));
    }

    /// A new edge; its index.
    fn edge(&mut self, seg: Seg, child: u32, next: u32) -> u32 {
        self.edges.push(Edge { seg, child, next });
        (self.edges.len() - 1) as u32
    }

    /// Add a literal child to node `at`, indexing its literal children once they are many.
    fn add_lit(&mut self, at: usize, seg: Seg, child: u32) {
        // after the wildcard edges, first of the literal ones
        let (mut last_glob, mut first) = (NONE, self.nodes[at].edges);
        while let Some(g) = self.edges.get(first as usize).filter(|g| !g.seg.is_lit()) {
            (last_glob, first) = (first, g.next);
        }
        let e = self.edge(seg, child, first);
        match self.edges.get_mut(last_glob as usize) {
            Some(g) => g.next = e,
            None => self.nodes[at].edges = e,
        }
        let n = &self.nodes[at];
        if n.map != NONE {
            self.maps[n.map as usize].insert(seg, child);
        } else if self.lit_edges(n).nth(LIST_MAX).is_some() {
            let map: FxHashMap<Seg, u32> = self.lit_edges(n).map(|e| (e.seg, e.child)).collect();
            self.nodes[at].map = self.maps.len() as u32;
            self.maps.push(map);
        }
    }

    /// The literal child of a node by name.
    fn lit(&self, n: &Node, name: &str) -> Option<u32> {
        match self.maps.get(n.map as usize) {
            Some(m) => m.get(name).copied(),
            None => self
                .lit_edges(n)
                .find(|e| e.seg.text() == name)
                .map(|e| e.child),
        }
    }

    /// [`Trie::lit`] for a segment in hand: compared by handle, not by text.
    fn lit_seg(&self, n: &Node, seg: Seg) -> Option<u32> {
        match self.maps.get(n.map as usize) {
            Some(m) => m.get(&seg).copied(),
            None => self.lit_edges(n).find(|e| e.seg == seg).map(|e| e.child),
        }
    }

    /// The literal children of a node.
    fn lit_children(&self, n: &Node) -> impl Iterator<Item = (Seg, u32)> + '_ {
        self.lit_edges(n).map(|e| (e.seg, e.child))
    }

    /// The literal-name edges of a node.
    fn lit_edges(&self, n: &Node) -> impl Iterator<Item = &Edge> {
        chain(&self.edges, n.edges, |e| e.next).skip_while(|e| !e.seg.is_lit())
    }

    /// The wildcard-segment edges of a node.
    fn glob_edges(&self, n: &Node) -> impl Iterator<Item = &Edge> {
        chain(&self.edges, n.edges, |e| e.next).take_while(|e| !e.seg.is_lit())
    }

    /// The ids of the patterns that end at a node.
    fn ends_at(&self, n: &Node) -> impl Iterator<Item = usize> + '_ {
        chain(&self.ends, n.ends, |e| e.1).map(|e| e.0 as usize)
    }

    /// The `**` child of a node.
    fn any(n: &Node) -> Option<usize> {
        (n.any != NONE).then_some(n.any as usize)
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
            if n.any != NONE && !seen.insert((node, i)) {
                continue;
            }
            if i == path.len() {
                for id in self.ends_at(n) {
                    if visit(id) {
                        return;
                    }
                }
            }
            if let Some(c) = Self::any(n) {
                for k in i..=path.len() {
                    stack.push((c, k));
                }
            }
            let Some(seg) = path.get(i) else { continue };
            if let Some(c) = self.lit(n, seg) {
                stack.push((c as usize, i + 1));
            }
            for e in self.glob_edges(n) {
                if let SegKind::Glob(gs) = e.seg.kind() {
                    if glob_match(gs, seg) {
                        stack.push((e.child as usize, i + 1));
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
                if n.edges != NONE || n.any != NONE {
                    return true;
                }
                continue;
            }
            // a `**` can take the rest of the folder, and the pattern goes on below it
            if n.any != NONE {
                return true;
            }
            if let Some(c) = self.lit(n, path[i]) {
                stack.push((c as usize, i + 1));
            }
            for e in self.glob_edges(n) {
                if let SegKind::Glob(gs) = e.seg.kind() {
                    if glob_match(gs, path[i]) {
                        stack.push((e.child as usize, i + 1));
                    }
                }
            }
        }
        false
    }

    /// Ids of patterns that match every path `a` matches (`a` ⊆ pattern), in no set order;
    /// `visit(id, exact)` returns true to stop. Where `exact` is false the id is a candidate
    /// only, which the caller confirms with [`subset`]: a `**` of `a` against a `*` of the
    /// pattern holds only if it holds for every number of segments the `**` takes, which a
    /// walk cannot decide alone.
    pub fn covering(&self, a: &[Seg], mut visit: impl FnMut(usize, bool) -> bool) {
        let star = Seg::star();
        let mut seen = Visited::default();
        // (node, i, exact)
        let mut stack = vec![(0usize, 0usize, true)];
        while let Some((node, i, exact)) = stack.pop() {
            if !seen.insert((node, i * 2 + usize::from(exact))) {
                continue;
            }
            let n = &self.nodes[node];
            if i == a.len() {
                for id in self.ends_at(n) {
                    if visit(id, exact) {
                        return;
                    }
                }
            }
            if let Some(c) = Self::any(n) {
                // the pattern's `**` absorbs a[i..k]
                for k in i..=a.len() {
                    stack.push((c, k, exact));
                }
            }
            let Some(seg) = a.get(i) else { continue };
            match seg.kind() {
                SegKind::Lit(x) => {
                    if let Some(c) = self.lit_seg(n, *seg) {
                        stack.push((c as usize, i + 1, exact));
                    }
                    for e in self.glob_edges(n) {
                        if let SegKind::Glob(gs) = e.seg.kind() {
                            if glob_match(gs, x) {
                                stack.push((e.child as usize, i + 1, exact));
                            }
                        }
                    }
                }
                SegKind::Glob(_) => {
                    for e in self.glob_edges(n) {
                        if subset(std::slice::from_ref(seg), std::slice::from_ref(&e.seg)) {
                            stack.push((e.child as usize, i + 1, exact));
                        }
                    }
                }
                SegKind::Any => {
                    // the pattern's `*` takes one segment of `a`'s `**`, which goes on
                    for e in self.glob_edges(n) {
                        if e.seg == star {
                            stack.push((e.child as usize, i, false));
                        }
                    }
                }
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
            if a[i..].iter().all(|s| s.is_any()) {
                for id in self.ends_at(n) {
                    if reported.insert(id) && visit(id) {
                        return;
                    }
                }
            }
            if let Some(c) = Self::any(n) {
                for k in i..=a.len() {
                    stack.push((c, k));
                }
            }
            let Some(seg) = a.get(i) else { continue };
            match seg.kind() {
                SegKind::Any => {
                    stack.push((node, i + 1));
                    for (_, c) in self.lit_children(n) {
                        stack.push((c as usize, i));
                    }
                    for e in self.glob_edges(n) {
                        stack.push((e.child as usize, i));
                    }
                }
                SegKind::Lit(_) => {
                    if let Some(c) = self.lit_seg(n, *seg) {
                        stack.push((c as usize, i + 1));
                    }
                    for e in self.glob_edges(n) {
                        if overlaps(std::slice::from_ref(seg), std::slice::from_ref(&e.seg)) {
                            stack.push((e.child as usize, i + 1));
                        }
                    }
                }
                SegKind::Glob(gs) => {
                    for (name, c) in self.lit_children(n) {
                        if glob_match(gs, name.text()) {
                            stack.push((c as usize, i + 1));
                        }
                    }
                    for e in self.glob_edges(n) {
                        if overlaps(std::slice::from_ref(seg), std::slice::from_ref(&e.seg)) {
                            stack.push((e.child as usize, i + 1));
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
        t.covering(&segs(q), |id, exact| {
            // these tests query no `**` against a `*`: every id is exact
            assert!(exact, "{q}");
            out.push(id);
            false
        });
        out.sort();
        out
    }

    #[test]
    fn nodes_and_segments_stay_small() {
        // the sizes the memory figures of large policies rest on
        assert_eq!(std::mem::size_of::<Seg>(), 4);
        assert_eq!(std::mem::size_of::<Node>(), 16);
        assert_eq!(std::mem::size_of::<Edge>(), 12);
    }

    #[test]
    fn many_siblings_are_found_by_name_and_by_wildcard() {
        // past LIST_MAX literal children a node also indexes them: both ways must agree
        for n in [LIST_MAX - 1, LIST_MAX, LIST_MAX + 1, 40] {
            let mut t = Trie::new();
            for i in 0..n {
                t.insert(&segs(&format!(r"C:\App\f{i}\**")), i);
            }
            for i in 0..n {
                assert_eq!(covering(&t, &format!(r"C:\App\F{i}\x.log")), vec![i]);
                let mut hit = Vec::new();
                t.matching(&["c:", "app", &format!("f{i}"), "x"], |id| {
                    hit.push(id);
                    false
                });
                assert_eq!(hit, vec![i]);
            }
            let mut all = Vec::new();
            t.overlapping(&segs(r"C:\App\f*\**"), |id| {
                all.push(id);
                false
            });
            all.sort();
            assert_eq!(all, (0..n).collect::<Vec<_>>());
            assert!(covering(&t, r"C:\App\g1\x").is_empty());
        }
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
