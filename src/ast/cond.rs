//! Conditions (LANGUAGE.md §4): `and`, `or`, `not`, comparisons of a dimension with a value,
//! `has(component)` and `management-ip`.

use super::{Name, Value};
use crate::source::Span;
use std::fmt;

/// The word conditions compare the module's release with (`version >= 2007-07-11`); a matrix
/// may not name a dimension so.
pub const RELEASE: &str = "version";

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub kind: CondKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CondKind {
    Or(Vec<Condition>),
    And(Vec<Condition>),
    Not(Box<Condition>),
    Compare {
        dimension: Name,
        /// The dimension's name interned, by which environments are asked.
        dim: crate::filters::Sym,
        op: CmpOp,
        value: Value,
    },
    /// `version OP DATE`: the module's release, its date parsed once (`None` when the value
    /// is not a date, which validation reports).
    Release {
        op: CmpOp,
        value: Value,
        date: Option<super::Date>,
    },
    /// `has(NAME)`, the name interned beside it.
    Has(Name, crate::filters::Sym),
    ManagementIp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn parse(s: &str) -> Option<CmpOp> {
        Some(match s {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }

    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

impl Condition {
    /// `a and b`, spanning `b` (the narrower, item-level condition).
    pub fn and(a: Condition, b: Condition) -> Condition {
        let span = b.span;
        Condition {
            kind: CondKind::And(vec![a, b]),
            span,
        }
    }

    /// Combine an optional outer (block) condition with an item's own.
    pub fn conjoin(outer: Option<&Condition>, inner: Option<Condition>) -> Option<Condition> {
        match (outer, inner) {
            (None, i) => i,
            (Some(o), None) => Some(o.clone()),
            (Some(o), Some(i)) => Some(Condition::and(o.clone(), i)),
        }
    }
}

/// Source-like text of a condition, used in notes and the feature list.
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            CondKind::Or(xs) | CondKind::And(xs) => {
                let sep = if matches!(self.kind, CondKind::Or(_)) {
                    " or "
                } else {
                    " and "
                };
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    if matches!(x.kind, CondKind::Or(_) | CondKind::And(_)) {
                        write!(f, "({x})")?;
                    } else {
                        write!(f, "{x}")?;
                    }
                }
                Ok(())
            }
            CondKind::Not(x) => match x.kind {
                CondKind::Or(_) | CondKind::And(_) => write!(f, "not ({x})"),
                _ => write!(f, "not {x}"),
            },
            CondKind::Compare {
                dimension,
                op,
                value,
                ..
            } => write!(f, "{} {} {}", dimension.text, op.as_str(), value.text),
            CondKind::Release { op, value, .. } => {
                write!(f, "{RELEASE} {} {}", op.as_str(), value.text)
            }
            CondKind::Has(n, _) => write!(f, "has({})", n.text),
            CondKind::ManagementIp => f.write_str("management-ip"),
        }
    }
}
