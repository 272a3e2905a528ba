//! Relations between two patterns: subset (every path one matches, the other matches too) and
//! overlap (some path matches both). Both are dynamic programmes over segments, and within a
//! segment over characters, so they cost the product of the lengths, never exponential time.

use super::{Seg, SegKind};

/// Does `pattern` (a segment with `*`/`?`) match the literal `name`?
pub fn glob_match(pattern: &str, name: &str) -> bool {
    // the classic two-pointer wildcard match: linear in practice, no allocation
    let p = pattern.as_bytes();
    let n = name.as_bytes();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && (p[pi] == n[ni] || (p[pi] == b'?' && !is_continuation(n[ni]))) {
            pi += 1;
            ni += 1;
            // `?` matches a whole character: skip the rest of a multi-byte one
            if p[pi - 1] == b'?' {
                while ni < n.len() && is_continuation(n[ni]) {
                    ni += 1;
                }
            }
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            let mut next = sn + 1;
            while next < n.len() && is_continuation(n[next]) {
                next += 1;
            }
            star = Some((sp, next));
            ni = next;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The literal characters two globs must agree on at their ends: where both start (or end)
/// with a literal character, those characters must be equal for any name to match both. A
/// cheap test that settles most pairs before the quadratic one.
fn ends_agree(x: &str, y: &str) -> bool {
    let lit = |c: &char| *c != '*' && *c != '?';
    let agree = |a: &mut dyn Iterator<Item = char>, b: &mut dyn Iterator<Item = char>| loop {
        match (a.next(), b.next()) {
            (Some(p), Some(q)) if lit(&p) && lit(&q) => {
                if p != q {
                    return false;
                }
            }
            // one character each, a `?` among them: they may agree
            (Some(p), Some(q)) if p != '*' && q != '*' => {}
            _ => return true,
        }
    };
    agree(&mut x.chars(), &mut y.chars()) && agree(&mut x.chars().rev(), &mut y.chars().rev())
}

/// Segment-level: is every name `a` matches also matched by `b`?
fn seg_subset(a: &Seg, b: &Seg) -> bool {
    match (a.kind(), b.kind()) {
        (_, SegKind::Any) | (SegKind::Any, _) => false,
        (SegKind::Lit(_), SegKind::Lit(_)) => a == b,
        (SegKind::Lit(x), SegKind::Glob(g)) => glob_match(g, x),
        (SegKind::Glob(_), SegKind::Lit(_)) => false,
        (SegKind::Glob(x), SegKind::Glob(y)) => {
            ends_agree(x, y)
                && char_subset(
                    &y.chars().collect::<Vec<_>>(),
                    &x.chars().collect::<Vec<_>>(),
                    false,
                )
        }
    }
}

/// Segment-level: does some name match both?
fn seg_overlap(a: &Seg, b: &Seg) -> bool {
    match (a.kind(), b.kind()) {
        (SegKind::Any, _) | (_, SegKind::Any) => true,
        (SegKind::Lit(_), SegKind::Lit(_)) => a == b,
        (SegKind::Lit(x), SegKind::Glob(g)) | (SegKind::Glob(g), SegKind::Lit(x)) => {
            glob_match(g, x)
        }
        (SegKind::Glob(x), SegKind::Glob(y)) => {
            ends_agree(x, y)
                && char_overlap(
                    &x.chars().collect::<Vec<_>>(),
                    &y.chars().collect::<Vec<_>>(),
                )
        }
    }
}

/// Character-level subset: is every string matched by `a` matched by `b`? With `a_literal`
/// the wildcards of `a` are ordinary characters (literal name against a glob).
fn char_subset(b: &[char], a: &[char], a_literal: bool) -> bool {
    // dp[i][j]: a[i..] ⊆ b[j..]
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![false; m + 1]; n + 1];
    dp[n][m] = true;
    for j in (0..m).rev() {
        dp[n][j] = b[j] == '*' && dp[n][j + 1];
    }
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let ac = a[i];
            let a_star = !a_literal && ac == '*';
            let a_q = !a_literal && ac == '?';
            dp[i][j] = match b[j] {
                '*' => dp[i][j + 1] || dp[i + 1][j],
                '?' => !a_star && dp[i + 1][j + 1],
                bc => !a_star && !a_q && ac == bc && dp[i + 1][j + 1],
            };
        }
    }
    dp[0][0]
}

/// Character-level overlap of two globs.
fn char_overlap(a: &[char], b: &[char]) -> bool {
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![false; m + 1]; n + 1];
    dp[n][m] = true;
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            if i == n && j == m {
                continue;
            }
            let mut v = false;
            if i < n && a[i] == '*' {
                v |= dp[i + 1][j] || (j < m && dp[i][j + 1]);
            }
            if j < m && b[j] == '*' {
                v |= dp[i][j + 1] || (i < n && dp[i + 1][j]);
            }
            if i < n
                && j < m
                && a[i] != '*'
                && b[j] != '*'
                && (a[i] == b[j] || a[i] == '?' || b[j] == '?')
            {
                v |= dp[i + 1][j + 1];
            }
            dp[i][j] = v;
        }
    }
    dp[0][0]
}

/// Is every path `a` matches also matched by `b`?
pub fn subset(a: &[Seg], b: &[Seg]) -> bool {
    if !b.iter().any(|s| s.is_any()) {
        return a.len() == b.len() && a.iter().zip(b).all(|(x, y)| seg_subset(x, y));
    }
    let (n, m) = (a.len(), b.len());
    let star = Seg::star();
    let mut dp = vec![vec![false; m + 1]; n + 1];
    dp[n][m] = true;
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            if i == n && j == m {
                continue;
            }
            dp[i][j] = if j < m && b[j].is_any() {
                dp[i][j + 1] || (i < n && dp[i + 1][j])
            } else if i < n && a[i].is_any() {
                // `**` then the rest: the rest itself, and one segment more of the same. Only
                // a `*` takes any one segment: `**·A ⊆ *·B` exactly when `A ⊆ *·B` (no
                // segment) and `**·A ⊆ B` (one taken by the `*`)
                j < m && b[j] == star && dp[i + 1][j] && dp[i][j + 1]
            } else if i < n && j < m {
                seg_subset(&a[i], &b[j]) && dp[i + 1][j + 1]
            } else {
                false
            };
        }
    }
    dp[0][0]
}

/// Does some path match both?
pub fn overlaps(a: &[Seg], b: &[Seg]) -> bool {
    if !a.iter().any(|s| s.is_any()) && !b.iter().any(|s| s.is_any()) {
        return a.len() == b.len() && a.iter().zip(b).all(|(x, y)| seg_overlap(x, y));
    }
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![false; m + 1]; n + 1];
    dp[n][m] = true;
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            if i == n && j == m {
                continue;
            }
            let mut v = false;
            if i < n && a[i].is_any() {
                v |= dp[i + 1][j] || (j < m && dp[i][j + 1]);
            }
            if j < m && b[j].is_any() {
                v |= dp[i][j + 1] || (i < n && dp[i + 1][j]);
            }
            if i < n && j < m && !a[i].is_any() && !b[j].is_any() {
                v |= seg_overlap(&a[i], &b[j]) && dp[i + 1][j + 1];
            }
            dp[i][j] = v;
        }
    }
    dp[0][0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::normalize_file;

    fn p(s: &str) -> Vec<Seg> {
        normalize_file(s).map(|p| p.segs).unwrap_or_default()
    }

    #[test]
    fn a_folder_under_a_recursive_inclusion_is_a_subset() {
        assert!(subset(&p(r"C:\App\logs\**"), &p(r"C:\App\**")));
        assert!(!subset(&p(r"C:\App\**"), &p(r"C:\App\logs\**")));
        assert!(subset(&p(r"C:\App\*.xml"), &p(r"C:\App\*")));
        assert!(!subset(&p(r"C:\App\*"), &p(r"C:\App\*.xml")));
        assert!(subset(&p(r"C:\APP\X.XML"), &p(r"c:\app\*.xml")));
        assert!(!subset(&p(r"C:\App\sub\x.xml"), &p(r"C:\App\*.xml")));
    }

    #[test]
    fn wildcards_match_within_one_segment() {
        assert!(glob_match("*.xml", "config.xml"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
        assert!(glob_match("?.log", "é.log"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("?", ""));
    }

    #[test]
    fn runs_of_wildcards_have_one_form_and_literal_ends_settle_pairs() {
        use crate::filters::pattern::canonical_wildcards;
        assert_eq!(canonical_wildcards("a*?*?b"), "a??*b");
        assert_eq!(canonical_wildcards("??*"), "??*");
        assert_eq!(canonical_wildcards("*.log"), "*.log");
        assert!(subset(&p(r"C:\App\*?*?x"), &p(r"C:\App\??*")));
        assert!(subset(&p(r"C:\App\??*"), &p(r"C:\App\*?*?")));
        assert!(!subset(&p(r"C:\App\?*"), &p(r"C:\App\??*")));
        assert!(!overlaps(&p(r"C:\App\*a"), &p(r"C:\App\*b")));
        assert!(overlaps(&p(r"C:\App\a*"), &p(r"C:\App\*b")));
        assert!(!subset(&p(r"C:\App\x*"), &p(r"C:\App\y*")));
        assert!(overlaps(&p(r"C:\App\?b"), &p(r"C:\App\a?")));
    }

    #[test]
    fn overlap_needs_a_common_path() {
        assert!(overlaps(&p(r"C:\**"), &p(r"C:\Windows\System32\**")));
        assert!(overlaps(&p(r"C:\App\*.log"), &p(r"C:\App\a*")));
        assert!(!overlaps(&p(r"C:\App\*.log"), &p(r"C:\App\*.xml")));
        assert!(!overlaps(&p(r"C:\App\**"), &p(r"D:\App\**")));
    }
}
