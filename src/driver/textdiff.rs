//! Unified diffs for `--check`, bounded: a line diff costs time in the product of the lines
//! that differ, so two large texts that differ a lot get a summary instead — the same one on
//! every run (no deadline, whose result would depend on the machine).

/// Most changed lines (old and new together, past the lines both share at their start and end)
/// a line diff is computed for: Myers' diff costs their count times the number of edits.
pub const MAX_DIFF_LINES: usize = 4_000;

/// Lines of each side whose diff stands for a larger changed middle (as many as are shown).
const WINDOW: usize = MAX_SHOWN_LINES / 2;

/// Most lines of diff printed for one file; the rest is counted.
pub const MAX_SHOWN_LINES: usize = 2_000;

/// Lines of context around a change.
const CONTEXT: usize = 3;

/// `old` → `new` as a unified diff with headers `a` and `b`. The lines both share at their
/// start and end are set aside first (linear), so a small change in a large file gets its real
/// diff; only a changed middle of more than [`MAX_DIFF_LINES`] lines gets a summary with the
/// diff of its first lines.
pub fn unified(a: &str, b: &str, old: &str, new: &str) -> String {
    let o: Vec<&str> = old.split_inclusive('\n').collect();
    let n: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = o.iter().zip(&n).take_while(|(x, y)| x == y).count();
    let suffix = o[prefix..]
        .iter()
        .rev()
        .zip(n[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    if prefix == o.len() && prefix == n.len() {
        return String::new();
    }
    // the changed middle, with its context
    let from = prefix.saturating_sub(CONTEXT);
    let (o_end, n_end) = (o.len() - suffix, n.len() - suffix);
    let middle = (o_end - prefix) + (n_end - prefix);
    let mut note = String::new();
    let (o_to, n_to) = if middle > MAX_DIFF_LINES {
        note = format!(
            "@@ lines {}–{} before and {}–{} after differ ({middle} lines in all): the diff of the first {WINDOW} of each is shown @@\n",
            prefix + 1,
            o_end,
            prefix + 1,
            n_end,
        );
        ((prefix + WINDOW).min(o_end), (prefix + WINDOW).min(n_end))
    } else {
        (
            (o_end + CONTEXT).min(o.len()),
            (n_end + CONTEXT).min(n.len()),
        )
    };
    let old_part: String = o[from..o_to].concat();
    let new_part: String = n[from..n_to].concat();
    let diff = similar::TextDiff::from_lines(&old_part, &new_part);
    let body = diff.unified_diff().context_radius(CONTEXT).to_string();
    let mut text = format!("--- {a}\n+++ {b}\n{note}");
    for line in body.lines() {
        match shift_hunk(line, from) {
            Some(h) => text.push_str(&h),
            None => text.push_str(line),
        }
        text.push('\n');
    }
    let total = text.lines().count();
    if total <= MAX_SHOWN_LINES {
        return text;
    }
    let mut shown: String = text
        .lines()
        .take(MAX_SHOWN_LINES)
        .flat_map(|l| [l, "\n"])
        .collect();
    shown.push_str(&format!(
        "@@ … {} more lines of diff not shown @@\n",
        total - MAX_SHOWN_LINES
    ));
    shown
}

/// A hunk header `@@ -A,B +C,D @@` of a diff of lines from `offset` on, as lines of the whole.
fn shift_hunk(line: &str, offset: usize) -> Option<String> {
    let inner = line.strip_prefix("@@ -")?.strip_suffix(" @@")?;
    let (old, new) = inner.split_once(" +")?;
    let shift = |range: &str| -> Option<String> {
        let (start, len) = match range.split_once(',') {
            Some((s, l)) => (s.parse::<usize>().ok()?, Some(l)),
            None => (range.parse::<usize>().ok()?, None),
        };
        let start = if start == 0 { 0 } else { start + offset };
        Some(match len {
            Some(l) => format!("{start},{l}"),
            None => start.to_string(),
        })
    };
    Some(format!("@@ -{} +{} @@", shift(old)?, shift(new)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_differences_get_a_summary_and_the_diff_of_their_start() {
        let old: String = (0..30_000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..30_000).map(|i| format!("x{i}\n")).collect();
        let d = unified("a", "b", &old, &new);
        assert!(
            d.contains("lines 1–30000 before and 1–30000 after differ"),
            "{}",
            &d[..300]
        );
        assert!(d.contains("-0\n") && d.contains("+x0\n"), "{d}");
        let small = unified("a", "b", "x\ny\n", "x\nz\n");
        assert!(small.contains("-y") && small.contains("+z"));
    }

    #[test]
    fn a_small_change_in_a_large_file_gets_its_real_diff_with_true_line_numbers() {
        let old: String = (0..50_000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 40000\n", "line forty thousand\n");
        let d = unified("a", "b", &old, &new);
        assert_eq!(
            d,
            "--- a\n+++ b\n@@ -39998,7 +39998,7 @@\n line 39997\n line 39998\n line 39999\n-line 40000\n+line forty thousand\n line 40001\n line 40002\n line 40003\n"
        );
        assert_eq!(unified("a", "b", &old, &old), "");
    }

    #[test]
    fn diffs_of_a_window_agree_with_diffs_of_the_whole() {
        // small texts: the windowed diff equals similar's diff of the whole
        let cases = [
            ("a\nb\nc\n", "a\nc\n"),
            (
                "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
                "a\nb\nc\nd\nX\nf\ng\nh\ni\nj\n",
            ),
            ("", "a\n"),
            ("a\n", ""),
            ("a\nb", "a\nc"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
                "1\n2\nX\n4\n5\n6\n7\n8\n9\nY\n11\n12\n",
            ),
        ];
        for (old, new) in cases {
            let whole = similar::TextDiff::from_lines(old, new)
                .unified_diff()
                .context_radius(CONTEXT)
                .header("a", "b")
                .to_string();
            assert_eq!(unified("a", "b", old, new), whole, "{old:?} → {new:?}");
        }
    }
}
