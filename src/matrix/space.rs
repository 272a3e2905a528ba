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

/// What a policy claims of the matrix: the releases it ships (`versions`) and, per dimension,
/// the values it supports (`supports`; `None`: every value).
pub struct Claims {
    pub releases: Vec<usize>,
    pub values: Vec<Option<Vec<usize>>>,
}

impl Claims {
    pub fn of(policy: &crate::ast::Policy, m: &Matrix) -> Claims {
        let releases = policy
            .versions
            .iter()
            .flat_map(|v| v.value.iter())
            .filter_map(|d| m.release(d))
            .collect();
        let mut values: Vec<Option<Vec<usize>>> = vec![None; m.dimensions.len()];
        for s in &policy.supports {
            let Some(di) = m.dimension(&s.value.dimension.text) else {
                continue;
            };
            let set = values[di].get_or_insert_with(Vec::new);
            set.extend(
                s.value
                    .values
                    .iter()
                    .filter_map(|v| m.dimensions[di].value_index(&v.text)),
            );
        }
        Claims { releases, values }
    }

    /// Whether the policy claims value `v` of dimension `d`.
    pub fn claims(&self, d: usize, v: usize) -> bool {
        self.values
            .get(d)
            .and_then(|c| c.as_ref())
            .is_none_or(|c| c.contains(&v))
    }
}

impl Matrix {
    /// Whether release `r` supports value `v` of dimension `d`.
    pub fn supports(&self, r: usize, d: usize, v: usize) -> bool {
        self.releases[r]
            .supports
            .allowed_for(d)
            .is_none_or(|a| a.contains(&v))
    }

    /// Whether release `r` supports every value of a combination.
    pub fn serves(&self, r: usize, values: &[usize]) -> bool {
        values
            .iter()
            .enumerate()
            .all(|(d, &v)| self.supports(r, d, v))
    }
}

/// Every combination of one value per dimension from `sets` that is a platform of the
/// matrix, in odometer order (the last dimension turns fastest).
pub fn platforms(m: &Matrix, sets: &[Vec<usize>], mut visit: impl FnMut(&[usize])) {
    if sets.iter().any(Vec::is_empty) {
        return;
    }
    let mut idx = vec![0usize; sets.len()];
    loop {
        let values: Vec<usize> = idx.iter().enumerate().map(|(d, &i)| sets[d][i]).collect();
        if m.platform_exists(&values) {
            visit(&values);
        }
        // advance the odometer; done when every digit wrapped
        let mut d = sets.len();
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            if idx[d] < sets[d].len() {
                break;
            }
            idx[d] = 0;
        }
    }
}

/// Enumerate the space the policy claims.
pub fn enumerate(
    m: &Matrix,
    claims: &Claims,
    policy_span: (usize, Span),
) -> Result<Space, Diagnostic> {
    let ndims = m.dimensions.len();
    let releases = &claims.releases;
    let allowed_for = |r: usize, d: usize| -> Vec<usize> {
        (0..m.dimensions[d].values.len())
            .filter(|&v| m.supports(r, d, v) && claims.claims(d, v))
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
        platforms(m, &sets, |values| {
            for components in 0..(1u64 << m.components.len()) {
                for management_ip in [false, true] {
                    configs.push(Config {
                        release: r,
                        values: values.to_vec(),
                        components,
                        management_ip,
                    });
                }
            }
        });
    }
    Ok(Space { configs })
}
