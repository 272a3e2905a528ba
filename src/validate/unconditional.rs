//! Without a version matrix: what holds in every configuration — the base statements and
//! settings that carry no condition — checked in a bare environment. Start-order cycles,
//! vetoed, redundant and contradictory filters and exclusions outside every inclusion are
//! found there; what depends on a condition, a release or an exception needs the matrix.

use super::{data, services};
use crate::ast::Policy;
use crate::diagnostic::{codes, Diagnostic};
use crate::lower::{evaluate, Env};
use crate::relate::{data_items, DataRef, Relations};

pub fn check(policy: &Policy) -> Vec<Diagnostic> {
    let Some(release) = policy
        .versions
        .as_ref()
        .and_then(|v| v.value.first().copied())
    else {
        return Vec::new();
    };
    let core = policy.unconditional();
    let env = Env::bare(release);
    let mut out = Vec::new();
    // services: a cycle or a duplicate among unconditional services is one in every
    // configuration (conditional statements only add to them); settings a condition may
    // override are left to the matrix
    let ev = evaluate(&core, &env);
    let mut found = Vec::new();
    services::check(policy.file, &ev, &|_| false, false, &mut found);
    out.extend(
        found
            .into_iter()
            .filter(|d| d.code == codes::SERVICE_CYCLE || d.code == codes::DUPLICATE_SERVICE),
    );
    // data: a finding about unconditional rules stands only if the conditional rules cannot
    // undo it — it must hold both without them and with every one of them
    let without = data_findings(&core, &env, |_| true);
    let base_only = |d: &DataRef| d.exception.is_none();
    let with_all = data_findings(policy, &env, base_only);
    let key = |d: &Diagnostic| (d.code, d.primary.as_ref().map(|p| p.span.start()));
    let kept: Vec<Diagnostic> = without
        .into_iter()
        .filter(|d| with_all.iter().any(|w| key(w) == key(d)))
        .collect();
    out.extend(kept);
    out
}

/// The data findings of `policy`'s rules that `take` selects, all of them holding (whatever
/// their condition) where their patterns resolve without the matrix.
fn data_findings(policy: &Policy, env: &Env, take: impl Fn(&DataRef) -> bool) -> Vec<Diagnostic> {
    let items = data_items(policy);
    let rel = Relations::build(policy, env, &items);
    let active: Vec<bool> = items
        .iter()
        .enumerate()
        .map(|(i, d)| take(d) && !rel.problem(i))
        .collect();
    // what is written on the passive, by statements without a condition
    let writes = crate::relate::write_items(policy);
    let writes_active: Vec<bool> = writes
        .iter()
        .map(|w| w.when.is_none() && w.exception.is_none())
        .collect();
    let on = data::Active {
        items: &items,
        active: &active,
        writes: &writes,
        writes_active: &writes_active,
    };
    let mut out = Vec::new();
    data::check(&rel, env, rel.vetoes(), &rel.dangers(env), &on, &mut out);
    // a pattern that cannot resolve whatever the configuration (a cycle, an expansion without
    // end) is reported; an undefined name may be a dimension of the matrix, so it is not
    for (i, d) in items.iter().enumerate() {
        if let Some(p) = rel
            .problem_of(i)
            .filter(|p| p.code != codes::UNDEFINED_VARIABLE)
        {
            if take(d) {
                out.push(p.clone());
            }
        }
    }
    out
}
