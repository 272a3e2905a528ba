//! Every refusal of the plan: values the chosen scripts cannot hold (cmd's one rule,
//! [`cmd_value`]; names a cluster's lists cannot hold) and, for an engine that carries out only
//! part of the policy, what it would lose. The emitters only render a plan these let through.

use super::cluster::Role;
use super::scripts::{scripts, ScriptKind};
use super::Plan;
use crate::diagnostic::{codes, Diagnostic};
use crate::engine::wsfc::{self, Fidelity};

/// cmd's limit on the length of a command line.
pub const MAX_LINE: usize = 8191;

/// The longest value a cmd script takes: a line holds at most three values, and every line
/// must stay under cmd's limit once they are expanded.
pub const MAX_VALUE: usize = 2048;

/// The one rule for a value in a cmd script (`set "AMX_…=…"`, then used inside double quotes
/// with delayed expansion disabled): why `value` cannot be one. Non-ASCII text (cmd reads a
/// batch file in the server's OEM code page, which amxc cannot know), a value too long for
/// cmd's line once expanded, and — where the value reaches a child `cmd /c` (a task's command
/// line, which `amx-task.js` runs under cmd) — `%`, which the child would expand again.
pub fn cmd_value(value: &str, in_child_cmd: bool) -> Option<String> {
    if let Some(c) = value.chars().find(|c| !c.is_ascii()) {
        Some(format!(
            "it holds `{c}`, and cmd.exe reads a batch file in the server's OEM code page"
        ))
    } else if in_child_cmd && value.contains('%') {
        Some("it holds `%`, which the command line the task runs by would expand".to_string())
    } else if value.len() > MAX_VALUE {
        Some(format!(
            "it is {} characters long, and cmd.exe takes lines of at most {MAX_LINE} characters (amxc takes values of up to {MAX_VALUE})",
            value.len()
        ))
    } else {
        None
    }
}

/// Why the plan cannot be rendered as asked: values the chosen scripts cannot hold, and for
/// an engine that carries out only part of the policy, what it would lose (warnings when
/// `allow_lossy`).
pub fn refusals(plan: &Plan, kind: ScriptKind, allow_lossy: bool) -> Vec<Diagnostic> {
    let cmd = scripts(plan, kind).cmd;
    if let Some(role) = &plan.role {
        let mut out = cluster(plan, role, cmd);
        out.extend(cluster_losses(plan, role, allow_lossy));
        return out;
    }
    if cmd {
        self::cmd(plan)
    } else {
        Vec::new()
    }
}

/// AMX0406's refusal of a value cmd cannot hold ([`cmd_value`] says why), worded once; the
/// help says what the place allows instead.
fn not_for_cmd(
    what: &str,
    value: &str,
    why: &str,
    file: crate::source::FileId,
    span: crate::source::Span,
) -> Diagnostic {
    Diagnostic::new(
        codes::UNSAFE_VALUE,
        format!("{what} `{value}` cannot be written into a cmd script: {why}"),
    )
    .at(file, span, "this value")
}

/// Why the plan's values cannot go into cmd scripts ([`cmd_value`] for each).
pub fn cmd(plan: &Plan) -> Vec<Diagnostic> {
    let file = plan.input.policy.file;
    let mut out = Vec::new();
    let mut check = |value: &str, span, what: &str, task: bool| {
        let Some(why) = cmd_value(value, task) else {
            return;
        };
        out.push(not_for_cmd(what, value, &why, file, span).with_help(
            "compile PowerShell scripts for this server (`powershell:` in its profile, or `--script ps1`), or use the value's ASCII form (an 8.3 short name for a path)",
        ));
    };
    for sv in &plan.ev.services {
        check(&sv.name, sv.name_span, "service name", false);
    }
    for t in &plan.ev.tasks {
        check(&t.name, t.origin.span, "task name", false);
        check(&t.program, t.origin.span, "task program", true);
        for a in &t.args {
            check(a, t.origin.span, "task argument", true);
        }
    }
    out
}

/// Diagnostics for what the role does not carry out: errors, or warnings when allowed.
pub fn cluster_losses(plan: &Plan, role: &Role, allowed: bool) -> Vec<Diagnostic> {
    role.losses
        .iter()
        .filter(|l| l.fidelity != Fidelity::Mapped)
        .map(|l| {
            let row = wsfc::row_of(l.construct);
            let d = Diagnostic::new(
                codes::NOT_MAPPED,
                format!(
                    "{} is {} for server `{}` (engine wsfc)",
                    l.subject,
                    l.fidelity.as_str(),
                    plan.target.server
                ),
            )
            .at(plan.input.policy.file, l.span, format!("{}: {}", row.what, l.fidelity.as_str()))
            .with_note(format!("with failover clustering: {}", row.said()))
            .with_help("compile for the replication engine, change the policy for this server, or accept the loss with `--allow-lossy` (the summary then lists it)");
            if allowed {
                d.with_severity(crate::diagnostic::Severity::Warning)
            } else {
                d
            }
        })
        .collect()
}

/// Why a role cannot be written into its scripts: names a dependency expression or
/// cluster.exe's lists cannot hold.
pub fn cluster(plan: &Plan, role: &Role, cmd: bool) -> Vec<Diagnostic> {
    let file = plan.input.policy.file;
    let mut out = Vec::new();
    for r in &role.resources {
        if let Some((product, way)) = wsfc::own_role(&r.service) {
            out.push(
                Diagnostic::new(
                    codes::OWN_CLUSTER_ROLE,
                    format!(
                        "service `{}` ({product}) cannot be a Generic Service resource",
                        r.service
                    ),
                )
                .at(file, r.span, "this service")
                .with_note(format!("Microsoft supports {product} on a cluster only as {way}"))
                .with_help("install that clustered role and compile this server for the replication engine, or leave the service out for clustered servers"),
            );
        }
    }
    for r in &role.resources {
        if r.name.contains(['[', ']']) {
            out.push(
                Diagnostic::new(
                    codes::UNSAFE_VALUE,
                    format!("resource name `{}` holds a square bracket", r.name),
                )
                .at(file, r.span, "this service")
                .with_note("a cluster dependency expression names resources in square brackets")
                .with_help("give the service a display name without `[` or `]`"),
            );
        }
    }
    if cmd {
        // the one rule for a value in a cmd script
        let check = |value: &str, what: &str, span, out: &mut Vec<Diagnostic>| {
            if let Some(why) = cmd_value(value, false) {
                out.push(not_for_cmd(what, value, &why, file, span).with_help("compile PowerShell for this server (`--script ps1`) on Windows Server 2008 R2 or later, or use a shorter ASCII name"));
            }
        };
        check(
            &role.group,
            "the role's name",
            plan.input.policy.id.span,
            &mut out,
        );
        for r in &role.resources {
            check(&r.name, "resource name", r.span, &mut out);
            check(&r.service, "service name", r.span, &mut out);
        }
        for c in &role.checkpoints {
            check(&c.key, "registry checkpoint", c.span, &mut out);
            if c.key.contains(',') {
                out.push(
                    Diagnostic::new(codes::UNSAFE_VALUE, format!("registry checkpoint `{}` holds a comma", c.key))
                        .at(file, c.span, "this inclusion")
                        .with_note("cluster.exe /addcheck reads a comma as the start of another key")
                        .with_help("compile PowerShell for this server (`--script ps1`) on Windows Server 2008 R2 or later"),
                );
            }
        }
    }
    out
}

impl Plan<'_> {
    /// Why this plan cannot be rendered as asked (see [`refusals`]).
    pub fn refusals(&self, kind: ScriptKind, allow_lossy: bool) -> Vec<Diagnostic> {
        refusals(self, kind, allow_lossy)
    }
}
