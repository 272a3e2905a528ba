//! Unified diffs for `--check`, bounded: a line diff costs time in the product of the lines
//! that differ, so two large texts that differ a lot get a summary instead — the same one on
//! every run (no deadline, whose result would depend on the machine).

/// Most lines (old and new together) a line diff is computed for.
pub const MAX_DIFF_LINES: usize = 10_000;

/// Most lines of diff printed for one file; the rest is counted.
pub const MAX_SHOWN_LINES: usize = 2_000;

/// `old` → `new` as a unified diff with headers `a` and `b`.
pub fn unified(a: &str, b: &str, old: &str, new: &str) -> String {
    let lines = old.lines().count() + new.lines().count();
    if lines > MAX_DIFF_LINES {
        return format!(
            "--- {a}\n+++ {b}\n@@ differs: {} lines before, {} after (over {MAX_DIFF_LINES} lines in all: no line diff shown) @@\n",
            old.lines().count(),
            new.lines().count()
        );
    }
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(a, b)
        .to_string();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_differences_get_a_summary_in_bounded_time() {
        let old: String = (0..30_000).map(|i| format!("{i}\n")).collect();
        let new: String = (0..30_000).map(|i| format!("x{i}\n")).collect();
        let start = std::time::Instant::now();
        let d = unified("a", "b", &old, &new);
        assert!(d.contains("no line diff shown"));
        assert!(start.elapsed().as_secs() < 5);
        let small = unified("a", "b", "x\ny\n", "x\nz\n");
        assert!(small.contains("-y") && small.contains("+z"));
    }
}
