//! The plan: everything the emitters need for one server, computed once — the evaluated
//! policy, the effective filters, the start order — after the server-specific checks
//! (drives that exist, values that scripts can hold safely).

use super::order::start_order;
use crate::ast::{FilterKind, FilterMode, Policy};
use crate::diagnostic::{codes, Diagnostic};
use crate::emit::quote::unsafe_reason;
use crate::filters::Trie;
use crate::lower::{evaluate, Env, EvFilter, Evaluated};
use crate::matrix::Matrix;
use crate::source::Span;
use crate::target::Target;

/// Which script language to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScriptKind {
    /// PowerShell on Windows Server 2008 and later, cmd on 2003.
    Auto,
    Ps1,
    Cmd,
    Both,
}

/// A checked policy and what it was read from.
pub struct Input<'a> {
    pub policy: &'a Policy,
    pub text: &'a str,
    /// The policy's file name, as origins name it (`policy.amx`).
    pub name: String,
    pub matrix: &'a Matrix,
    /// Offset of each line's start, for `origin`.
    line_starts: Vec<usize>,
}

impl<'a> Input<'a> {
    pub fn new(policy: &'a Policy, text: &'a str, name: String, matrix: &'a Matrix) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Input {
            policy,
            text,
            name,
            matrix,
            line_starts,
        }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }
}

pub struct Plan<'a> {
    pub input: &'a Input<'a>,
    pub target: &'a Target,
    pub env: Env,
    pub ev: Evaluated,
    /// Effective filters: covered inclusions and exclusions outside every inclusion dropped;
    /// sorted by kind, mode and pattern.
    pub filters: Vec<EvFilter>,
    /// Indices into `ev.services`, in start order.
    pub start: Vec<usize>,
}

impl<'a> Plan<'a> {
    pub fn new(input: &'a Input<'a>, target: &'a Target) -> Result<Plan<'a>, Vec<Diagnostic>> {
        let env = Env::of_target(input.matrix, target);
        let ev = evaluate(input.policy, input.text, &env);
        let file = input.policy.file;
        let mut errors: Vec<Diagnostic> = ev.problems.clone();
        for f in &ev.filters {
            if let Some(drive) = f.pattern.drive() {
                if !target.drives.contains(&drive) {
                    let have: Vec<String> = target.drives.iter().map(|c| format!("{c}:")).collect();
                    errors.push(
                        Diagnostic::new(
                            codes::MISSING_DRIVE,
                            format!(
                                "filter `{}` is on drive {drive}:, which server `{}` does not have",
                                f.pattern, target.server
                            ),
                        )
                        .at(file, f.pattern_span, format!("resolves to drive {drive}:"))
                        .with_label(
                            target.file,
                            target.drives_span,
                            format!("the server has {}", have.join(", ")),
                        )
                        .with_note(
                            "the product would reset the whole filter list to C:\\Protected\\**",
                        )
                        .with_help(
                            "override the path for this server in its profile, or add the drive",
                        ),
                    );
                }
            }
        }
        let check = |value: &str, span: Span, what: &str, errors: &mut Vec<Diagnostic>| {
            if let Some(why) = unsafe_reason(value) {
                errors.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("{what} cannot be written into a script: {why}"),
                    )
                    .at(file, span, "this value")
                    .with_help("remove the character; Windows does not allow it here"),
                );
            }
        };
        for s in &ev.services {
            check(&s.name, s.name_span, "the service name", &mut errors);
            if s.name.contains(['/', '\\']) {
                errors.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("service name `{}` holds a path separator", s.name),
                    )
                    .at(
                        file,
                        s.name_span,
                        "Windows service names cannot hold `/` or `\\`",
                    ),
                );
            }
            if let Some(d) = &s.display {
                check(d, s.origin.span, "the display name", &mut errors);
            }
        }
        for t in &ev.tasks {
            check(&t.name, t.origin.span, "the task name", &mut errors);
            check(&t.program, t.origin.span, "the task's program", &mut errors);
            for a in &t.args {
                check(a, t.origin.span, "a task argument", &mut errors);
            }
        }
        for (k, v) in &target.paths {
            if let Some(why) = unsafe_reason(v) {
                errors.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("path override `{k}` cannot be used: {why}"),
                    )
                    .at(target.file, target.server_span, "in this profile"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let filters = effective(&ev.filters);
        let start = start_order(&ev.services);
        Ok(Plan {
            input,
            target,
            env,
            ev,
            filters,
            start,
        })
    }

    /// Windows Server 2003: scripts are cmd.
    pub fn legacy_os(&self) -> bool {
        self.env.is_legacy_os()
    }

    /// `policy.amx:LINE` for a span of the policy.
    pub fn origin(&self, span: Span) -> String {
        format!("{}:{}", self.input.name, self.input.line_of(span.start))
    }

    /// The first line of every generated file, without comment markers.
    pub fn banner(&self) -> String {
        format!(
            "Generated by amxc {} from {} for server {} (release {}). Do not edit: recompile.",
            env!("CARGO_PKG_VERSION"),
            self.input.name,
            self.target.server,
            self.target.release
        )
    }
}

/// Drop inclusions covered by another inclusion (the product uses the superset) and
/// exclusions outside every inclusion (the product ignores them); sort the rest.
fn effective(filters: &[EvFilter]) -> Vec<EvFilter> {
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
