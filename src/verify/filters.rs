//! The filters the product applies, as copied from the Management Client's Data tabs (File
//! Filters, Registry Filters), against the server's `filters.yaml`: a filter missing, one the
//! policy does not have, and one the product shows as Not Effective.
//!
//! The capture has one filter a line, its columns separated by a tab or two spaces or more:
//! `Include|Exclude`, the pattern, and the state the Management Client shows (`Effective`,
//! `Not Effective`, `Subset`); the first and last columns may be left out (an inclusion, state
//! unknown). Blank lines and lines starting with `#` are skipped.

use super::Capture;
use crate::ast::{FilterKind, FilterMode};
use crate::diagnostic::{codes, Diagnostic};
use crate::filters::{normalize_file, normalize_registry};
use crate::plan::Plan;

/// One line of the capture.
#[derive(Debug, PartialEq, Eq)]
pub struct Listed {
    pub mode: FilterMode,
    pub pattern: String,
    pub state: Option<String>,
    pub line: usize,
}

fn columns(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in line.split('\t') {
        // two spaces or more separate columns too; one space is part of a path
        let mut rest = part;
        while let Some(i) = rest.find("  ") {
            out.push(rest[..i].trim());
            rest = rest[i..].trim_start();
        }
        out.push(rest.trim());
    }
    out.into_iter().filter(|c| !c.is_empty()).collect()
}

/// The capture's filters; lines that are not one, with their numbers.
pub fn read(text: &str) -> (Vec<Listed>, Vec<usize>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        let t = line.trim().trim_start_matches('\u{feff}');
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let mut cols = columns(t);
        let mode = match cols.first().map(|c| c.to_ascii_lowercase()) {
            Some(c) if c == "include" || c == "inclusion" => {
                cols.remove(0);
                FilterMode::Include
            }
            Some(c) if c == "exclude" || c == "exclusion" => {
                cols.remove(0);
                FilterMode::Exclude
            }
            _ => FilterMode::Include,
        };
        let state = match cols.last().map(|c| c.to_ascii_lowercase()) {
            Some(c) if c == "effective" || c == "not effective" || c == "subset" => {
                cols.pop().map(str::to_string)
            }
            _ => None,
        };
        match cols.as_slice() {
            [pattern] => out.push(Listed {
                mode,
                pattern: pattern.to_string(),
                state,
                line: n,
            }),
            _ => bad.push(n),
        }
    }
    (out, bad)
}

/// The key a pattern compares by, as the product reads it; `None` when it is not one.
fn key(pattern: &str) -> Option<(FilterKind, String)> {
    if crate::lower::looks_like_registry(pattern) {
        normalize_registry(pattern)
            .ok()
            .map(|p| (FilterKind::Registry, p.key()))
    } else {
        normalize_file(pattern)
            .ok()
            .map(|p| (FilterKind::Files, p.key()))
    }
}

pub fn check(plan: &Plan, cap: &Capture) -> Vec<Diagnostic> {
    let server = &plan.target.server;
    let policy = plan.input.policy.file;
    let (listed, bad) = read(&cap.text);
    let mut out: Vec<Diagnostic> = bad
        .into_iter()
        .map(|n| {
            Diagnostic::new(codes::FILTER_DRIFT, "a line that is not a filter")
                .at(cap.file, cap.line(n), "not `Include|Exclude, pattern, state`")
                .with_help("copy the filter lists as one filter a line: mode, pattern and state, separated by tabs")
        })
        .collect();
    let keyed: Vec<(Option<(FilterKind, String)>, &Listed)> =
        listed.iter().map(|l| (key(&l.pattern), l)).collect();
    let wanted: Vec<_> = plan
        .filters
        .iter()
        .filter(|f| f.kind != FilterKind::Snapshot)
        .collect();
    for f in &wanted {
        let k = (f.kind, f.pattern.key());
        let found = keyed
            .iter()
            .find(|(lk, l)| lk.as_ref() == Some(&k) && l.mode == f.mode);
        let mode = if f.mode == FilterMode::Include {
            "inclusion"
        } else {
            "exclusion"
        };
        match found {
            None => out.push(
                Diagnostic::new(
                    codes::FILTER_DRIFT,
                    format!("the {mode} `{}` is not on {server}", f.pattern.display),
                )
                .at(policy, f.pattern_span, "the policy's filter")
                .with_help("enter it in the Management Client (Data: File Filters or Registry Filters), as filters.yaml lists it"),
            ),
            Some((_, l)) if l.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("not effective")) => out.push(
                Diagnostic::new(
                    codes::FILTER_DRIFT,
                    format!("the {mode} `{}` is Not Effective on {server}", f.pattern.display),
                )
                .at(cap.file, cap.line(l.line), "the product does not apply it")
                .with_label(policy, f.pattern_span, "the policy's filter")
                .with_note("the product shows a filter Not Effective when it vetoes it or when no inclusion holds an exclusion")
                .with_help("see the product's log for why; `amxc explain-path` shows how amxc reads the location"),
            ),
            Some(_) => {}
        }
    }
    for (k, l) in &keyed {
        let known = wanted
            .iter()
            .any(|f| k.as_ref() == Some(&(f.kind, f.pattern.key())) && l.mode == f.mode);
        if !known {
            out.push(
                Diagnostic::new(
                    codes::FILTER_DRIFT,
                    format!(
                        "`{}` is a filter on {server} that the policy does not have",
                        l.pattern
                    ),
                )
                .at(cap.file, cap.line(l.line), "not in filters.yaml")
                .with_help("remove it in the Management Client, or add it to the policy"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_tabs_or_runs_of_spaces_and_paths_keep_their_spaces() {
        let (l, bad) = read("# copied\r\nInclude\tC:\\Program Files\\App\\**\tEffective\r\nExclude  C:\\Program Files\\App\\tmp\\**  Not Effective\r\nC:\\Data\\**\r\nnonsense  a  b  c\r\n");
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].pattern, "C:\\Program Files\\App\\**");
        assert_eq!(l[1].mode, FilterMode::Exclude);
        assert_eq!(l[1].state.as_deref(), Some("Not Effective"));
        assert_eq!(
            (l[2].mode, l[2].state.as_deref()),
            (FilterMode::Include, None)
        );
        assert_eq!(bad, [5]);
    }
}
