//! `amxc discover`: from what a real server shows — registry exports, Process Monitor traces,
//! file listings, service configurations — to a proposed policy for a person to review
//! (`evidence.rs` reads, `propose.rs` proposes), or to what an existing policy lacks and which
//! of its rules the evidence never touched.

pub mod evidence;
mod procmon;
pub mod propose;
pub mod resolve;
pub mod volumes;

pub use evidence::Evidence;
pub use propose::{policy_text, propose, Proposal};

use crate::ast::Policy;
use crate::filters::{normalize_file, normalize_registry, subset, Pattern};
use crate::lower::{Env, Resolver};
use serde::Serialize;

/// What an existing policy makes of the evidence.
#[derive(Debug, Default, Serialize)]
pub struct Comparison {
    /// Proposed rules whose evidence the policy does not replicate.
    pub lacks: Vec<propose::Rule>,
    /// The policy's inclusions that no path of the evidence falls under.
    pub untouched: Vec<String>,
}

/// A registry key as a 32-bit application names it (`Wow6432Node` removed).
fn unredirected(key: &str) -> String {
    crate::engine::windows::without_wow6432node(key).0
}

/// The policy's inclusions, resolved as on the server the evidence comes from (its system
/// drive; x64 when the evidence shows a 32-bit application there).
fn inclusions(policy: &Policy, x64: bool, system_drive: &str) -> Vec<(String, Option<Pattern>)> {
    let release = policy
        .versions
        .as_ref()
        .and_then(|v| v.value.first().copied())
        .unwrap_or(crate::ast::Date {
            year: 2000,
            month: 1,
            day: 1,
            span: Default::default(),
        });
    let mut env = Env::bare(release);
    env.system_drive = system_drive.to_string();
    if x64 {
        env.dims.insert(
            crate::filters::Sym::new(crate::engine::windows::DIM_ARCH),
            crate::lower::DimVal {
                text: "x64".to_string(),
                version: None,
                ladder: None,
                rank: None,
            },
        );
    }
    let r = Resolver::new(policy, &env);
    let mut out = Vec::new();
    for (b, _) in policy.bodies() {
        for d in &b.data {
            if let crate::ast::DataRule::Filter {
                kind,
                mode: crate::ast::FilterMode::Include,
                pattern,
                ..
            } = &d.value
            {
                let resolved = r.string(pattern).ok();
                let p = resolved.as_deref().and_then(|t| match kind {
                    crate::ast::FilterKind::Registry => normalize_registry(t).ok(),
                    _ => normalize_file(t).ok(),
                });
                out.push((pattern.value.clone(), p));
            }
        }
    }
    out
}

/// Compare the evidence with an existing policy.
pub fn compare(policy: &Policy, ev: &Evidence, proposal: &Proposal) -> Comparison {
    let system_drive = &proposal.system_drive;
    let folders = crate::engine::windows::folder_variables(system_drive);
    let inc = inclusions(policy, proposal.bits32, system_drive);
    // a path as the policy names it: keys in the 32-bit view's name (amxc moves them)
    let norm = |path: &str, registry: bool| {
        if registry {
            normalize_registry(&unredirected(path))
        } else {
            normalize_file(path)
        }
    };
    let covered = |path: &str, registry: bool| {
        let Ok(p) = norm(path, registry) else {
            return true;
        };
        inc.iter()
            .any(|(_, i)| i.as_ref().is_some_and(|i| subset(&p.segs, &i.segs)))
    };
    let mut out = Comparison::default();
    // a proposed rule is lacking when some written path under it is not replicated
    let written_files: Vec<&String> = ev
        .files
        .iter()
        .filter(|(_, s)| s.writes > 0)
        .map(|(k, _)| k)
        .collect();
    let written_keys: Vec<&String> = ev
        .keys
        .iter()
        .filter(|(_, s)| s.writes > 0)
        .map(|(k, _)| k)
        .collect();
    for rule in proposal
        .rules
        .iter()
        .filter(|r| r.statement != "unprotected")
    {
        let registry = rule.statement.starts_with("registry");
        let Ok(rp) = norm(&rule.concrete, registry) else {
            continue;
        };
        let pool = if registry {
            &written_keys
        } else {
            &written_files
        };
        let any_missing = pool.iter().any(|p| {
            norm(p, registry).is_ok_and(|x| subset(&x.segs, &rp.segs)) && !covered(p, registry)
        });
        if any_missing {
            // in the existing policy's terms: built-in folders only, no `%Install%`
            let mut r = rule.clone();
            if !registry {
                r.pattern = propose::with_variables(&r.concrete, &folders);
            }
            out.lacks.push(r);
        }
    }
    // an inclusion is untouched when no path of the evidence falls under it
    let all: Vec<(String, bool)> = ev
        .files
        .keys()
        .map(|k| (k.clone(), false))
        .chain(ev.listed.iter().map(|k| (k.clone(), false)))
        .chain(ev.keys.keys().map(|k| (k.clone(), true)))
        .collect();
    for (written, pattern) in &inc {
        let Some(p) = pattern else { continue };
        let registry = p.display.to_ascii_uppercase().starts_with("HK");
        let touched = all.iter().any(|(path, reg)| {
            *reg == registry && norm(path, *reg).is_ok_and(|x| subset(&x.segs, &p.segs))
        });
        if !touched {
            out.untouched.push(written.clone());
        }
    }
    out
}

/// The comparison as text.
pub fn comparison_text(c: &Comparison) -> String {
    let mut s = String::new();
    if c.lacks.is_empty() {
        s.push_str("The policy replicates everything the application wrote.\n");
    } else {
        s.push_str("The policy lacks (each with the rule discover proposes):\n");
        for r in &c.lacks {
            s.push_str(&format!(
                "  {} '{}' — {}\n",
                r.statement, r.pattern, r.evidence
            ));
        }
    }
    if c.untouched.is_empty() {
        s.push_str("Every inclusion of the policy matches something the evidence shows.\n");
    } else {
        s.push_str("Inclusions the evidence never touched (check them):\n");
        for u in &c.untouched {
            s.push_str(&format!("  '{u}'\n"));
        }
    }
    s
}
