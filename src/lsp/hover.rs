//! Hover: what the name, rule or finding under the cursor means in the configurations the
//! matrix gives — a variable's value per platform, a service's settings and start position, a
//! release's matrix entry, the configurations where a filter holds, a finding's explanation.

use super::analysis::Analysis;
use super::symbols::{self, Kind, Symbol};
use crate::ast::{DataRule, Item, Policy, Str};
use crate::lower::{exception_applies, holds, Env, Resolver};
use crate::matrix::Matrix;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Markdown for the hover at byte `offset`, if there is anything to say.
pub fn hover(a: &Analysis, text: &str, offset: usize) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(p) = &a.policy {
        let syms = symbols::index(p, text);
        if let Some(s) = symbols::at(&syms, offset) {
            parts.push(match s.kind {
                Kind::Variable => variable(a, p, &syms, s),
                Kind::Service => service(a, p, s),
                Kind::Release => release(a, s),
                Kind::Task => task(p, s),
            });
        } else if let Some(rule) = data_rule_at(p, offset) {
            parts.push(data_rule(a, p, rule));
        } else if let Some(allow) = allow_at(p, offset) {
            parts.push(acknowledged(a, allow));
        }
    }
    for d in &a.diagnostics {
        let Some(l) = d.primary.as_ref().filter(|l| l.file == a.file) else {
            continue;
        };
        if l.span.start() <= offset && offset <= l.span.end() {
            parts.push(format!(
                "```text\n{}```",
                crate::diagnostic::explain(d.code)
            ));
        }
    }
    parts.dedup();
    (!parts.is_empty()).then(|| parts.join("\n\n---\n\n"))
}

/// The fewest dimensions whose values decide `f` over the configurations (none when `f` is
/// the same everywhere).
fn deciding_dims<T: PartialEq>(m: &Matrix, envs: &[&Env], f: &dyn Fn(&Env) -> T) -> Vec<usize> {
    let n = m.dimensions.len().min(12);
    let value = |e: &Env, d: usize| e.dims.get(&m.dimensions[d].sym).map(|v| v.text.clone());
    // the fewest dimensions; among as few, the platform's (what WOW64 and releases turn on)
    let platform = |d: usize| {
        use crate::engine::windows::{DIM_ARCH, DIM_OS, DIM_PRODUCT};
        [DIM_ARCH, DIM_OS, DIM_PRODUCT].contains(&m.dimensions[d].name.as_str())
    };
    let mut subsets: Vec<u32> = (0..1u32 << n).collect();
    subsets.sort_by_key(|s| {
        let others = (0..n)
            .filter(|&d| s & (1 << d) != 0 && !platform(d))
            .count();
        (s.count_ones(), others)
    });
    for set in subsets {
        let dims: Vec<usize> = (0..n).filter(|d| set & (1 << d) != 0).collect();
        let mut seen: Vec<(Vec<Option<String>>, T)> = Vec::new();
        let decides = envs.iter().all(|e| {
            let key: Vec<Option<String>> = dims.iter().map(|&d| value(e, d)).collect();
            match seen.iter().find(|(k, _)| *k == key) {
                Some((_, v)) => *v == f(e),
                None => {
                    seen.push((key, f(e)));
                    true
                }
            }
        });
        if decides {
            return dims;
        }
    }
    (0..n).collect()
}

/// The configurations `some` by the values they have of `dims`: `arch x64`.
fn describe(m: &Matrix, dims: &[usize], some: &[&Env]) -> String {
    dims.iter()
        .map(|&d| {
            let dim = &m.dimensions[d];
            let values: std::collections::BTreeSet<&str> = some
                .iter()
                .filter_map(|e| e.dims.get(&dim.sym).map(|v| v.text.as_str()))
                .collect();
            format!(
                "{} {}",
                dim.name,
                values.into_iter().collect::<Vec<_>>().join(" or ")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn variable(a: &Analysis, p: &Policy, syms: &[Symbol], s: &Symbol) -> String {
    let name = &a.sources.text(a.file)[s.span.range()];
    let mut out = format!("**%{name}%** (path variable)\n");
    let def = symbols::same(syms, s).find(|x| x.def);
    match def.and_then(|d| p.path_definitions().find(|pd| pd.name.span == d.span)) {
        Some(pd) => {
            let _ = writeln!(
                out,
                "\n```amx\n{} = '{}'\n```",
                pd.name.text, pd.pattern.value
            );
        }
        None if crate::engine::windows::BUILTIN_VARIABLES
            .iter()
            .any(|b| b.eq_ignore_ascii_case(name)) =>
        {
            out.push_str(
                "\nA folder Windows names; on a 32-bit application's x64 server, WOW64 moves it.\n",
            );
        }
        None => out.push_str(
            "\nNot defined by the policy: a dimension's value, or a server's `paths` override.\n",
        ),
    }
    let Some(m) = &a.matrix else {
        return out;
    };
    let synthetic = Str::synthetic(format!("%{name}%"), Default::default());
    let mut by_value: BTreeMap<String, Vec<&Env>> = BTreeMap::new();
    for env in &a.envs {
        let v = Resolver::new(p, env)
            .string(&synthetic)
            .unwrap_or_else(|d| format!("(cannot be resolved: {})", d.message));
        by_value.entry(v).or_default().push(env);
    }
    let all: Vec<&Env> = a.envs.iter().collect();
    let resolve = |env: &Env| Resolver::new(p, env).string(&synthetic).ok();
    let dims = deciding_dims(m, &all, &resolve);
    match by_value.len() {
        0 => {}
        1 => {
            let (v, _) = by_value.iter().next().expect("one value");
            let _ = writeln!(out, "\nIn every configuration: `{v}`");
        }
        _ => {
            out.push_str("\n| where | value |\n|---|---|\n");
            for (v, envs) in &by_value {
                let _ = writeln!(
                    out,
                    "| {} | `{}` |",
                    describe(m, &dims, envs),
                    v.replace('|', "\\|")
                );
            }
        }
    }
    out
}

fn service(a: &Analysis, p: &Policy, s: &Symbol) -> String {
    let items: Vec<&Item<crate::ast::Service>> = p
        .bodies()
        .flat_map(|(b, _)| b.services.iter())
        .filter(|x| x.value.name.text.eq_ignore_ascii_case(&s.key))
        .collect();
    let Some(first) = items.first() else {
        return format!("**{}**: no service of that name is declared", s.key);
    };
    let sv = &first.value;
    let mut out = format!("**service {}**", sv.name.text);
    if let Some(d) = &sv.display {
        let _ = write!(out, " — {}", d.value);
    }
    out.push('\n');
    let text = a.sources.text(a.file);
    let settings: Vec<&str> = [
        &sv.after.iter().map(|i| i.span).collect::<Vec<_>>(),
        &sv.startup.iter().map(|i| i.span).collect(),
        &sv.active.iter().map(|i| i.span).collect(),
        &sv.passive.iter().map(|i| i.span).collect(),
        &sv.monitor.iter().map(|i| i.span).collect(),
        &sv.manage.iter().map(|i| i.span).collect(),
        &sv.on_failure.iter().map(|i| i.span).collect(),
        &sv.start_timeout.iter().map(|i| i.span).collect(),
        &sv.stop_timeout.iter().map(|i| i.span).collect(),
    ]
    .iter()
    .flat_map(|spans| spans.iter())
    .filter_map(|sp| text.get(sp.range()))
    .map(|t| t[..super::symbols::comment_start(t)].trim_end())
    .collect();
    if !settings.is_empty() {
        let _ = writeln!(out, "\n```amx\n{}\n```", settings.join("\n"));
    }
    if items.len() > 1 {
        let _ = writeln!(out, "\nDeclared again in {} exception(s).", items.len() - 1);
    }
    // its place in the start order, in each distinct evaluation
    let mut positions: BTreeMap<String, usize> = BTreeMap::new();
    for names in a.start_orders() {
        let line = match names.iter().position(|n| n.eq_ignore_ascii_case(&s.key)) {
            Some(k) => format!("{} of {}: {}", k + 1, names.len(), names.join(" → ")),
            None => "not started here (not declared, or not managed)".to_string(),
        };
        *positions.entry(line).or_default() += 1;
    }
    if !positions.is_empty() {
        out.push_str("\nStart position:\n");
        for (line, n) in positions {
            let _ = writeln!(out, "- {line} ({n} configurations)");
        }
    }
    out
}

fn release(a: &Analysis, s: &Symbol) -> String {
    let mut out = format!("**release {}**\n", s.key);
    let Some(m) = &a.matrix else {
        out.push_str("\nNo version matrix beside the policy.\n");
        return out;
    };
    let Some(r) = m.releases.iter().find(|r| r.date.to_string() == s.key) else {
        out.push_str("\nNot in the version matrix.\n");
        return out;
    };
    if r.supports.allowed.is_empty() {
        out.push_str("\nSupports every value of every dimension.\n");
    } else {
        out.push_str("\nSupports:\n");
        for (d, values, _) in &r.supports.allowed {
            let dim = &m.dimensions[*d];
            let vs: Vec<&str> = values
                .iter()
                .map(|&v| dim.values[v].text.as_str())
                .collect();
            let _ = writeln!(out, "- {}: {}", dim.name, vs.join(", "));
        }
    }
    if let Some(succ) = r.superseded_by {
        let _ = writeln!(out, "\nSuperseded by {succ}.");
    }
    for k in &r.known_issues {
        let _ = writeln!(out, "\nKnown issue: {k}");
    }
    if let Some(es) = &r.engines {
        let names: Vec<&str> = es.iter().map(|e| e.name()).collect();
        let _ = writeln!(out, "\nRuns on: {}", names.join(", "));
    }
    let n = a
        .envs
        .iter()
        .filter(|e| e.release.key() == r.date.key())
        .count();
    let _ = writeln!(
        out,
        "\n{n} of the policy's {} configurations.",
        a.envs.len()
    );
    out
}

fn task(p: &Policy, s: &Symbol) -> String {
    match p
        .bodies()
        .flat_map(|(b, _)| b.tasks.iter())
        .find(|t| t.value.name.text.eq_ignore_ascii_case(&s.key))
    {
        Some(t) => {
            let v = &t.value;
            let mut out = format!("**task {}** — at {}", v.name.text, v.at.value.keyword());
            if let Some(on) = &v.on {
                let _ = write!(
                    out,
                    ", on {}",
                    crate::ast::keywords::TASK_SIDE
                        .word(&on.value)
                        .unwrap_or("")
                );
            }
            let _ = write!(out, "\n\n`{}`", v.run.value.program.value);
            for arg in &v.run.value.args {
                let _ = write!(out, " `{}`", arg.value);
            }
            if let Some(t) = &v.timeout {
                let _ = write!(out, "\n\ntimeout {}", t.value);
            }
            out
        }
        None => format!("**task {}**: no task of that name is declared", s.key),
    }
}

/// A data rule, and the exception it belongs to.
struct RuleAt<'a> {
    item: &'a Item<DataRule>,
    exception: Option<&'a crate::ast::Exception>,
}

/// The `allow` statement at `offset`.
fn allow_at(p: &Policy, offset: usize) -> Option<&Item<crate::ast::Allow>> {
    p.bodies().find_map(|(b, _)| {
        b.allows
            .iter()
            .find(|i| i.span.start() <= offset && offset <= i.span.end())
    })
}

/// What an `allow` acknowledges: the findings it keeps from being reported, then what its code
/// means.
fn acknowledged(a: &Analysis, allow: &Item<crate::ast::Allow>) -> String {
    let mut out = String::new();
    let found: Vec<_> = a
        .acknowledged
        .iter()
        .filter(|k| k.allow == allow.span)
        .collect();
    if found.is_empty() {
        out.push_str("Acknowledges no finding here.\n\n");
    } else {
        out.push_str("Acknowledges:\n\n");
        for k in found {
            let _ = writeln!(out, "- {}", k.finding.message);
            for n in &k.finding.notes {
                let _ = writeln!(out, "  ({n})");
            }
        }
        out.push('\n');
    }
    match crate::diagnostic::Code::parse(&allow.value.code.text) {
        Some(c) => {
            let _ = write!(out, "```text\n{}```", crate::diagnostic::explain(c));
        }
        None => out.push_str("Not an amxc code."),
    }
    out
}

fn data_rule_at(p: &Policy, offset: usize) -> Option<RuleAt<'_>> {
    p.bodies().find_map(|(b, e)| {
        b.data
            .iter()
            .find(|i| i.span.start() <= offset && offset <= i.span.end())
            .map(|item| RuleAt { item, exception: e })
    })
}

fn data_rule(a: &Analysis, p: &Policy, r: RuleAt) -> String {
    let text = a.sources.text(a.file);
    let written = text.get(r.item.span.range()).unwrap_or("");
    let mut out = format!("```amx\n{written}\n```\n");
    if a.envs.is_empty() {
        out.push_str("\nNo configurations to show: the policy has no version matrix.\n");
        return out;
    }
    let holding: Vec<&Env> = a
        .envs
        .iter()
        .filter(|env| {
            holds(r.item.when.as_deref(), env)
                && r.exception.is_none_or(|e| exception_applies(e, env))
        })
        .collect();
    let _ = writeln!(
        out,
        "\nHolds in {} of {} configurations.",
        holding.len(),
        a.envs.len()
    );
    if let (Some(m), false) = (
        &a.matrix,
        holding.is_empty() || holding.len() == a.envs.len(),
    ) {
        let all: Vec<&Env> = a.envs.iter().collect();
        let holds_in = |env: &Env| holding.iter().any(|h| std::ptr::eq(*h, env));
        let dims = deciding_dims(m, &all, &holds_in);
        let _ = writeln!(out, "\nWhere: {}", describe(m, &dims, &holding));
    }
    if let Some(env) = holding.first() {
        if let Ok(v) = Resolver::new(p, env).string(r.item.value.pattern()) {
            let _ = writeln!(out, "\nFor example `{v}`.");
        }
    }
    out
}
