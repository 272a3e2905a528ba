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

/// Edits between two words, a swap of two neighbouring letters counting as one ("aftre" is one
/// edit from "after"): the optimal string alignment distance of `strsim`.
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::closest;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_swap_of_two_letters_is_one_edit() {
        let known = words(&["after", "exclude", "include"]);
        assert_eq!(closest("aftre", &known).as_deref(), Some("after"));
        // a swap and a missing letter: two edits (three by plain Levenshtein distance)
        assert_eq!(closest("exlcud", &known).as_deref(), Some("exclude"));
    }

    #[test]
    fn a_word_three_edits_away_is_not_offered() {
        assert_eq!(closest("zzzer", &words(&["after"])), None);
        assert_eq!(closest("After", &words(&["after"])), None);
    }
}
