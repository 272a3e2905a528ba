//! The switchover plan of one server (`lower/switchover.rs` computes it) as text, Markdown
//! (a table and a Mermaid gantt chart; also a section of `summary.md`) and JSON.

use crate::model::timeline::{self as switchover, human, Step, Timeline};
use crate::plan::Plan;
use serde::Serialize;
use std::fmt::Write as _;

/// The version of the JSON shape.
pub const PLAN_FORMAT_VERSION: u32 = 1;

/// The budget that applies on this server, in seconds, if the policy gives one.
pub fn budget(plan: &Plan) -> Option<u64> {
    plan.ev.budget.map(|(seconds, _)| seconds)
}

fn step_name(s: &Step) -> String {
    format!("{} `{}`", s.kind, s.name)
}

fn seconds_cell(s: &Step) -> String {
    if s.phase == switchover::Phase::Periodic {
        "moves".to_string()
    } else if s.default {
        format!("{} (default)", human(s.seconds))
    } else {
        human(s.seconds)
    }
}

fn text_timeline(out: &mut String, plan: &Plan, t: &Timeline) {
    if t.steps.is_empty() {
        out.push_str("  nothing runs\n");
        return;
    }
    let rows: Vec<[String; 5]> = t
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            [
                format!("{}", i + 1),
                s.phase.as_str().to_string(),
                s.server.to_string(),
                step_name(s),
                seconds_cell(s),
            ]
        })
        .collect();
    let width = |k: usize| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0);
    let w: Vec<usize> = (0..5).map(width).collect();
    for (r, s) in rows.iter().zip(&t.steps) {
        let _ = writeln!(
            out,
            "  {:>w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {:<w4$}  {}",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            plan.origin_of(&s.origin),
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4]
        );
    }
}

fn ordinal(i: usize) -> &'static str {
    ["1st", "2nd", "3rd"].get(i).copied().unwrap_or("next")
}

/// The plan for a terminal.
pub fn text(plan: &Plan) -> String {
    let p = &plan.switchover;
    let server = &plan.target.server;
    let mut out = format!(
        "Switchover of {} from {server} (active) to its partner: worst case {}",
        plan.input.policy.id.text,
        human(p.switchover.worst_case())
    );
    if let Some(b) = budget(plan) {
        let _ = write!(out, " (budget {})", human(b));
    }
    out.push('\n');
    text_timeline(&mut out, plan, &p.switchover);
    let _ = writeln!(
        out,
        "\nFailover ({server} is lost; its partner becomes active): worst case {}",
        human(p.failover.worst_case())
    );
    text_timeline(&mut out, plan, &p.failover);
    let _ = writeln!(out, "\nFailure paths of the monitored services:");
    if p.failures.is_empty() {
        out.push_str("  no service is monitored\n");
    }
    for f in &p.failures {
        let actions: Vec<String> = f
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{} failure: {a}", ordinal(i)))
            .collect();
        let list = if actions.is_empty() {
            "no failure actions".to_string()
        } else {
            actions.join(", ")
        };
        let _ = writeln!(
            out,
            "  {}: {list}; then {} — {}",
            f.service,
            f.then,
            plan.origin_of(&f.origin)
        );
    }
    out
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn md_timeline(out: &mut String, plan: &Plan, t: &Timeline) {
    if t.steps.is_empty() {
        out.push_str("Nothing runs.\n");
        return;
    }
    out.push_str("| # | phase | server | step | up to | origin |\n|---|---|---|---|---|---|\n");
    for (i, s) in t.steps.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} `{}` | {} | {} |",
            i + 1,
            s.phase.as_str(),
            s.server,
            s.kind,
            md(&s.name).replace('`', "'"),
            seconds_cell(s),
            md(&plan.origin_of(&s.origin))
        );
    }
}

/// Text for a Mermaid gantt task: no `:` `;` `#` (which end or comment the task).
fn gantt_label(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ':' | ';' | '#' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

fn gantt(out: &mut String, title: &str, t: &Timeline) {
    out.push_str("```mermaid\ngantt\n");
    let _ = writeln!(out, "    title {title}");
    out.push_str("    dateFormat X\n    axisFormat %H:%M:%S\n");
    let mut at = 0u64;
    let mut section = "";
    for (i, s) in t.steps.iter().enumerate() {
        if s.server != section {
            section = s.server;
            let _ = writeln!(out, "    section {section}");
        }
        let label = gantt_label(&format!("{} {}", s.phase.as_str(), s.name));
        if s.seconds == 0 {
            let _ = writeln!(out, "    {label} :milestone, s{i}, {at}, {at}");
        } else {
            let _ = writeln!(out, "    {label} :s{i}, {at}, {}", at + s.seconds);
        }
        at += s.seconds;
    }
    out.push_str("```\n");
}

/// The plan in Markdown: headings at `level` (`##` in `summary.md`).
pub fn markdown_at(plan: &Plan, level: &str) -> String {
    let p = &plan.switchover;
    let server = &plan.target.server;
    let mut out = format!(
        "{level} Switchover from {} (worst case {})\n\n",
        md(server),
        human(p.switchover.worst_case())
    );
    if let Some(b) = budget(plan) {
        let _ = writeln!(out, "Budget: {} (`switchover within`).\n", human(b));
    }
    out.push_str("A managed switchover from this server (the active) to its partner; each step at its timeout, or at the 300 s amxc's scripts wait when the policy gives none.\n\n");
    md_timeline(&mut out, plan, &p.switchover);
    if !p.switchover.steps.is_empty() {
        out.push('\n');
        gantt(&mut out, "Switchover, worst case", &p.switchover);
    }
    let _ = writeln!(
        out,
        "\n{level} Failover (worst case {})\n\n{} is lost; on its partner:\n",
        human(p.failover.worst_case()),
        md(server)
    );
    md_timeline(&mut out, plan, &p.failover);
    let _ = writeln!(out, "\n{level} Failure paths\n");
    if p.failures.is_empty() {
        out.push_str("No service is monitored.\n");
    } else {
        out.push_str("| service | 1st failure | 2nd failure | 3rd failure | then | origin |\n|---|---|---|---|---|---|\n");
        for f in &p.failures {
            let a = |i: usize| f.actions.get(i).map_or("—".to_string(), |a| md(a));
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} |",
                md(&f.service).replace('`', "'"),
                a(0),
                a(1),
                a(2),
                f.then,
                md(&plan.origin_of(&f.origin))
            );
        }
    }
    out
}

/// The plan as a Markdown page.
pub fn markdown(plan: &Plan) -> String {
    format!(
        "# {} on {}\n\n{}",
        md(&plan.input.policy.id.text),
        md(&plan.target.server),
        markdown_at(plan, "##")
    )
}

#[derive(Serialize)]
struct JsonStep<'a> {
    phase: &'static str,
    server: &'static str,
    kind: &'static str,
    name: &'a str,
    seconds: u64,
    default_timeout: bool,
    origin: String,
}

#[derive(Serialize)]
struct JsonTimeline<'a> {
    worst_case_seconds: u64,
    steps: Vec<JsonStep<'a>>,
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    service: &'a str,
    actions: &'a [String],
    then: &'static str,
    origin: String,
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    format_version: u32,
    policy: &'a str,
    server: &'a str,
    release: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget_seconds: Option<u64>,
    worst_case_seconds: u64,
    steps: Vec<JsonStep<'a>>,
    failover: JsonTimeline<'a>,
    failure_paths: Vec<JsonFailure<'a>>,
}

fn json_steps<'a>(plan: &Plan, t: &'a Timeline) -> Vec<JsonStep<'a>> {
    t.steps
        .iter()
        .map(|s| JsonStep {
            phase: s.phase.as_str(),
            server: s.server,
            kind: s.kind,
            name: &s.name,
            seconds: s.seconds,
            default_timeout: s.default,
            origin: plan.origin_of(&s.origin),
        })
        .collect()
}

/// The plan as JSON.
pub fn json(plan: &Plan) -> String {
    let p = &plan.switchover;
    let doc = JsonPlan {
        format_version: PLAN_FORMAT_VERSION,
        policy: &plan.input.policy.id.text,
        server: &plan.target.server,
        release: plan.target.release.to_string(),
        budget_seconds: budget(plan),
        worst_case_seconds: p.switchover.worst_case(),
        steps: json_steps(plan, &p.switchover),
        failover: JsonTimeline {
            worst_case_seconds: p.failover.worst_case(),
            steps: json_steps(plan, &p.failover),
        },
        failure_paths: p
            .failures
            .iter()
            .map(|f| JsonFailure {
                service: &f.service,
                actions: &f.actions,
                then: f.then,
                origin: plan.origin_of(&f.origin),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
