//! What holds for the servers a command compiles. A finding of the policy that holds only in
//! some configurations (`holds in 2 of 10 configurations`) is reported for a server only when
//! the server's configuration is one of them: a server without a management IP is not failed
//! by `--deny-warnings` on a warning that holds only with one. Errors never get here: a
//! policy with an error anywhere is not compiled at all.

use crate::checked::Checked;
use crate::diagnostic::Diagnostic;
use crate::engine::windows;
use crate::matrix::{Config, Matrix};
use crate::profile::Target;
use std::collections::HashSet;

/// The configuration of the matrix a server is in: its release, its value of each dimension,
/// its components and whether it has a management IP. `None` when the profile names something
/// the matrix does not have.
pub fn config_of(m: &Matrix, t: &Target) -> Option<Config> {
    let release = m.release(&t.release)?;
    let values = m
        .dimensions
        .iter()
        .map(|d| {
            let text = t.dims.get(&d.name).or_else(|| {
                (d.name == windows::DIM_OS)
                    .then_some(t.os.as_ref())
                    .flatten()
            })?;
            d.value_index(text)
        })
        .collect::<Option<Vec<usize>>>()?;
    let mut components = 0u64;
    for c in &t.components {
        let i = m
            .components
            .iter()
            .position(|x| x.name.eq_ignore_ascii_case(c))?;
        components |= 1u64.checked_shl(i as u32)?;
    }
    Some(Config {
        release,
        values,
        components,
        management_ip: t.management_ip.is_some(),
    })
}

/// `diagnostics` without the findings that hold in none of the servers' configurations. When
/// a server's configuration cannot be told (or is not one the policy was checked in), every
/// finding is kept.
pub fn for_servers(
    checked: &Checked,
    targets: &[Target],
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if targets.is_empty() || diagnostics.iter().all(|d| d.holds.is_none()) {
        return diagnostics;
    }
    let Some(wanted) = targets
        .iter()
        .map(|t| config_of(&checked.matrix, t))
        .collect::<Option<HashSet<Config>>>()
    else {
        return diagnostics;
    };
    let Some(space) = crate::validate::configurations(&checked.policy, &checked.matrix) else {
        return diagnostics;
    };
    let at: Vec<usize> = space
        .configs
        .iter()
        .enumerate()
        .filter(|(_, c)| wanted.contains(c))
        .map(|(i, _)| i)
        .collect();
    if at.len() < wanted.len() {
        return diagnostics;
    }
    diagnostics
        .into_iter()
        .filter(|d| {
            d.holds
                .as_ref()
                .is_none_or(|h| at.iter().any(|&i| h.contains(i)))
        })
        .collect()
}
