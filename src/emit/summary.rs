//! `summary.md`: the page a reviewer reads in a pull request — server, release,
//! configuration, counts, the filter table, the start order as a Mermaid graph, advisories.

use crate::ast::{FilterKind, FilterMode};
use crate::plan::Plan;
use std::fmt::Write as _;

/// Text for a Markdown table cell.
pub(crate) fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "'")
        .replace(['\n', '\r'], " ")
}

/// Text for a Markdown code span inside a table cell: only `|` needs escaping there.
pub(crate) fn code(s: &str) -> String {
    format!(
        "`{}`",
        s.replace('|', "\\|")
            .replace('`', "'")
            .replace(['\n', '\r'], " ")
    )
}

/// A message for Markdown: its `code` parts as code spans, the rest as [`cell`] text (each
/// part escaped for where it stands, whatever the message holds).
pub(crate) fn inline(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(k, part)| if k % 2 == 1 { code(part) } else { cell(part) })
        .collect()
}

/// Text for a Mermaid label inside `["…"]` (numbered `1: …`, never `1. …`, which Mermaid
/// reads as a Markdown list): quotes, entities and tags are written as entities.
fn mermaid(s: &str) -> String {
    s.replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace(['\n', '\r'], " ")
}

/// The page's banner, title and the table that says which server and configuration it is.
pub(crate) fn server_table(plan: &Plan) -> String {
    let mut s = format!("<!-- {} -->\n", super::quote::html_comment(&plan.banner()));
    let t = plan.target;
    let _ = writeln!(
        s,
        "# {} on {}\n",
        cell(&plan.input.policy.id.text),
        cell(&t.server)
    );
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| Server | {} |", cell(&t.server));
    let _ = writeln!(s, "| Release | {} |", t.release);
    for (k, v) in &plan.env.dims {
        let _ = writeln!(s, "| {} | {} |", cell(k.as_str()), cell(&v.text));
    }
    let comps: Vec<&str> = plan.env.component_names();
    let _ = writeln!(
        s,
        "| Components | {} |",
        if comps.is_empty() {
            "none".to_string()
        } else {
            cell(&comps.join(", "))
        }
    );
    let _ = writeln!(
        s,
        "| Management IP | {} |",
        t.management_ip.as_deref().map_or("none".to_string(), cell)
    );
    let drives: Vec<String> = t.drives.iter().map(|c| format!("{c}:")).collect();
    let _ = writeln!(s, "| Drives | {} |", drives.join(", "));
    for (d, _) in &plan.ev.exceptions {
        let _ = writeln!(s, "| Exception | {d} applies |");
    }
    s
}

pub fn summary(plan: &Plan) -> String {
    let mut s = server_table(plan);
    let t = plan.target;
    let count = |k: FilterKind, m: FilterMode| {
        plan.filters
            .iter()
            .filter(|f| f.kind == k && f.mode == m)
            .count()
    };
    let _ = writeln!(s, "\n## Counts\n");
    let _ = writeln!(s, "| services | file inclusions | file exclusions | registry inclusions | registry exclusions | snapshot | unprotected | tasks |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        plan.ev.services.len(),
        count(FilterKind::Files, FilterMode::Include),
        count(FilterKind::Files, FilterMode::Exclude),
        count(FilterKind::Registry, FilterMode::Include),
        count(FilterKind::Registry, FilterMode::Exclude),
        plan.filters
            .iter()
            .filter(|f| f.kind == FilterKind::Snapshot)
            .count(),
        plan.ev.unprotected.len(),
        plan.ev.tasks.len()
    );
    let _ = writeln!(s, "\n## Filters\n");
    let _ = writeln!(
        s,
        "| kind | mode | pattern | class | origin |\n|---|---|---|---|---|"
    );
    for f in &plan.filters {
        let kind = f.kind.keyword();
        let mode = f.mode.as_str();
        let mut origin = plan.origin(f.origin.span);
        if let Some(e) = f.origin.exception {
            origin.push_str(&format!(" (exception {e})"));
        }
        let _ = writeln!(
            s,
            "| {kind} | {mode} | {} | {} | {origin} |",
            code(&f.pattern.display),
            f.class.as_str()
        );
    }
    for u in &plan.ev.unprotected {
        let _ = writeln!(
            s,
            "| unprotected | — | {} | {} | {} — {} |",
            code(&u.pattern.display),
            u.class.as_str(),
            plan.origin(u.origin.span),
            cell(&u.because)
        );
    }
    let _ = writeln!(s, "\n## Services\n");
    let _ = writeln!(s, "| service | display name | startup | active | passive | monitor | failure actions | the scripts: configure; becoming active; becoming passive |\n|---|---|---|---|---|---|---|---|");
    let did = |steps: &[crate::model::ServiceStep], i: usize| {
        steps
            .iter()
            .find(|st| st.service == i)
            .map_or("—", |st| st.change.as_str())
    };
    for (i, sv) in plan.ev.services.iter().enumerate() {
        let scripts = if plan.roles.configure.contains(&i) {
            format!(
                "startup type; {}; {}",
                did(&plan.roles.to_active, i),
                did(&plan.roles.to_passive, i)
            )
        } else {
            "not touched (`manage no`)".to_string()
        };
        let actions: Vec<String> = sv
            .on_failure
            .iter()
            .map(super::doc::failure_action_name)
            .collect();
        let _ = writeln!(
            s,
            "| {} | {} | {:?} | {:?} | {:?} | {} | {} | {} |",
            code(&sv.name),
            cell(sv.display.as_deref().unwrap_or("")),
            sv.startup,
            sv.active,
            sv.passive,
            if sv.monitor { "yes" } else { "no" },
            if actions.is_empty() {
                "—".to_string()
            } else {
                cell(&actions.join(", "))
            },
            scripts
        );
    }
    let _ = writeln!(
        s,
        "\n## Start order\n\nStop order is the exact reverse.\n\n```mermaid\ngraph LR"
    );
    for (k, &i) in plan.start.iter().enumerate() {
        let _ = writeln!(
            s,
            "    s{k}[\"{}: {}\"]",
            k + 1,
            mermaid(&plan.ev.services[i].name)
        );
    }
    for (k, &i) in plan.start.iter().enumerate() {
        for a in &plan.ev.services[i].after {
            if let Some(j) = plan
                .start
                .iter()
                .position(|&x| plan.ev.services[x].name.eq_ignore_ascii_case(&a.text))
            {
                let _ = writeln!(s, "    s{j} --> s{k}");
            }
        }
    }
    let _ = writeln!(s, "```");
    if !plan.ev.tasks.is_empty() {
        let _ = writeln!(s, "\n## Tasks\n");
        for t in &plan.ev.tasks {
            let _ = writeln!(s, "- {}", cell(&super::task_comment(plan, t)));
        }
    }
    s.push('\n');
    s.push_str(&super::switchover::markdown_at(plan, "##"));
    if !plan.known_issues.is_empty() {
        let _ = writeln!(
            s,
            "\n## Known issues\n\nFindings the policy acknowledges with `allow`, as documented known issues:\n"
        );
        for k in &plan.known_issues {
            let scope = match k.release {
                Some(r) => format!("release {r}"),
                None => "the whole policy".to_string(),
            };
            let _ = writeln!(
                s,
                "- {} ({}, acknowledged for {}): {} — because {}",
                k.code,
                cell(k.code.info().title),
                scope,
                inline(&k.text),
                cell(&k.because)
            );
        }
    }
    let mut advisories: Vec<String> = plan.ev.advisories.iter().map(|a| a.text.clone()).collect();
    let m = &plan.input.matrix;
    if let Some(r) = m.release(&t.release) {
        if let Some(succ) = m.releases[r].superseded_by {
            advisories.push(format!("release {} is superseded by {succ}", t.release));
        }
        advisories.extend(
            m.releases[r]
                .known_issues
                .iter()
                .map(|k| format!("known issue of {}: {k}", t.release)),
        );
    }
    if !advisories.is_empty() {
        let _ = writeln!(s, "\n## Advisories\n");
        for a in advisories {
            let _ = writeln!(s, "- {}", cell(&a));
        }
    }
    s
}
