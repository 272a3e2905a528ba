//! Services as the server has them (`sc qc`, `sc qfailure`, `sc queryex`, several services in
//! one file, read by discover's reader) against the plan: every managed service must exist,
//! have the startup type `configure` sets and no Windows recovery (the HA engine handles
//! failures), and Windows must not make it depend on a protected service the policy starts
//! after it. A `manage no` service's own settings are never drift.

use super::Capture;
use crate::diagnostic::{codes, Diagnostic};
use crate::discover::Evidence;
use crate::plan::Plan;

/// The `START_TYPE` word `sc qc` prints for the startup type `configure` sets.
fn expected_start(s: crate::ast::Startup) -> &'static str {
    match s {
        crate::ast::Startup::Manual => "DEMAND_START",
        crate::ast::Startup::Automatic | crate::ast::Startup::DelayedAutomatic => "AUTO_START",
        crate::ast::Startup::Disabled => "DISABLED",
    }
}

pub fn check(plan: &Plan, cap: &Capture) -> Vec<Diagnostic> {
    let mut ev = Evidence::default();
    ev.read_services(std::path::Path::new("capture"), cap.text.as_bytes());
    let policy = plan.input.policy.file;
    let server = &plan.target.server;
    let mut out = Vec::new();
    let svcs = &plan.ev.services;
    let position = |name: &str| {
        plan.start
            .iter()
            .position(|&i| svcs[i].name.eq_ignore_ascii_case(name))
    };
    for &i in &plan.roles.configure {
        let sv = &svcs[i];
        let Some(seen) = ev
            .services
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(&sv.name))
        else {
            out.push(
                Diagnostic::new(
                    codes::SERVICE_DRIFT,
                    format!("service `{}` is not on {server}", sv.name),
                )
                .at(policy, sv.name_span, "the policy protects it")
                .with_note("the capture has no `SERVICE_NAME` for it: it is not installed, or was not captured")
                .with_help("install the service, or capture it with `sc qc NAME` and `sc qfailure NAME`"),
            );
            continue;
        };
        let want = expected_start(sv.startup);
        match &seen.start_type {
            Some(t)
                if t.split_whitespace().next() != Some(want)
                    || t.contains("DELAYED")
                        != (sv.startup == crate::ast::Startup::DelayedAutomatic) =>
            {
                out.push(
                    Diagnostic::new(
                        codes::SERVICE_DRIFT,
                        format!(
                            "service `{}` starts `{t}` on {server}, not `{want}`",
                            sv.name
                        ),
                    )
                    .at(cap.file, cap.line(seen.start_line), "what the server has")
                    .with_label(policy, sv.name_span, "the policy's service")
                    .with_help("run configure on the server, or correct the policy's `startup`"),
                );
            }
            _ => {}
        }
        if let Some((action, line)) = &seen.failure {
            let upper = action.to_ascii_uppercase();
            if ["RESTART", "REBOOT", "RUN"]
                .iter()
                .any(|a| upper.contains(a))
            {
                out.push(
                    Diagnostic::new(
                        codes::SERVICE_DRIFT,
                        format!("Windows recovers service `{}` on {server}: {action}", sv.name),
                    )
                    .at(cap.file, cap.line(*line), "Windows recovery")
                    .with_label(policy, sv.name_span, "the policy's service")
                    .with_note("the HA engine handles a protected service's failures; Windows restarting it behind the engine's back defeats them")
                    .with_help("run configure on the server (it sets recovery to take no action)"),
                );
            }
        }
        // Windows dependencies on protected services the policy starts later
        let me = position(&sv.name);
        for d in &seen.dependencies {
            if let (Some(me), Some(them)) = (me, position(d)) {
                if them > me {
                    out.push(
                        Diagnostic::new(
                            codes::SERVICE_DRIFT,
                            format!(
                                "Windows makes `{}` depend on `{d}`, but the policy starts `{d}` after it",
                                sv.name
                            ),
                        )
                        .at(cap.file, cap.line(seen.line), "this service's configuration")
                        .with_label(policy, sv.name_span, "started before its dependency")
                        .with_help(format!("add `after {d}` to `{}` in the policy", sv.name)),
                    );
                }
            }
        }
    }
    out
}
