//! Evaluating a condition in an environment. Conditions were typed by the validator; a
//! comparison that cannot be decided here (no matrix, unknown dimension) is false.

use super::env::Env;
use crate::ast::{CondKind, Condition, Version};

pub fn holds(c: Option<&Condition>, env: &Env) -> bool {
    c.is_none_or(|c| eval(c, env))
}

pub fn eval(c: &Condition, env: &Env) -> bool {
    match &c.kind {
        CondKind::Or(xs) => xs.iter().any(|x| eval(x, env)),
        CondKind::And(xs) => xs.iter().all(|x| eval(x, env)),
        CondKind::Not(x) => !eval(x, env),
        CondKind::Has(_, sym) => env.components.contains(sym),
        CondKind::ManagementIp => env.management_ip,
        CondKind::Release { op, date, .. } => {
            date.is_some_and(|d| op.holds(env.release.key().cmp(&d.key())))
        }
        CondKind::Compare { dim, op, value, .. } => {
            let Some(actual) = env.dims.get(dim) else {
                return false;
            };
            // a version dimension with labels: by place in its values
            if actual.ladder.is_some() {
                return match (actual.rank, actual.rank_of(&value.text)) {
                    (Some(a), Some(v)) => op.holds(a.cmp(&v)),
                    _ => false,
                };
            }
            match (&actual.version, Version::parse(&value.text)) {
                (Some(a), Some(v)) => op.holds(a.cmp(&v)),
                _ => op.holds(
                    actual
                        .text
                        .to_ascii_lowercase()
                        .cmp(&value.text.to_ascii_lowercase()),
                ),
            }
        }
    }
}
