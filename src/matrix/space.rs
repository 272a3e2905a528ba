//! The configuration space: every release × dimension values × component set × management IP
//! that the matrix allows and the policy claims to support.

use super::Matrix;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;
use std::fmt::Write as _;

/// Most configurations amxc enumerates.
pub const MAX_CONFIGURATIONS: u128 = 1_000_000;

/// One configuration: indices into the matrix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Config {
    pub release: usize,
    /// Value index per dimension, in the matrix's order.
    pub values: Vec<usize>,
    /// Bit `i` set when component `i` is present.
    pub components: u64,
    pub management_ip: bool,
}

impl Config {
    pub fn has(&self, component: usize) -> bool {
        component < 64 && self.components & (1 << component) != 0
    }

    /// `release 2007-03-27, app 5.0, exchange 2003, …, without file-level-av, no management IP`
    pub fn describe(&self, m: &Matrix) -> String {
        let mut s = format!("release {}", m.releases[self.release].date);
        for (d, v) in m.dimensions.iter().zip(&self.values) {
            let _ = write!(s, ", {} {}", d.name, d.values[*v].text);
        }
        for (i, c) in m.components.iter().enumerate() {
            let _ = write!(
                s,
                ", {} {}",
                if self.has(i) { "with" } else { "without" },
                c.name
            );
        }
        s.push_str(if self.management_ip {
            ", with a management IP"
        } else {
            ", no management IP"
        });
        s
    }
}

/// The enumerated space.
pub struct Space {
    pub configs: Vec<Config>,
}

/// Enumerate the space. `claims[d]`: the value indices the policy supports for dimension `d`
/// (`None`: all). `releases`: matrix release indices the policy ships.
pub fn enumerate(
    m: &Matrix,
    releases: &[usize],
    claims: &[Option<Vec<usize>>],
    policy_span: (usize, Span),
) -> Result<Space, Diagnostic> {
    let ndims = m.dimensions.len();
    let allowed_for = |r: usize, d: usize| -> Vec<usize> {
        let from_release = m.releases[r].supports.allowed_for(d);
        (0..m.dimensions[d].values.len())
            .filter(|v| from_release.is_none_or(|set| set.contains(v)))
            .filter(|v| {
                claims
                    .get(d)
                    .and_then(|c| c.as_ref())
                    .is_none_or(|c| c.contains(v))
            })
            .collect()
    };
    let comp_sets: u128 = 1u128 << m.components.len().min(100);
    let mut total: u128 = 0;
    for &r in releases {
        let mut n: u128 = comp_sets * 2;
        for d in 0..ndims {
            n = n.saturating_mul(allowed_for(r, d).len() as u128);
        }
        total = total.saturating_add(n);
    }
    if total > MAX_CONFIGURATIONS || m.components.len() > 63 {
        let mut factors: Vec<(String, usize)> = m
            .dimensions
            .iter()
            .map(|d| (format!("dimension `{}`", d.name), d.values.len()))
            .collect();
        factors.sort_by_key(|f| std::cmp::Reverse(f.1));
        let mut parts: Vec<String> = Vec::new();
        if !m.components.is_empty() {
            parts.push(format!(
                "{} optional components (2^{} sets)",
                m.components.len(),
                m.components.len()
            ));
        }
        parts.extend(
            factors
                .iter()
                .take(4)
                .map(|(n, k)| format!("{n} ({k} values)")),
        );
        let (file, span) = policy_span;
        return Err(Diagnostic::new(
            codes::TOO_MANY_CONFIGURATIONS,
            format!(
                "the matrix allows more than {MAX_CONFIGURATIONS} configurations for this policy"
            ),
        )
        .at(file, span, "checking this policy would enumerate them all")
        .with_note(format!("the space is multiplied by {}", parts.join(", ")))
        .with_help(
            "restrict releases' `supports`, list `platforms`, or narrow the policy's `supports`",
        ));
    }
    let mut configs = Vec::new();
    for &r in releases {
        let sets: Vec<Vec<usize>> = (0..ndims).map(|d| allowed_for(r, d)).collect();
        if sets.iter().any(Vec::is_empty) {
            continue;
        }
        let mut idx = vec![0usize; ndims];
        'combos: loop {
            let values: Vec<usize> = idx.iter().enumerate().map(|(d, &i)| sets[d][i]).collect();
            if m.platform_exists(&values) {
                for components in 0..(1u64 << m.components.len()) {
                    for management_ip in [false, true] {
                        configs.push(Config {
                            release: r,
                            values: values.clone(),
                            components,
                            management_ip,
                        });
                    }
                }
            }
            // advance the odometer; done when every digit wrapped
            let mut d = ndims;
            loop {
                if d == 0 {
                    break 'combos;
                }
                d -= 1;
                idx[d] += 1;
                if idx[d] < sets[d].len() {
                    continue 'combos;
                }
                idx[d] = 0;
            }
        }
    }
    Ok(Space { configs })
}
