//! "Did you mean …?": the closest of a few known words to a misspelt one.

/// The candidate within edit distance 2 of `word`, if one is clearly closest (ASCII letters,
/// digits, `-`, `_`, `(`, `)` and `.` only; case is ignored).
pub fn closest(word: &str, candidates: &[String]) -> Option<String> {
    if word.is_empty()
        || word.len() > 40
        || !word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '(' | ')' | '.'))
    {
        return None;
    }
    let w = word.to_ascii_lowercase();
    let mut best: Option<(usize, &String)> = None;
    for c in candidates {
        let d = edit_distance(&w, &c.to_ascii_lowercase());
        if d > 0 && d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
