//! What holds in one environment — a configuration of the matrix or a real server — as
//! lowering gives it: services, data rules, tasks and texts, each with its origin. Validation,
//! planning and every emitter read this; only `lower/` makes it.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::filters::Pattern;
use crate::source::Span;

/// Where an entry comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    pub span: Span,
    /// The exception that contributed it, if any.
    pub exception: Option<Date>,
    /// The base statement it replaced, if any.
    pub overrides: Option<Span>,
}

#[derive(Clone, Debug)]
pub struct EvFilter {
    pub kind: FilterKind,
    pub mode: FilterMode,
    pub pattern: Pattern,
    pub class: DataClass,
    pub because: Option<String>,
    pub origin: Origin,
    /// Span of the pattern string.
    pub pattern_span: Span,
}

#[derive(Clone, Debug)]
pub struct EvUnprotected {
    pub pattern: Pattern,
    pub class: DataClass,
    pub because: String,
    pub origin: Origin,
    pub pattern_span: Span,
}

#[derive(Clone, Debug)]
pub struct EvService {
    pub name: String,
    pub display: Option<String>,
    pub name_span: Span,
    pub startup: Startup,
    /// The `startup` statement that holds, if one does (the block's default otherwise).
    pub startup_span: Option<Span>,
    pub active: ServiceState,
    pub passive: ServiceState,
    pub monitor: bool,
    pub manage: bool,
    pub after: Vec<Name>,
    pub on_failure: Vec<FailureAction>,
    pub on_failure_span: Option<Span>,
    pub passive_span: Option<Span>,
    pub start_timeout: Option<Duration>,
    pub stop_timeout: Option<Duration>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct EvTask {
    pub name: String,
    pub kind: TaskKind,
    pub side: TaskSide,
    pub program: String,
    pub args: Vec<String>,
    pub timeout: Option<Duration>,
    pub origin: Origin,
}

/// A sentence from the policy (advise, note, unsupported) that holds here.
#[derive(Clone, Debug)]
pub struct Text {
    pub text: String,
    pub span: Span,
    pub exception: Option<Date>,
}

/// Everything that holds in one environment.
#[derive(Clone, Debug, Default)]
pub struct Evaluated {
    pub services: Vec<EvService>,
    pub filters: Vec<EvFilter>,
    pub unprotected: Vec<EvUnprotected>,
    pub tasks: Vec<EvTask>,
    pub advisories: Vec<Text>,
    pub notes: Vec<Text>,
    pub unsupported: Vec<Text>,
    pub discovery: Option<Discovery>,
    /// The exceptions that applied (their release dates and spans).
    pub exceptions: Vec<(Date, Span)>,
    /// Paths that could not be resolved or are not valid filters here.
    pub problems: Vec<Diagnostic>,
    /// The switchover budget that applies (`switchover within`: the last whose condition
    /// holds), in seconds, and where it is.
    pub budget: Option<(u64, Span)>,
}

/// A data rule as it holds in an environment: its resolved pattern and where it comes from.
pub enum EvData {
    Filter(EvFilter),
    Unprotected(EvUnprotected),
}

impl EvData {
    /// `rule` with its resolved pattern and its origin.
    pub fn new(rule: &DataRule, pattern: Pattern, origin: Origin) -> EvData {
        match rule {
            DataRule::Filter {
                kind,
                mode,
                pattern: p,
                class,
                because,
            } => EvData::Filter(EvFilter {
                kind: *kind,
                mode: *mode,
                pattern,
                class: class.unwrap_or(DataClass::Data),
                because: because.as_ref().map(|b| b.value.clone()),
                origin,
                pattern_span: p.span,
            }),
            DataRule::Unprotected {
                pattern: p,
                class,
                because,
            } => EvData::Unprotected(EvUnprotected {
                pattern,
                class: class.unwrap_or(DataClass::Data),
                because: because.value.clone(),
                origin,
                pattern_span: p.span,
            }),
        }
    }
}
