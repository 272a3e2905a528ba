//! The effective filter set of one server: what the product actually uses of the filters
//! that hold there.

use crate::ast::{FilterKind, FilterMode};
use crate::filters::Trie;
use crate::lower::EvFilter;

/// Drop inclusions covered by another inclusion (the product uses the superset) and
/// exclusions outside every inclusion (the product ignores them); sort the rest.
pub fn effective(filters: &[EvFilter]) -> Vec<EvFilter> {
    let mut keep = vec![true; filters.len()];
    for kind in [
        FilterKind::Files,
        FilterKind::Registry,
        FilterKind::Snapshot,
    ] {
        let incl: Vec<usize> = (0..filters.len())
            .filter(|&i| filters[i].kind == kind && filters[i].mode == FilterMode::Include)
            .collect();
        let excl: Vec<usize> = (0..filters.len())
            .filter(|&i| filters[i].kind == kind && filters[i].mode == FilterMode::Exclude)
            .collect();
        let mut inc = Trie::new();
        for (k, &i) in incl.iter().enumerate() {
            inc.insert(&filters[i].pattern.segs, k);
        }
        let mut exc = Trie::new();
        for (k, &i) in excl.iter().enumerate() {
            exc.insert(&filters[i].pattern.segs, k);
        }
        for (k, &i) in incl.iter().enumerate() {
            let key = filters[i].pattern.key();
            let mut covered = false;
            inc.covering(&filters[i].pattern.segs, |j| {
                if j == k || (j > k && filters[incl[j]].pattern.key() == key) {
                    return false;
                }
                covered = true;
                true
            });
            let mut carved = false;
            if covered {
                exc.overlapping(&filters[i].pattern.segs, |_| {
                    carved = true;
                    true
                });
            }
            if covered && !carved {
                keep[i] = false;
            }
        }
        for &i in &excl {
            let mut inside = false;
            inc.covering(&filters[i].pattern.segs, |_| {
                inside = true;
                true
            });
            keep[i] = inside;
        }
    }
    let mut out: Vec<EvFilter> = filters
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(f, _)| f.clone())
        .collect();
    out.sort_by_cached_key(|f| (f.kind, f.mode, f.pattern.key()));
    out
}
