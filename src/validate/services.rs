//! Service findings in one configuration: duplicates, start-order cycles, services running on
//! both servers, dependent services with different failure actions.

use crate::diagnostic::{codes, Diagnostic};
use crate::lower::{EvService, Evaluated};
use crate::source::FileId;

/// `declared`: whether the policy declares a service of that name in some configuration (an
/// `after` naming one it never declares is reported once, by the type checks).
/// `legacy_os`: some configuration of the group runs Windows Server 2003 (no delayed start).
/// Services looked up by name without a map.
const FEW: usize = 32;

pub fn check(
    file: FileId,
    ev: &Evaluated,
    declared: &dyn Fn(&str) -> bool,
    legacy_os: bool,
    out: &mut Vec<Diagnostic>,
) {
    let svcs = &ev.services;
    // first declaration of each name, case-insensitively as Windows compares them
    // (a few services are compared in place: this runs once for each group of configurations)
    let mut by_name: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
    if svcs.len() > FEW {
        for (i, s) in svcs.iter().enumerate() {
            by_name.entry(s.name.to_ascii_lowercase()).or_insert(i);
        }
    }
    let find = |name: &str| {
        if svcs.len() > FEW {
            by_name.get(&name.to_ascii_lowercase()).copied()
        } else {
            svcs.iter().position(|s| s.name.eq_ignore_ascii_case(name))
        }
    };
    for (i, s) in svcs.iter().enumerate() {
        if let Some(first) = find(&s.name).filter(|&f| f < i).map(|f| &svcs[f]) {
            out.push(
                Diagnostic::new(
                    codes::DUPLICATE_SERVICE,
                    format!(
                        "service `{}` is declared twice in one configuration",
                        s.name
                    ),
                )
                .at(file, s.name_span, "declared again here")
                .with_label(file, first.name_span, "first declared here")
                .with_help(
                    "give the declarations conditions that never hold together, or remove one",
                ),
            );
        }
        use crate::ast::{ServiceState, Startup};
        let runs = s.active == ServiceState::Running || s.passive == ServiceState::Running;
        if s.manage && s.startup == Startup::Disabled && runs {
            let role = if s.active == ServiceState::Running {
                "active"
            } else {
                "passive"
            };
            out.push(
                Diagnostic::new(
                    codes::DISABLED_MANAGED,
                    format!(
                        "service `{}` is disabled, but the HA product starts it on the {role}",
                        s.name
                    ),
                )
                .at(file, s.startup_span.unwrap_or(s.name_span), "startup disabled")
                .with_note("Windows refuses to start a disabled service (error 1058): every switchover would fail here")
                .with_help("use `startup manual`, or `manage no` if Windows owns the service"),
            );
        }
        let automatic = matches!(s.startup, Startup::Automatic | Startup::DelayedAutomatic);
        if s.manage && s.startup == Startup::DelayedAutomatic && legacy_os {
            out.push(
                Diagnostic::new(
                    codes::DELAYED_START_UNAVAILABLE,
                    format!(
                        "service `{}` has a delayed start, which Windows Server 2003 does not have",
                        s.name
                    ),
                )
                .at(file, s.startup_span.unwrap_or(s.name_span), "startup delayed-auto")
                .with_note("the delayed automatic start came with Windows Server 2008; `sc config … start= delayed-auto` fails before it")
                .with_help("condition it on `os >= 2008`, or use `startup automatic` where the server runs 2003"),
            );
        }
        if s.manage && automatic && s.passive == ServiceState::Stopped {
            out.push(
                Diagnostic::new(
                    codes::AUTOMATIC_STOPPED_ON_PASSIVE,
                    format!(
                        "service `{}` starts with Windows, but the passive must not run it",
                        s.name
                    ),
                )
                .at(file, s.startup_span.unwrap_or(s.name_span), "startup automatic")
                .with_note("after a reboot of the passive, Windows starts it there until the next switchover")
                .with_help("use `startup manual`: the HA product starts it on the active"),
            );
        }
        if s.active == crate::ast::ServiceState::Running
            && s.passive == crate::ast::ServiceState::Running
        {
            out.push(
                Diagnostic::new(codes::RUNNING_ON_BOTH, format!("service `{}` runs on the active and the passive server", s.name))
                    .at(file, s.passive_span.unwrap_or(s.name_span), "running on the passive")
                    .with_note("a service running on the passive can lock replicated files and stop synchronisation")
                    .with_help("use `passive stopped` unless the service never touches protected data"),
            );
        }
        for a in &s.after {
            let Some(j) = find(&a.text) else {
                if declared(&a.text) {
                    out.push(
                        Diagnostic::new(
                            codes::UNKNOWN_SERVICE,
                            format!(
                                "service `{}` starts after `{}`, which does not exist in this configuration",
                                s.name, a.text
                            ),
                        )
                        .at(file, a.span, "not declared where this holds")
                        .with_help(format!(
                            "give the `after` the condition under which `{}` is declared, or declare `{}` wherever `{}` is",
                            a.text, a.text, s.name
                        )),
                    );
                }
                continue;
            };
            let dep: &EvService = &svcs[j];
            if dep.on_failure != s.on_failure && j != i {
                out.push(
                    Diagnostic::new(
                        codes::FAILURE_ACTIONS_DIFFER,
                        format!(
                            "service `{}` depends on `{}` but has different failure actions",
                            s.name, dep.name
                        ),
                    )
                    .at(
                        file,
                        s.on_failure_span.unwrap_or(s.name_span),
                        "these failure actions",
                    )
                    .with_label(
                        file,
                        dep.on_failure_span.unwrap_or(dep.name_span),
                        format!("`{}` has these", dep.name),
                    )
                    .with_help("give dependent services the same `on-failure` list"),
                );
            }
        }
    }
    // cycles: iterative DFS with colours, each cycle reported once
    let n = svcs.len();
    let edges: Vec<Vec<(usize, crate::source::Span)>> = svcs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.after
                .iter()
                .filter_map(|a| find(&a.text).filter(|&j| j != i).map(|j| (j, a.span)))
                .collect()
        })
        .collect();
    let mut colour = vec![0u8; n];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        stack.clear();
        stack.push((root, 0));
        colour[root] = 1;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            if *k < edges[v].len() {
                let (w, span) = edges[v][*k];
                *k += 1;
                match colour[w] {
                    0 => {
                        colour[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|(x, _)| *x == w).unwrap_or(0);
                        let mut names: Vec<&str> = stack[pos..]
                            .iter()
                            .map(|(x, _)| svcs[*x].name.as_str())
                            .collect();
                        names.push(&svcs[w].name);
                        out.push(
                            Diagnostic::new(
                                codes::SERVICE_CYCLE,
                                format!(
                                    "services start after each other in a cycle: {}",
                                    names.join(" → ")
                                ),
                            )
                            .at(file, span, "this `after` closes the cycle")
                            .with_help("remove one `after` of the cycle"),
                        );
                    }
                    _ => {}
                }
            } else {
                colour[v] = 2;
                stack.pop();
            }
        }
    }
}
