//! Filter findings in one configuration, computed with the segment trie: exclusions outside
//! every inclusion, covered inclusions, vetoed inclusions, inclusions of unprotected data,
//! contradictions, and exclusions on a product generation that has none.

use crate::ast::{FilterKind, FilterMode, Version};
use crate::diagnostic::{codes, Diagnostic};
use crate::filters::{normalize_file, overlaps, Pattern, Seg, Trie};
use crate::lower::{Env, EvFilter, Evaluated};
use crate::source::FileId;
use std::collections::HashMap;

/// Folders the product refuses to protect, with the reason.
fn vetoed_roots(env: &Env) -> Vec<(Pattern, &'static str)> {
    let sd = &env.system_drive;
    [
        (
            format!("{sd}\\Windows\\System32\\**"),
            "the Windows system folder",
        ),
        (
            format!("{sd}\\Windows\\SysWOW64\\**"),
            "the Windows system folder",
        ),
        (
            format!("{sd}\\Program Files\\Neverfail\\**"),
            "the HA product's own install folder",
        ),
        (
            format!("{sd}\\Program Files (x86)\\Neverfail\\**"),
            "the HA product's own install folder",
        ),
        (
            format!("{sd}\\Program Files\\VMware\\VMware vCenter Server Heartbeat\\**"),
            "the HA product's own install folder",
        ),
    ]
    .into_iter()
    .filter_map(|(p, why)| normalize_file(&p).ok().map(|p| (p, why)))
    .collect()
}

pub fn check(file: FileId, env: &Env, ev: &Evaluated, out: &mut Vec<Diagnostic>) {
    for kind in [FilterKind::Files, FilterKind::Registry] {
        let of_kind: Vec<&EvFilter> = ev.filters.iter().filter(|f| f.kind == kind).collect();
        let incl: Vec<&EvFilter> = of_kind
            .iter()
            .copied()
            .filter(|f| f.mode == FilterMode::Include)
            .collect();
        let excl: Vec<&EvFilter> = of_kind
            .iter()
            .copied()
            .filter(|f| f.mode == FilterMode::Exclude)
            .collect();
        let mut inc_trie = Trie::new();
        for (i, f) in incl.iter().enumerate() {
            inc_trie.insert(&f.pattern.segs, i);
        }
        let mut exc_trie = Trie::new();
        for (i, f) in excl.iter().enumerate() {
            exc_trie.insert(&f.pattern.segs, i);
        }
        if kind == FilterKind::Files {
            vetoes(file, env, &incl, out);
        }
        // exclusions must lie inside an inclusion
        for e in &excl {
            let mut inside = false;
            inc_trie.covering(&e.pattern.segs, |_| {
                inside = true;
                true
            });
            if !inside {
                out.push(
                    Diagnostic::new(
                        codes::EXCLUSION_NOT_EFFECTIVE,
                        format!("exclusion `{}` lies in no inclusion", e.pattern),
                    )
                    .at(file, e.pattern_span, "excludes nothing that is included")
                    .with_note(
                        "the product reports such a filter as NotSubsetOfInclusion and ignores it",
                    )
                    .with_help("remove the exclusion, or include the folder it narrows"),
                );
            }
        }
        // covered inclusions (unless an exclusion carves into them)
        for (i, f) in incl.iter().enumerate() {
            if f.origin.overrides.is_some() {
                // an exception's inclusion that cancels a base exclusion says something even
                // when another inclusion covers it
                continue;
            }
            let key = f.pattern.key();
            let mut by: Option<usize> = None;
            inc_trie.covering(&f.pattern.segs, |j| {
                if j == i || (incl[j].pattern.key() == key && j > i) {
                    return false;
                }
                by = Some(j);
                true
            });
            let Some(j) = by else { continue };
            let mut carved = false;
            exc_trie.overlapping(&f.pattern.segs, |_| {
                carved = true;
                true
            });
            if carved {
                continue;
            }
            let same = incl[j].pattern.key() == key;
            let msg = if same {
                format!("inclusion `{}` is given twice", f.pattern)
            } else {
                format!(
                    "inclusion `{}` is covered by `{}`",
                    f.pattern, incl[j].pattern
                )
            };
            out.push(
                Diagnostic::new(codes::REDUNDANT_INCLUSION, msg)
                    .at(file, f.pattern_span, "redundant")
                    .with_label(file, incl[j].pattern_span, "covered by this inclusion")
                    .with_help("remove the covered inclusion"),
            );
        }
        // contradictions: the same pattern included and excluded in the base
        let mut included: HashMap<String, &EvFilter> = HashMap::new();
        for f in incl.iter().filter(|f| f.origin.exception.is_none()) {
            included.entry(f.pattern.key()).or_insert(f);
        }
        for e in excl.iter().filter(|f| f.origin.exception.is_none()) {
            if let Some(i) = included.get(&e.pattern.key()) {
                out.push(
                    Diagnostic::new(
                        codes::CONTRADICTION,
                        format!("`{}` is both included and excluded", e.pattern),
                    )
                    .at(file, e.pattern_span, "excluded here")
                    .with_label(file, i.pattern_span, "included here")
                    .with_help("keep one; only an exception may override the base policy"),
                );
            }
        }
        // unprotected data must not be included (outside an exception)
        for u in ev
            .unprotected
            .iter()
            .filter(|u| u.origin.exception.is_none())
        {
            let is_registry =
                matches!(u.pattern.segs.first(), Some(Seg::Lit(h)) if h.starts_with("hk"));
            if is_registry != (kind == FilterKind::Registry) {
                continue;
            }
            let mut excluded = false;
            exc_trie.covering(&u.pattern.segs, |_| {
                excluded = true;
                true
            });
            if excluded {
                continue;
            }
            let mut hits = Vec::new();
            inc_trie.overlapping(&u.pattern.segs, |j| {
                hits.push(j);
                false
            });
            hits.sort_unstable();
            for j in hits {
                let f = incl[j];
                if f.origin.exception.is_some() {
                    continue;
                }
                out.push(
                    Diagnostic::new(codes::COVERS_UNPROTECTED, format!("inclusion `{}` replicates data declared unprotected", f.pattern))
                        .at(file, f.pattern_span, "includes unprotected data")
                        .with_label(file, u.pattern_span, format!("declared unprotected because {}", u.because))
                        .with_help("narrow the inclusion, exclude the unprotected data, or move the inclusion into an exception"),
                );
            }
        }
        // generations without exclusion filters
        if let Some(hb) = env.heartbeat() {
            if hb <= Version(vec![5, 2]) {
                for e in &excl {
                    out.push(
                        Diagnostic::new(codes::EXCLUSION_UNSUPPORTED, format!("exclusion `{}` in a configuration with heartbeat {}", e.pattern, env.dims.get("heartbeat").map_or(String::new(), |v| v.text.clone())))
                            .at(file, e.pattern_span, "Heartbeat 5.2 and earlier have no exclusion filters")
                            .with_note("the exclusion would be ignored and the data replicated")
                            .with_help("condition the exclusion with `when heartbeat >= 5.3`, or restructure the inclusions"),
                    );
                }
            }
        }
    }
}

fn vetoes(file: FileId, env: &Env, incl: &[&EvFilter], out: &mut Vec<Diagnostic>) {
    let roots = vetoed_roots(env);
    for f in incl {
        let segs = &f.pattern.segs;
        let reason = if segs.len() == 2 && segs[1] == Seg::Any {
            Some("the root of a drive".to_string())
        } else {
            roots
                .iter()
                .find(|(r, _)| overlaps(segs, &r.segs))
                .map(|(r, why)| format!("{why} ({})", r.display.trim_end_matches("\\**")))
        };
        if let Some(reason) = reason {
            out.push(
                Diagnostic::new(codes::VETOED_INCLUSION, format!("inclusion `{}` covers {reason}", f.pattern))
                    .at(file, f.pattern_span, "the product vetoes this filter")
                    .with_note("a vetoed filter is refused even when an exclusion would remove the offending part")
                    .with_help("include the application's own folders instead"),
            );
        }
    }
}
