//! The typed syntax tree of a policy. Every node keeps its span; statements that may carry
//! `when` are [`Item`]s. Block-level `when` conditions are pushed down into each item by the
//! builder, so later stages see one condition per item.

mod cond;
pub mod keywords;
mod value;
mod vars;
mod walk;

pub use cond::{CmpOp, CondKind, Condition, RELEASE};
pub use value::{Date, Duration, Str, Value, ValueKind, Version};
pub use vars::{is_var_name, var_uses};

use crate::source::{FileId, Span};

/// A statement with the condition under which it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<T> {
    pub value: T,
    pub span: Span,
    /// Boxed: most statements have no condition, and a condition is large.
    pub when: Option<Box<Condition>>,
}

impl<T> Item<T> {
    pub fn new(value: T, span: Span, when: Option<Condition>) -> Self {
        Item {
            value,
            span,
            when: when.map(Box::new),
        }
    }
}

/// A name: a word or a string standing for one (service, task, component, dimension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// One `.amx` file.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub file: FileId,
    pub span: Span,
    pub id: Name,
    pub title: Option<Item<Str>>,
    pub application: Option<Item<Application>>,
    pub kb: Option<Item<Kb>>,
    pub about: Option<Item<Str>>,
    pub versions: Option<Item<Vec<Date>>>,
    pub supports: Vec<Item<Supports>>,
    pub applies_to: Option<Item<AppliesTo>>,
    /// `switchover within DURATION`: the longest a managed switchover may take; in a
    /// configuration the last one whose condition holds applies.
    pub switchover: Vec<Item<Duration>>,
    /// What holds in every release.
    pub base: Body,
    pub exceptions: Vec<Exception>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Application {
    pub name: Str,
    pub formerly: Vec<Item<Str>>,
    /// `bits 32|64`, possibly per configuration: the last that holds wins.
    pub bits: Vec<Item<u8>>,
    /// `writes PATTERN, … on passive|both`: what the application itself writes on the passive.
    pub writes: Vec<Item<AppWrites>>,
}

/// What the application writes outside the HA product's control, on the passive too (its own
/// update schedule, say): data that must not be replicated there.
#[derive(Clone, Debug, PartialEq)]
pub struct AppWrites {
    pub patterns: Vec<Str>,
    /// `Passive` or `Both`.
    pub side: TaskSide,
    pub because: Option<Str>,
}

/// `allow AMXnnnn because "…"`: a finding the policy acknowledges as a documented known issue,
/// in the configurations where the statement's scope (the policy, or one exception) applies.
#[derive(Clone, Debug, PartialEq)]
pub struct Allow {
    /// The code as written (`AMX0317`), with its span.
    pub code: Name,
    pub because: Str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Kb {
    pub number: u64,
    pub title: Option<Str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Supports {
    pub dimension: Name,
    pub values: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum AppliesTo {
    All,
    Releases(Vec<Date>),
}

/// The statements a policy and an exception have in common.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Body {
    pub notes: Vec<Item<Str>>,
    pub paths: Vec<Item<PathDef>>,
    pub services: Vec<Item<Service>>,
    pub data: Vec<Item<DataRule>>,
    pub tasks: Vec<Item<Task>>,
    pub discovery: Option<Item<Discovery>>,
    pub advise: Vec<Item<Str>>,
    pub unsupported: Vec<Item<Str>>,
    /// Acknowledged findings (an `allow` has no condition of its own: its scope is its body).
    pub allows: Vec<Item<Allow>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    pub release: Date,
    pub span: Span,
    pub when: Option<Condition>,
    pub body: Body,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PathDef {
    pub name: Name,
    pub pattern: Str,
    /// `about "…"`: what the location holds, as articles name it (`the virus definitions`).
    pub about: Option<Str>,
}

// ------------------------------------------------------------------ services

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Startup {
    Manual,
    Automatic,
    /// Automatic, a little after the other automatic services (Windows Server 2008 and later).
    #[serde(rename = "delayed-auto")]
    DelayedAutomatic,
    Disabled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceState {
    Running,
    Stopped,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureAction {
    RecoverService,
    RestartApplications,
    LogWarning,
    Switchover,
    Task(Name),
}

/// One `service` statement. Settings are lists of conditional items: in a configuration the
/// last one whose condition holds wins; `startup` starts with the block's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Service {
    pub name: Name,
    pub display: Option<Str>,
    pub after: Vec<Item<Vec<Name>>>,
    pub startup: Vec<Item<Startup>>,
    pub active: Vec<Item<ServiceState>>,
    pub passive: Vec<Item<ServiceState>>,
    pub monitor: Vec<Item<bool>>,
    pub manage: Vec<Item<bool>>,
    pub on_failure: Vec<Item<Vec<FailureAction>>>,
    pub start_timeout: Vec<Item<Duration>>,
    pub stop_timeout: Vec<Item<Duration>>,
}

impl Service {
    /// A service with a name and no settings.
    pub fn named(name: Name) -> Service {
        Service {
            name,
            display: None,
            after: Vec::new(),
            startup: Vec::new(),
            active: Vec::new(),
            passive: Vec::new(),
            monitor: Vec::new(),
            manage: Vec::new(),
            on_failure: Vec::new(),
            start_timeout: Vec::new(),
            stop_timeout: Vec::new(),
        }
    }
}

// ------------------------------------------------------------------ data

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterKind {
    Files,
    Registry,
    Snapshot,
}

impl FilterKind {
    /// The statement keyword (`files`, `registry`, `snapshot`), as outputs name the kind.
    pub fn keyword(self) -> &'static str {
        match self {
            FilterKind::Files => "files",
            FilterKind::Registry => "registry",
            FilterKind::Snapshot => "snapshot",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterMode {
    Include,
    Exclude,
}

impl FilterMode {
    pub fn as_str(self) -> &'static str {
        keywords::FILTER_MODE.word(&self).unwrap_or("include")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataClass {
    Config,
    Data,
    Log,
    Definitions,
    Other,
}

impl DataClass {
    pub fn as_str(self) -> &'static str {
        keywords::DATA_CLASS.word(&self).unwrap_or("data")
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum DataRule {
    Filter {
        kind: FilterKind,
        mode: FilterMode,
        pattern: Str,
        class: Option<DataClass>,
        /// Boxed, as below: a data rule is held for each of 100,000s of statements.
        because: Option<Box<Str>>,
    },
    Unprotected {
        pattern: Str,
        class: Option<DataClass>,
        because: Box<Str>,
    },
}

impl DataRule {
    pub fn pattern(&self) -> &Str {
        match self {
            DataRule::Filter { pattern, .. } | DataRule::Unprotected { pattern, .. } => pattern,
        }
    }
}

// ------------------------------------------------------------------ tasks

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskKind {
    Network,
    PreStart,
    PostStart,
    PreStop,
    PostStop,
    PreShadow,
    PostShadow,
    Periodic(Duration),
    RuleAction,
}

impl TaskKind {
    /// The keyword, and the stem of the script file the kind compiles to.
    pub fn keyword(self) -> &'static str {
        match self {
            TaskKind::Periodic(_) => "periodic",
            k => keywords::TASK_KIND.word(&k).unwrap_or("rule-action"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskSide {
    Active,
    Passive,
    Both,
    Primary,
    Secondary,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub program: Str,
    pub args: Vec<Str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub name: Name,
    pub at: Item<TaskKind>,
    pub on: Option<Item<TaskSide>>,
    pub run: Item<Run>,
    pub timeout: Option<Item<Duration>>,
    /// `writes PATTERN, …`: what the task writes where it runs.
    pub writes: Option<Item<Vec<Str>>>,
}

// ------------------------------------------------------------------ discovery

#[derive(Clone, Debug, PartialEq)]
pub struct Discovery {
    pub automatic: bool,
    pub reason: Option<Str>,
}
