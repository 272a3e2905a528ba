//! A reference semantics for data rules, and the comparison of amxc with it (used by the
//! tests in `reference.rs` and by the `reference` fuzz target).
//!
//! The reference is written to be obviously right, not fast: a pattern is the set of concrete
//! paths it matches in a finite universe (every path of up to five segments over a small
//! alphabet with one letter no pattern names, plus probes below the vetoed folders), and
//! every rule of the filter semantics is a set comparison over all rules — no tries, no
//! classes, no interning. Property tests generate policies (base and exception rules, with
//! and without conditions) and require, for every configuration, that validation's findings,
//! compile's filter set, `coverage` and `explain-path` agree with it.

use amxc::coverage::{Class, Classifier, Scratch};
use amxc::diagnostic::{codes, Code, Diagnostic};
use amxc::emit::{Options, ScriptKind};
use amxc::source::SourceMap;
use amxc::{Checked, Loaded};
use std::collections::BTreeSet;

// ------------------------------------------------------------------ the model

/// What a generated rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Include,
    Exclude,
    Unprotected,
    SnapshotInclude,
    SnapshotExclude,
}

impl Kind {
    fn is_include(self) -> bool {
        matches!(self, Kind::Include | Kind::SnapshotInclude)
    }
    fn is_exclude(self) -> bool {
        matches!(self, Kind::Exclude | Kind::SnapshotExclude)
    }
    /// Filters relate within a family: replication, or snapshot.
    fn snapshot(self) -> bool {
        matches!(self, Kind::SnapshotInclude | Kind::SnapshotExclude)
    }
    /// The keyword as written (`files`, `snapshot`): exceptions replace rules of the same one.
    fn written(self) -> &'static str {
        match self {
            Kind::Include | Kind::Exclude => "files",
            Kind::SnapshotInclude | Kind::SnapshotExclude => "snapshot",
            Kind::Unprotected => "unprotected",
        }
    }
}

/// One generated data rule: segments below `C:`, lower-case.
#[derive(Clone, Debug)]
pub struct Rule {
    pub kind: Kind,
    pub segs: Vec<&'static str>,
    /// In the exception of the later release.
    pub exception: bool,
    /// `when has(av)` (true) or `when not has(av)` (false).
    pub av: Option<bool>,
}

impl Rule {
    fn text(&self) -> String {
        let mut s = "C:".to_string();
        for g in &self.segs {
            s.push('\\');
            s.push_str(g);
        }
        s
    }
}

/// One configuration: the later release or not, the `av` component or not.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub later: bool,
    pub av: bool,
}

pub const CONFIGS: [Config; 4] = [
    Config {
        later: false,
        av: false,
    },
    Config {
        later: false,
        av: true,
    },
    Config {
        later: true,
        av: false,
    },
    Config {
        later: true,
        av: true,
    },
];

/// Segments a pattern may have.
pub const PATTERN_SEGS: [&str; 6] = ["a", "b", "c", "a*", "*", "**"];
/// Names concrete paths use: those patterns name, one that `a*` matches, one nothing names.
const NAMES: [&str; 5] = ["a", "b", "c", "ab", "z"];
/// The folders the engine vetoes below the system drive (lower-case).
const VETOED: [&[&str]; 5] = [
    &["windows", "system32"],
    &["windows", "syswow64"],
    &["program files", "neverfail"],
    &["program files (x86)", "neverfail"],
    &["program files", "vmware", "vmware vcenter server heartbeat"],
];

/// Does a segment glob (`*`, `?`) match a name?
fn glob(p: &[u8], n: &[u8]) -> bool {
    match p.split_first() {
        None => n.is_empty(),
        Some((b'*', rest)) => (0..=n.len()).any(|k| glob(rest, &n[k..])),
        Some((&c, rest)) => n.first() == Some(&c) && glob(rest, &n[1..]),
    }
}

/// Does a pattern (`**` is any number of segments) match a concrete path?
fn matches(p: &[&str], path: &[&str]) -> bool {
    match p.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|k| matches(rest, &path[k..])),
        Some((g, rest)) => {
            !path.is_empty() && glob(g.as_bytes(), path[0].as_bytes()) && matches(rest, &path[1..])
        }
    }
}

/// Each path extended by one more segment, of every name.
fn one_name_more<'a>(paths: &[Vec<&'a str>]) -> Vec<Vec<&'a str>> {
    paths
        .iter()
        .flat_map(|p| {
            NAMES.iter().map(move |n| {
                let mut q = p.clone();
                q.push(*n);
                q
            })
        })
        .collect()
}

/// Every path of the universe.
fn universe() -> Vec<Vec<&'static str>> {
    let mut all: Vec<Vec<&str>> = vec![vec![]];
    let mut level: Vec<Vec<&str>> = vec![vec![]];
    for _ in 0..5 {
        level = one_name_more(&level);
        all.extend(level.iter().cloned());
    }
    // probes: the vetoed folders and a little below them
    for root in VETOED {
        all.push(root.to_vec());
        for n in NAMES {
            for m in NAMES {
                all.push([root, &[n][..]].concat());
                all.push([root, &[n, m][..]].concat());
            }
        }
        for k in 1..root.len() {
            all.push(root[..k].to_vec());
        }
    }
    all
}

/// The reference's verdict for one configuration.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Rules that hold and are neither replaced nor protected.
    pub on: Vec<bool>,
    /// Among them, the filters the product uses.
    pub effective: Vec<bool>,
    /// Exception rule → the base rule it overrides here.
    pub overrides: Vec<Option<usize>>,
    /// (code, rule) findings.
    pub findings: BTreeSet<(u16, usize)>,
}

pub struct Reference {
    pub rules: Vec<Rule>,
    pub paths: Vec<Vec<&'static str>>,
    /// Per rule, which paths of the universe it matches.
    sets: Vec<Vec<bool>>,
}

impl Reference {
    pub fn new(rules: &[Rule]) -> Self {
        let paths = universe();
        let sets = rules
            .iter()
            .map(|r| paths.iter().map(|p| matches(&r.segs, p)).collect())
            .collect();
        Reference {
            rules: rules.to_vec(),
            paths,
            sets,
        }
    }

    fn subset(&self, a: usize, b: usize) -> bool {
        self.sets[a]
            .iter()
            .zip(&self.sets[b])
            .all(|(x, y)| !x || *y)
    }
    fn overlap(&self, a: usize, b: usize) -> bool {
        self.sets[a]
            .iter()
            .zip(&self.sets[b])
            .any(|(x, y)| *x && *y)
    }
    /// Two patterns are the same pattern when they match the same paths.
    fn same(&self, a: usize, b: usize) -> bool {
        self.sets[a] == self.sets[b]
    }

    fn active(&self, i: usize, c: Config) -> bool {
        let r = &self.rules[i];
        (!r.exception || c.later) && r.av.is_none_or(|w| w == c.av)
    }

    /// Base filter `b` is replaced by exception filter `x`: same keyword, same pattern.
    fn replaces(&self, x: usize, b: usize) -> bool {
        let (rx, rb) = (&self.rules[x], &self.rules[b]);
        rx.exception
            && !rb.exception
            && rx.kind != Kind::Unprotected
            && rb.kind != Kind::Unprotected
            && rx.kind.written() == rb.kind.written()
            && self.same(x, b)
    }

    /// Base unprotected data `u` is protected by exception inclusion `x` that covers it.
    fn protects(&self, x: usize, u: usize) -> bool {
        let (rx, ru) = (&self.rules[x], &self.rules[u]);
        rx.exception
            && rx.kind == Kind::Include
            && !ru.exception
            && ru.kind == Kind::Unprotected
            && self.subset(u, x)
    }

    /// An exception inclusion that overrides some base rule, anywhere in the policy.
    fn overrides_something(&self, x: usize) -> bool {
        let n = self.rules.len();
        (0..n).any(|b| self.replaces(x, b) || self.protects(x, b))
    }

    pub fn verdict(&self, c: Config) -> Verdict {
        let n = self.rules.len();
        let active: Vec<bool> = (0..n).map(|i| self.active(i, c)).collect();
        let on: Vec<bool> = (0..n)
            .map(|i| {
                active[i]
                    && !(0..n).any(|x| active[x] && (self.replaces(x, i) || self.protects(x, i)))
            })
            .collect();
        let family =
            |i: usize, j: usize| self.rules[i].kind.snapshot() == self.rules[j].kind.snapshot();
        // the superset is used; of two equal sets, the earlier rule
        let covering = |i: usize| {
            (0..n).find(|&j| {
                j != i
                    && on[j]
                    && self.rules[j].kind.is_include()
                    && family(i, j)
                    && self.subset(i, j)
                    && (!self.subset(j, i) || j < i)
            })
        };
        let carved = |i: usize| {
            (0..n).any(|e| {
                on[e] && self.rules[e].kind.is_exclude() && family(i, e) && self.overlap(i, e)
            })
        };
        let inside = |e: usize| {
            (0..n).any(|i| {
                on[i] && self.rules[i].kind.is_include() && family(i, e) && self.subset(e, i)
            })
        };
        let mut v = Verdict {
            on: on.clone(),
            effective: vec![false; n],
            overrides: vec![None; n],
            findings: BTreeSet::new(),
        };
        for i in (0..n).filter(|&i| on[i]) {
            let r = &self.rules[i];
            v.effective[i] = match r.kind {
                Kind::Include | Kind::SnapshotInclude => covering(i).is_none() || carved(i),
                Kind::Exclude | Kind::SnapshotExclude => inside(i),
                Kind::Unprotected => false,
            };
            if r.exception {
                v.overrides[i] = (0..n)
                    .find(|&b| active[b] && self.replaces(i, b))
                    .or_else(|| (0..n).find(|&u| active[u] && self.protects(i, u)));
            }
            match r.kind {
                Kind::Include => {
                    if r.segs == ["**"] || VETOED.iter().any(|root| self.reaches(i, root)) {
                        v.findings.insert((codes::VETOED_INCLUSION.0, i));
                    }
                    if !self.overrides_something(i) && !carved(i) && covering(i).is_some() {
                        v.findings.insert((codes::REDUNDANT_INCLUSION.0, i));
                    }
                }
                Kind::Exclude => {
                    if !inside(i) {
                        v.findings.insert((codes::EXCLUSION_NOT_EFFECTIVE.0, i));
                    }
                    let contradicted = (0..n).any(|j| {
                        on[j]
                            && !r.exception
                            && !self.rules[j].exception
                            && self.rules[j].kind == Kind::Include
                            && self.same(i, j)
                    });
                    if contradicted {
                        v.findings.insert((codes::CONTRADICTION.0, i));
                    }
                }
                Kind::SnapshotInclude => {
                    // the Data Rollback snapshot holds protected data only
                    let within = (0..n)
                        .any(|j| on[j] && self.rules[j].kind == Kind::Include && self.subset(i, j));
                    let unprotected = (0..n).any(|u| {
                        on[u]
                            && self.rules[u].kind == Kind::Unprotected
                            && self.overlap(i, u)
                            && !(0..n).any(|e| {
                                on[e] && self.rules[e].kind == Kind::Exclude && self.subset(u, e)
                            })
                    });
                    if !within || unprotected {
                        v.findings.insert((codes::SNAPSHOT_UNPROTECTED.0, i));
                    }
                }
                Kind::Unprotected if !r.exception => {
                    let excluded = (0..n)
                        .any(|e| on[e] && self.rules[e].kind == Kind::Exclude && self.subset(i, e));
                    if !excluded {
                        for (j, rj) in self.rules.iter().enumerate() {
                            if on[j]
                                && !rj.exception
                                && rj.kind == Kind::Include
                                && self.overlap(i, j)
                            {
                                v.findings.insert((codes::COVERS_UNPROTECTED.0, j));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        v
    }

    /// Whether rule `i` matches some path in or below a vetoed folder.
    fn reaches(&self, i: usize, root: &[&str]) -> bool {
        self.paths
            .iter()
            .zip(&self.sets[i])
            .any(|(p, &m)| m && p.starts_with(root))
    }

    /// How `coverage` must classify a path, from the effective filters of a verdict.
    pub fn classify(&self, v: &Verdict, path: &[&str]) -> Class {
        let n = self.rules.len();
        let of = |k: Kind| (0..n).filter(move |&i| self.rules[i].kind == k);
        let hit = |i: usize| matches(&self.rules[i].segs, path);
        let includes: Vec<usize> = of(Kind::Include).filter(|&i| v.effective[i]).collect();
        if includes.iter().any(|&i| hit(i)) {
            return if of(Kind::Exclude).any(|e| v.effective[e] && hit(e)) {
                Class::Excluded
            } else {
                Class::Replicated
            };
        }
        if of(Kind::Unprotected).any(|u| v.on[u] && hit(u)) {
            return Class::Unprotected;
        }
        // a folder on the way to an inclusion is replicated too: some path below it (a few
        // more segments, of any names the patterns tell apart) is included
        let mut below = false;
        let mut ext: Vec<Vec<&str>> = vec![path.to_vec()];
        for _ in 0..3 {
            ext = one_name_more(&ext);
            below |= ext
                .iter()
                .any(|p| includes.iter().any(|&i| matches(&self.rules[i].segs, p)));
        }
        if below {
            Class::Replicated
        } else {
            Class::Outside
        }
    }

    /// Every effective filter and every unprotected rule that holds and matches `path`: what
    /// `explain-path` lists.
    pub fn matching(&self, v: &Verdict, path: &[&str]) -> BTreeSet<String> {
        (0..self.rules.len())
            .filter(|&i| {
                let k = self.rules[i].kind;
                let shown = match k {
                    Kind::Include | Kind::Exclude => v.effective[i],
                    Kind::Unprotected => v.on[i],
                    _ => false,
                };
                shown && matches(&self.rules[i].segs, path)
            })
            .map(|i| self.rules[i].text())
            .collect()
    }
}

// ------------------------------------------------------------------ amxc on the same policy

/// The policy text, and the line of each rule.
pub fn policy_text(rules: &[Rule]) -> (String, Vec<usize>) {
    let mut s = String::from("amx \"ref\" {\n    versions 2007-03-27, 2007-07-11\n    data {\n");
    let mut lines = vec![0; rules.len()];
    let mut line = 4;
    let write = |s: &mut String, r: &Rule| {
        let what = match r.kind {
            Kind::Include => "files include",
            Kind::Exclude => "files exclude",
            Kind::Unprotected => "unprotected",
            Kind::SnapshotInclude => "snapshot include",
            Kind::SnapshotExclude => "snapshot exclude",
        };
        s.push_str(&format!("        {what} '{}'", r.text()));
        if r.kind == Kind::Unprotected {
            s.push_str(" because \"x\"");
        }
        match r.av {
            Some(true) => s.push_str(" when has(av)"),
            Some(false) => s.push_str(" when not has(av)"),
            None => {}
        }
        s.push('\n');
    };
    for (i, r) in rules.iter().enumerate().filter(|(_, r)| !r.exception) {
        write(&mut s, r);
        lines[i] = line;
        line += 1;
    }
    s.push_str("    }\n    exception 2007-07-11 {\n        data {\n");
    line += 3;
    for (i, r) in rules.iter().enumerate().filter(|(_, r)| r.exception) {
        s.push_str("    ");
        write(&mut s, r);
        lines[i] = line;
        line += 1;
    }
    s.push_str("        }\n    }\n}\n");
    (s, lines)
}

const MATRIX: &str = "amx: ref\ndimensions:\n  heartbeat: { kind: version, values: [\"6.0\"] }\ncomponents:\n  av: \"anti-virus\"\nversions:\n  \"2007-03-27\": {}\n  \"2007-07-11\": {}\n";

fn target_text(c: Config) -> String {
    format!(
        "server: T\namx: ref\nversion: {}\nheartbeat: \"6.0\"\ncomponents: [{}]\nmanagement_ip: null\ndrives: [C]\n",
        if c.later { "2007-07-11" } else { "2007-03-27" },
        if c.av { "av" } else { "" }
    )
}

/// The codes of the findings the reference models.
const MODELLED: [Code; 6] = [
    codes::SNAPSHOT_UNPROTECTED,
    codes::VETOED_INCLUSION,
    codes::REDUNDANT_INCLUSION,
    codes::EXCLUSION_NOT_EFFECTIVE,
    codes::CONTRADICTION,
    codes::COVERS_UNPROTECTED,
];

/// Compare amxc with the reference on one generated policy; the first disagreement, if any.
pub fn disagreement(rules: &[Rule]) -> Option<String> {
    let (text, lines) = policy_text(rules);
    let reference = Reference::new(rules);
    let verdicts: Vec<Verdict> = CONFIGS.iter().map(|&c| reference.verdict(c)).collect();
    let rule_at = |line: usize| lines.iter().position(|&l| l == line);
    let mut sources = SourceMap::new();
    let pf = sources.add("ref.amx", text.clone());
    let mf = sources.add("ref.versions.yaml", MATRIX);
    let parsed = amxc::parse::parse(pf, &text);
    let (matrix, mds) = amxc::matrix::load(mf, MATRIX).into_parts();
    assert!(mds.is_empty(), "{mds:?}");
    let loaded = Loaded {
        file: pf,
        policy: parsed.value,
        matrix,
        matrix_file: Some(mf),
        diagnostics: parsed.diagnostics,
    };
    let checking = amxc::check(loaded, &text, "ref.amx".into());
    // validation: the union over configurations
    let line_of = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|p| sources.line_col(p.file, p.span.start()).line)
    };
    let found: BTreeSet<(u16, usize)> = checking
        .diagnostics
        .iter()
        .filter(|d| MODELLED.contains(&d.code))
        .filter_map(|d| Some((d.code.0, rule_at(line_of(d)?)?)))
        .collect();
    let expected: BTreeSet<(u16, usize)> = verdicts
        .iter()
        .flat_map(|v| v.findings.iter().copied())
        .collect();
    if found != expected {
        return Some(format!(
            "validation: amxc {found:?}, reference {expected:?}\n{text}"
        ));
    }
    let Some(checked) = checking.checked else {
        return None; // errors: nothing to compile
    };
    for (c, v) in CONFIGS.iter().zip(&verdicts) {
        if let Some(d) = compare_server(&checked, &reference, v, *c, &lines) {
            return Some(format!("{c:?}: {d}\n{text}"));
        }
    }
    None
}

fn compare_server(
    checked: &Checked,
    reference: &Reference,
    v: &Verdict,
    c: Config,
    lines: &[usize],
) -> Option<String> {
    let rule_at = |line: usize| lines.iter().position(|&l| l == line);
    let yaml = target_text(c);
    let (target, tds) =
        amxc::profile::load(9, &yaml, &checked.policy, &checked.matrix).into_parts();
    let Some(target) = target else {
        return Some(format!("target refused: {tds:?}"));
    };
    let plan = match amxc::plan(checked, &target).into_parts() {
        (Some(p), _) => p,
        (None, ds) => return Some(format!("plan refused: {ds:?}")),
    };
    // the effective filter set, with what each exception overrode
    let line = |span: amxc::source::Span| checked.line_of(span.start());
    let got: BTreeSet<(usize, Option<usize>)> = plan
        .filters
        .iter()
        .filter_map(|f| {
            let i = rule_at(line(f.origin.span))?;
            Some((i, f.origin.overrides.and_then(|s| rule_at(line(s)))))
        })
        .collect();
    let want: BTreeSet<(usize, Option<usize>)> = (0..lines.len())
        .filter(|&i| v.effective[i])
        .map(|i| (i, v.overrides[i]))
        .collect();
    if got != want {
        return Some(format!("filters: amxc {got:?}, reference {want:?}"));
    }
    let got_u: BTreeSet<usize> = plan
        .ev
        .unprotected
        .iter()
        .filter_map(|u| rule_at(line(u.origin.span)))
        .collect();
    let want_u: BTreeSet<usize> = (0..lines.len())
        .filter(|&i| v.on[i] && reference.rules[i].kind == Kind::Unprotected)
        .collect();
    if got_u != want_u {
        return Some(format!("unprotected: amxc {got_u:?}, reference {want_u:?}"));
    }
    // the rendered filter set holds exactly those patterns
    let files = amxc::emit::render(
        &plan,
        Options {
            scripts: ScriptKind::Ps1,
            json: false,
            allow_lossy: false,
        },
    );
    let yaml = &files.files["filters.yaml"];
    for i in (0..lines.len()).filter(|&i| v.effective[i]) {
        let needle = format!("origin: ref.amx:{}", lines[i]);
        if !yaml.contains(&needle) {
            return Some(format!("filters.yaml lacks rule {i} ({needle})"));
        }
    }
    // coverage and explain-path on every path of up to four segments
    let classifier = Classifier::new(&plan);
    let mut scratch = Scratch::default();
    for p in reference.paths.iter().filter(|p| p.len() <= 4) {
        let mut text = "C:".to_string();
        for s in p {
            text.push('\\');
            text.push_str(s);
        }
        let got = classifier.classify(&text, &mut scratch).class;
        let want = reference.classify(v, p);
        if got != want {
            return Some(format!(
                "coverage of {text}: amxc {got:?}, reference {want:?}"
            ));
        }
        let got: BTreeSet<String> = classifier
            .matching_rules(&text)
            .into_iter()
            .map(|k| classifier.rules[k].pattern.clone())
            .collect();
        let want = reference.matching(v, p);
        if got != want {
            return Some(format!(
                "explain-path {text}: amxc {got:?}, reference {want:?}"
            ));
        }
    }
    None
}

/// Rules from arbitrary bytes (for the fuzz target): four bytes a rule.
pub fn rules_from_bytes(data: &[u8]) -> Vec<Rule> {
    const KINDS: [Kind; 5] = [
        Kind::Include,
        Kind::Exclude,
        Kind::Unprotected,
        Kind::SnapshotInclude,
        Kind::SnapshotExclude,
    ];
    data.chunks_exact(4)
        .take(10)
        .map(|c| {
            let n = 1 + (c[1] % 3) as usize;
            let mut segs: Vec<&'static str> = (0..n)
                .map(|k| PATTERN_SEGS[(c[2] as usize >> (2 * k) ^ c[3] as usize >> k) % 6])
                .collect();
            segs.dedup_by(|a, b| *a == "**" && *b == "**");
            Rule {
                kind: KINDS[(c[0] % 5) as usize],
                segs,
                exception: c[0] & 0x80 != 0,
                av: match (c[0] >> 5) & 3 {
                    1 => Some(true),
                    2 => Some(false),
                    _ => None,
                },
            }
        })
        .collect()
}
