//! Stage 2, validate: a policy against its version matrix, in every configuration.
//!
//! Names and types are checked once; then the configuration space is enumerated, grouped by
//! what the policy evaluates to, and each group is evaluated (stage 3) and checked. A finding
//! is reported once, at its source location; one that holds in only some configurations
//! names one of them.

mod claims;
mod data;
mod services;
mod types;

use crate::ast::Policy;
use crate::diagnostic::{codes, Diagnostic};
use crate::lower::{eval, evaluate, Env};
use crate::matrix::Matrix;
use indexmap::IndexMap;
use std::collections::HashSet;

/// Configurations that evaluate alike: release, values of dimensions used in paths,
/// (x64, legacy OS, old heartbeat), and the truth of every condition.
type GroupKey = (usize, Vec<usize>, [bool; 3], Vec<bool>);
/// A finding: code, primary span, message.
type FindingKey = (u16, usize, usize, String);

/// What validation found, and how many configurations it covered.
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    pub configurations: usize,
}

pub fn validate(policy: &Policy, text: &str, matrix: Option<&Matrix>) -> Validation {
    let mut out = types::check(policy, matrix);
    let Some(m) = matrix else {
        return Validation {
            diagnostics: dedupe(out),
            configurations: 0,
        };
    };
    let (space, claim_diags) = claims::space(policy, m);
    out.extend(claim_diags);
    let Some(space) = space else {
        return Validation {
            diagnostics: dedupe(out),
            configurations: 0,
        };
    };
    let total = space.configs.len();
    let conditions = policy.conditions();
    let lower_text = text.to_lowercase();
    let path_dims: Vec<usize> = m
        .dimensions
        .iter()
        .enumerate()
        .filter(|(_, d)| lower_text.contains(&format!("%{}%", d.name.to_lowercase())))
        .map(|(i, _)| i)
        .collect();
    // group configurations that evaluate alike
    let mut groups: IndexMap<GroupKey, Vec<usize>> = IndexMap::new();
    let envs: Vec<Env> = space.configs.iter().map(|c| Env::of_config(m, c)).collect();
    for (i, (c, env)) in space.configs.iter().zip(&envs).enumerate() {
        let dims: Vec<usize> = path_dims.iter().map(|&d| c.values[d]).collect();
        let hb_old = env
            .heartbeat()
            .is_some_and(|v| v <= crate::ast::Version(vec![5, 2]));
        let flags = [env.is_x64(), env.is_legacy_os(), hb_old];
        let bits: Vec<bool> = conditions.iter().map(|cond| eval(cond, env)).collect();
        groups
            .entry((c.release, dims, flags, bits))
            .or_default()
            .push(i);
    }
    // findings: key → (diagnostic, configurations where it holds, first configuration)
    let mut findings: IndexMap<FindingKey, (Diagnostic, usize, usize)> = IndexMap::new();
    for members in groups.values() {
        let first = members[0];
        let env = &envs[first];
        let ev = evaluate(policy, text, env);
        let mut found = ev.problems.clone();
        services::check(policy.file, &ev, &mut found);
        data::check(policy.file, env, &ev, &mut found);
        for a in &ev.advisories {
            found.push(Diagnostic::new(codes::ADVISORY, a.text.clone()).at(
                policy.file,
                a.span,
                "advisory",
            ));
        }
        for d in found {
            let (s, e) = d
                .primary
                .as_ref()
                .map_or((0, 0), |p| (p.span.start, p.span.end));
            let key = (d.code.0, s, e, d.message.clone());
            let entry = findings.entry(key).or_insert((d, 0, first));
            entry.1 += members.len();
        }
    }
    for (_, (mut d, count, first)) in findings {
        if count < total {
            d = d.with_note(format!(
                "holds in {count} of {total} configurations, for example {}",
                space.configs[first].describe(m)
            ));
        }
        out.push(d);
    }
    Validation {
        diagnostics: dedupe(out),
        configurations: total,
    }
}

/// One diagnostic per code, location and message, in source order.
fn dedupe(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    let mut out: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| {
            let loc = d
                .primary
                .as_ref()
                .map(|p| (p.file, p.span.start, p.span.end));
            seen.insert((d.code.0, loc, d.message.clone()))
        })
        .collect();
    out.sort_by_key(Diagnostic::sort_key);
    out
}
