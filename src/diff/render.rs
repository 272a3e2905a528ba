//! A diff as text (terminals), Markdown (a pull-request comment: a one-line summary, details
//! in collapsible sections, never over the limit) or JSON.

use super::{Diff, FilterChange, ServerDiff};
use crate::emit::quote::md_inline;
use std::fmt::Write as _;

/// GitHub rejects comments over 65,536 characters; stay well below.
pub const MARKDOWN_LIMIT: usize = 60_000;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `3 filters added, 1 removed, 1 changed; 1 service reordered`
pub fn summary(d: &Diff) -> String {
    if d.is_empty() {
        return "no changes".into();
    }
    let sum = |f: fn(&ServerDiff) -> usize| d.servers.iter().map(f).sum::<usize>();
    let mut parts = Vec::new();
    let (fa, fr, fc) = (
        sum(|s| s.filters_added.len()),
        sum(|s| s.filters_removed.len()),
        sum(|s| s.filters_changed.len()),
    );
    if fa + fr + fc > 0 {
        parts.push(format!("filters: {fa} added, {fr} removed, {fc} changed"));
    }
    let (sa, sr, sc, so) = (
        sum(|s| s.services_added.len()),
        sum(|s| s.services_removed.len()),
        sum(|s| s.services_changed.len()),
        sum(|s| usize::from(s.start_order.is_some())),
    );
    if sa + sr + sc + so > 0 {
        parts.push(format!(
            "services: {sa} added, {sr} removed, {sc} changed, {so} reordered"
        ));
    }
    let (ta, tr, tc) = (
        sum(|s| s.tasks_added.len()),
        sum(|s| s.tasks_removed.len()),
        sum(|s| s.tasks_changed.len()),
    );
    if ta + tr + tc > 0 {
        parts.push(format!("tasks: {ta} added, {tr} removed, {tc} changed"));
    }
    let slower = d
        .servers
        .iter()
        .filter(|s| s.switchover_worst_case_seconds.is_some_and(|(a, b)| b > a))
        .count();
    let faster = d
        .servers
        .iter()
        .filter(|s| s.switchover_worst_case_seconds.is_some_and(|(a, b)| b < a))
        .count();
    if slower + faster > 0 {
        parts.push(format!(
            "worst-case switchover: {slower} longer, {faster} shorter"
        ));
    }
    let roles = sum(|s| s.role.len());
    if roles > 0 {
        parts.push(format!("cluster roles: {}", plural(roles, "change")));
    }
    let mut head = format!("{} changed", plural(d.servers.len(), "server"));
    if !d.servers_added.is_empty() {
        head.push_str(&format!(", {} added", d.servers_added.len()));
    }
    if !d.servers_removed.is_empty() {
        head.push_str(&format!(", {} removed", d.servers_removed.len()));
    }
    if parts.is_empty() {
        head
    } else {
        format!("{head} — {}", parts.join("; "))
    }
}

fn filter_line(c: &FilterChange, sign: char) -> String {
    let e = c.new.as_ref().or(c.old.as_ref());
    let mut s = format!("{sign} {} `{}`", c.list, c.pattern);
    if let Some(e) = e {
        if let Some(class) = &e.class {
            s.push_str(&format!(" ({class})"));
        }
        s.push_str(&format!(" — {}", e.origin));
        if let Some(x) = &e.exception {
            s.push_str(&format!(", exception {x}"));
        }
    }
    s
}

fn changed_line(c: &FilterChange) -> String {
    let (Some(o), Some(n)) = (&c.old, &c.new) else {
        return filter_line(c, '~');
    };
    let mut what = Vec::new();
    if o.class != n.class {
        what.push(format!(
            "class {} → {}",
            o.class.as_deref().unwrap_or("—"),
            n.class.as_deref().unwrap_or("—")
        ));
    }
    if o.reason != n.reason {
        what.push("reason changed".to_string());
    }
    if o.exception != n.exception {
        what.push(format!(
            "exception {} → {}",
            o.exception.as_deref().unwrap_or("none"),
            n.exception.as_deref().unwrap_or("none")
        ));
    }
    format!(
        "~ {} `{}`: {} — {}",
        c.list,
        c.pattern,
        what.join(", "),
        n.origin
    )
}

fn server_lines(s: &ServerDiff) -> Vec<String> {
    let mut v = Vec::new();
    if let Some((a, b)) = &s.release {
        v.push(format!("~ release {a} → {b}"));
    }
    if let Some((a, b)) = s.switchover_worst_case_seconds {
        use crate::model::timeline::human;
        v.push(format!(
            "~ worst-case switchover {} → {}",
            human(a),
            human(b)
        ));
    }
    v.extend(s.filters_added.iter().map(|c| filter_line(c, '+')));
    v.extend(s.filters_removed.iter().map(|c| filter_line(c, '-')));
    v.extend(s.filters_changed.iter().map(changed_line));
    v.extend(s.services_added.iter().map(|x| {
        format!(
            "+ service `{}` ({}) — {}",
            x.name,
            x.display.as_deref().unwrap_or(""),
            x.origin
        )
    }));
    v.extend(
        s.services_removed
            .iter()
            .map(|x| format!("- service `{}` — {}", x.name, x.origin)),
    );
    v.extend(s.services_changed.iter().map(|(o, n)| {
        let what = super::service_changes(o, n);
        format!("~ service `{}`: {} — {}", n.name, what.join(", "), n.origin)
    }));
    if let Some((a, b)) = &s.start_order {
        v.push(format!(
            "~ start order {} → {}",
            a.join(" → "),
            b.join(" → ")
        ));
    }
    v.extend(
        s.tasks_added
            .iter()
            .map(|t| format!("+ {} task `{}` — {}", t.kind, t.name, t.origin)),
    );
    v.extend(
        s.tasks_removed
            .iter()
            .map(|t| format!("- {} task `{}` — {}", t.kind, t.name, t.origin)),
    );
    v.extend(s.tasks_changed.iter().map(|(o, t)| {
        let what = super::task_changes(o, t);
        format!(
            "~ {} task `{}`: {} — {}",
            t.kind,
            t.name,
            what.join(", "),
            t.origin
        )
    }));
    v.extend(s.role.iter().map(super::RoleChange::line));
    v
}

pub fn text(d: &Diff) -> String {
    let mut out = format!("{}\n", summary(d));
    for s in &d.servers_added {
        let _ = writeln!(out, "+ server {s}");
    }
    for s in &d.servers_removed {
        let _ = writeln!(out, "- server {s}");
    }
    for s in &d.servers {
        let _ = writeln!(out, "\n{}:", s.server);
        for l in server_lines(s) {
            let _ = writeln!(out, "  {l}");
        }
    }
    out
}

pub fn markdown(d: &Diff) -> String {
    let mut out = format!("**amxc diff**: {}\n", summary(d));
    let mut sections = Vec::new();
    if !d.servers_added.is_empty() || !d.servers_removed.is_empty() {
        let mut s = String::from("\n<details><summary>Servers added or removed</summary>\n\n");
        for x in &d.servers_added {
            let _ = writeln!(s, "- ➕ <code>{}</code>", md_inline(x));
        }
        for x in &d.servers_removed {
            let _ = writeln!(s, "- ➖ <code>{}</code>", md_inline(x));
        }
        s.push_str("\n</details>\n");
        sections.push(s);
    }
    for sd in &d.servers {
        let lines = server_lines(sd);
        let mut s = format!(
            "\n<details><summary><code>{}</code>: {}</summary>\n\n```diff\n",
            md_inline(&sd.server),
            plural(lines.len(), "change")
        );
        for l in lines {
            s.push_str(&l.replace("```", "'''"));
            s.push('\n');
        }
        s.push_str("```\n\n</details>\n");
        sections.push(s);
    }
    // room for the truncation note and the closing lines
    const RESERVE: usize = 400;
    let total = sections.len();
    for (i, s) in sections.into_iter().enumerate() {
        if out.len() + s.len() + RESERVE <= MARKDOWN_LIMIT {
            out.push_str(&s);
            continue;
        }
        // the section does not fit: show what fits of it, then say what was left out
        let mut shown = 0;
        let mut lines = s.lines();
        for l in lines.by_ref() {
            if out.len() + l.len() + RESERVE > MARKDOWN_LIMIT {
                break;
            }
            out.push_str(l);
            out.push('\n');
            shown += 1;
        }
        if shown > 0 && out.contains("```diff") && out.matches("```").count() % 2 == 1 {
            out.push_str("```\n\n</details>\n");
        }
        let _ = write!(out, "\n_Truncated to stay under {MARKDOWN_LIMIT} characters: {} of {total} sections not shown in full; run `amxc diff` for the whole diff._\n", total - i);
        break;
    }
    if d.servers_unchanged > 0 {
        let _ = write!(
            out,
            "\n{} unchanged.\n",
            plural(d.servers_unchanged, "server")
        );
    }
    out
}
