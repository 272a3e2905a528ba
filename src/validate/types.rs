//! Names and types, checked once for the whole policy: conditions against the matrix's
//! dimensions and components, release versions, services named by `after`, tasks named by
//! `on-failure`, the sides tasks run on.

use crate::ast::*;
use crate::diagnostic::{codes, Diagnostic};
use crate::matrix::{DimKind, Matrix};
use crate::source::FileId;

pub fn check(policy: &Policy, matrix: Option<&Matrix>) -> Vec<Diagnostic> {
    let file = policy.file;
    let mut out = Vec::new();
    let versions: Vec<Date> = policy
        .versions
        .as_ref()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    if policy.versions.is_none() {
        out.push(
            Diagnostic::new(
                codes::MISSING_STATEMENT,
                format!("policy `{}` lists no release versions", policy.id.text),
            )
            .at(file, policy.id.span, "this policy needs `versions`")
            .with_help("add `versions 2007-07-11` (the dates of the module's releases)"),
        );
    }
    let known_release = |d: &Date| versions.iter().any(|v| v.key() == d.key());
    let unknown_release = |d: &Date, what: &str| {
        let listed: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
        let mut diag = Diagnostic::new(
            codes::UNKNOWN_RELEASE,
            format!("release {d} used in {what} is not in the policy's `versions`"),
        )
        .at(file, d.span, "unknown release");
        if let Some(v) = &policy.versions {
            diag = diag.with_label(
                file,
                v.span,
                format!("the policy lists {}", listed.join(", ")),
            );
        }
        diag.with_help("add the release to `versions`, or correct the date")
    };
    for e in &policy.exceptions {
        if !known_release(&e.release) {
            out.push(unknown_release(&e.release, "an exception"));
        }
    }
    if let Some(AppliesTo::Releases(ds)) = policy.applies_to.as_ref().map(|a| &a.value) {
        for d in ds {
            if !known_release(d) {
                out.push(unknown_release(d, "`applies-to`"));
            }
        }
    }
    if let (Some(m), Some(v)) = (matrix, &policy.versions) {
        for d in &v.value {
            if m.release(d).is_none() {
                let listed: Vec<String> = m.releases.iter().map(|r| r.date.to_string()).collect();
                out.push(
                    Diagnostic::new(
                        codes::UNKNOWN_RELEASE,
                        format!("release {d} is not in the version matrix"),
                    )
                    .at(file, d.span, "the matrix does not list this release")
                    .with_note(format!(
                        "the matrix lists {}",
                        if listed.is_empty() {
                            "no releases".into()
                        } else {
                            listed.join(", ")
                        }
                    ))
                    .with_help(
                        "add the release under `versions` in the matrix, or correct the date",
                    ),
                );
            }
        }
        if let Some((amx, span)) = &m.amx {
            if amx != &policy.id.text {
                out.push(
                    Diagnostic::new(
                        codes::MATRIX_MISMATCH,
                        format!(
                            "the version matrix is for `{amx}`, not `{}`",
                            policy.id.text
                        ),
                    )
                    .at(file, policy.id.span, "this policy")
                    .with_label(m.file, *span, "the matrix's module"),
                );
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for c in policy.conditions() {
        for atom in c.atoms() {
            if seen.insert(atom.span) {
                condition_atom(
                    file,
                    atom,
                    matrix,
                    &known_release,
                    &mut out,
                    &unknown_release,
                );
            }
        }
    }
    if let Some(m) = matrix {
        for s in &policy.supports {
            let dim = &s.value.dimension;
            let Some(di) = m.dimension(&dim.text) else {
                out.push(unknown_dimension(file, dim, m));
                continue;
            };
            for v in &s.value.values {
                if m.dimensions[di].value_index(&v.text).is_none() {
                    out.push(not_in_domain(file, &dim.text, v, m, di));
                }
            }
        }
    }
    names(policy, &mut out);
    out
}

fn unknown_dimension(file: FileId, dim: &Name, m: &Matrix) -> Diagnostic {
    let known: Vec<&str> = m.dimensions.iter().map(|d| d.name.as_str()).collect();
    let d = Diagnostic::new(
        codes::UNKNOWN_DIMENSION,
        format!("`{}` is not a dimension of the version matrix", dim.text),
    )
    .at(file, dim.span, "unknown dimension")
    .with_note(format!(
        "the matrix declares {}, and `version` is the release version",
        known.join(", ")
    ));
    let candidates: Vec<String> = known.iter().map(|k| k.to_string()).collect();
    match crate::diagnostic::closest(&dim.text, &candidates) {
        Some(best) => d.with_suggestion(file, dim.span, &best),
        None => d.with_help("use a declared dimension, or declare this one in the matrix"),
    }
}

fn not_in_domain(file: FileId, dim: &str, v: &Value, m: &Matrix, di: usize) -> Diagnostic {
    let d = &m.dimensions[di];
    Diagnostic::new(
        codes::VALUE_NOT_IN_DOMAIN,
        format!("`{}` is not a value of `{dim}`", v.text),
    )
    .at(file, v.span, format!("`{dim}` has no such value"))
    .with_label(
        m.file,
        d.span,
        format!("`{dim}` is declared here with {}", d.domain()),
    )
    .with_help(format!("use one of {}", d.domain()))
}

fn condition_atom(
    file: FileId,
    atom: &Condition,
    matrix: Option<&Matrix>,
    known_release: &dyn Fn(&Date) -> bool,
    out: &mut Vec<Diagnostic>,
    unknown_release: &dyn Fn(&Date, &str) -> Diagnostic,
) {
    match &atom.kind {
        CondKind::Release { value, date, .. } => {
            match date {
                Some(d) if !known_release(d) => out.push(unknown_release(d, "a condition")),
                Some(_) => {}
                None => out.push(
                    Diagnostic::new(codes::VALUE_NOT_IN_DOMAIN, format!("`version` is compared with `{}`, which is not a release date", value.text))
                        .at(file, value.span, "expected a release version such as 2007-07-11")
                        .with_help("`version` is the module's release version; compare it with one of the dates in `versions`"),
                ),
            }
        }
        CondKind::Compare {
            dimension,
            op,
            value,
            ..
        } => {
            let Some(m) = matrix else { return };
            let Some(di) = m.dimension(&dimension.text) else {
                out.push(unknown_dimension(file, dimension, m));
                return;
            };
            let d = &m.dimensions[di];
            if op.is_ordering() && d.kind == DimKind::Enum {
                out.push(
                    Diagnostic::new(
                        codes::UNORDERED_COMPARISON,
                        format!(
                            "`{}` has no order, so `{}` cannot compare it",
                            dimension.text,
                            op.as_str()
                        ),
                    )
                    .at(file, atom.span, "ordering comparison")
                    .with_label(
                        m.file,
                        d.span,
                        format!("`{}` is declared `kind: enum` here", dimension.text),
                    )
                    .with_help("use `==` or `!=`, combining values with `or`"),
                );
            }
            if d.value_index(&value.text).is_none() {
                out.push(not_in_domain(file, &dimension.text, value, m, di));
            }
        }
        CondKind::Has(n, _) => {
            let Some(m) = matrix else { return };
            if m.component(&n.text).is_none() {
                let known: Vec<&str> = m.components.iter().map(|c| c.name.as_str()).collect();
                let d = Diagnostic::new(
                    codes::UNKNOWN_COMPONENT,
                    format!("`{}` is not a component of the version matrix", n.text),
                )
                .at(file, n.span, "unknown component")
                .with_note(if known.is_empty() {
                    "the matrix declares no components".to_string()
                } else {
                    format!("the matrix declares {}", known.join(", "))
                });
                let candidates: Vec<String> = known.iter().map(|k| k.to_string()).collect();
                out.push(match crate::diagnostic::closest(&n.text, &candidates) {
                    Some(best) => d.with_suggestion(file, n.span, &best),
                    None => d.with_help(
                        "use a declared component, or declare it under `components` in the matrix",
                    ),
                });
            }
        }
        _ => {}
    }
}

/// Services named by `after`, tasks named by `on-failure`, task sides.
fn names(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let file = policy.file;
    let services: Vec<&Service> = policy
        .bodies()
        .flat_map(|(b, _)| b.services.iter().map(|s| &s.value))
        .collect();
    let tasks: Vec<&Task> = policy
        .bodies()
        .flat_map(|(b, _)| b.tasks.iter().map(|t| &t.value))
        .collect();
    let declared: std::collections::HashSet<String> = services
        .iter()
        .map(|s| s.name.text.to_ascii_lowercase())
        .collect();
    for s in &services {
        for a in s.after.iter().flat_map(|a| a.value.iter()) {
            if a.text.eq_ignore_ascii_case(&s.name.text) {
                out.push(
                    Diagnostic::new(
                        codes::SERVICE_CYCLE,
                        format!("service `{}` starts after itself", s.name.text),
                    )
                    .at(file, a.span, "names the service itself")
                    .with_help("remove this `after`"),
                );
            } else if !declared.contains(&a.text.to_ascii_lowercase()) {
                let d = Diagnostic::new(
                    codes::UNKNOWN_SERVICE,
                    format!(
                        "service `{}` starts after `{}`, which the policy does not declare",
                        s.name.text, a.text
                    ),
                )
                .at(file, a.span, "unknown service");
                // another service: one starting after itself is not what was meant
                let candidates: Vec<String> = services
                    .iter()
                    .map(|x| x.name.text.clone())
                    .filter(|n| !n.eq_ignore_ascii_case(&s.name.text))
                    .collect();
                out.push(
                    match crate::diagnostic::closest(&a.text, &candidates)
                        .filter(|_| !a.text.contains(['\'', '"']))
                    {
                        Some(best) => d.with_suggestion(file, a.span, &best),
                        None => d.with_help(
                            "declare the service in `services { … }`, or correct the name",
                        ),
                    },
                );
            }
        }
        for f in s.on_failure.iter().flat_map(|f| f.value.iter()) {
            let FailureAction::Task(n) = f else { continue };
            match tasks.iter().find(|t| t.name.text == n.text) {
                None => out.push(
                    Diagnostic::new(
                        codes::UNKNOWN_TASK,
                        format!(
                            "failure action names task `{}`, which the policy does not declare",
                            n.text
                        ),
                    )
                    .at(file, n.span, "unknown task")
                    .with_help("declare a task with `at rule-action`, or correct the name"),
                ),
                Some(t) if t.at.value != TaskKind::RuleAction => out.push(
                    Diagnostic::new(
                        codes::UNKNOWN_TASK,
                        format!(
                            "task `{}` runs at `{}`, so it cannot be a failure action",
                            n.text,
                            t.at.value.keyword()
                        ),
                    )
                    .at(file, n.span, "not a rule-action task")
                    .with_label(file, t.at.span, "declared here")
                    .with_help("only tasks with `at rule-action` run as failure actions"),
                ),
                Some(_) => {}
            }
        }
    }
    for t in &tasks {
        let Some(on) = &t.on else {
            if t.at.value == TaskKind::Network {
                out.push(
                    Diagnostic::new(codes::MISSING_STATEMENT, format!("network task `{}` does not say which server it runs on", t.name.text))
                        .at(file, t.name.span, "needs `on primary` or `on secondary`")
                        .with_help("network configuration differs between the primary and the secondary server"),
                );
            }
            continue;
        };
        let engine = crate::engine::default_engine();
        if !engine.side_allowed(t.at.value, on.value) {
            let words: Vec<String> = engine
                .allowed_sides(t.at.value)
                .iter()
                .filter_map(|s| crate::ast::keywords::TASK_SIDE.word(s))
                .map(|w| format!("`{w}`"))
                .collect();
            let expected = match words.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            out.push(
                Diagnostic::new(
                    codes::INVALID_TASK_SIDE,
                    format!("a `{}` task runs on {expected}", t.at.value.keyword()),
                )
                .at(file, on.span, "not a side this kind of task has")
                .with_label(file, t.at.span, "the task's kind")
                .with_help(format!("write `on` with {expected}")),
            );
        }
    }
}
