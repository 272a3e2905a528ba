//! HA engines: everything amxc knows about the product that runs a policy, in one place, each
//! fact with its source. Validation and emission ask an [`Engine`]; no stage names a product
//! fact (a vetoed folder, a limit, a task side) on its own.
//!
//! Two kinds of fact live here:
//! - [`windows`]: the platform — which matrix dimensions say the architecture, the Windows
//!   release and the product generation; WOW64 folders and registry redirection; what each
//!   Windows release can run.
//! - one module per HA engine ([`neverfail`], [`wsfc`]): vetoed locations, filter states, failure
//!   actions and their limit, task kinds and where they run, startup rules, differences
//!   between product generations. An engine that maps only part of the model (a failover
//!   cluster has no file replication) says so through [`Engine::maps`].

pub mod neverfail;
pub mod windows;
pub mod wsfc;

use crate::ast::{FailureAction, ServiceState, Startup, TaskKind, TaskSide};
use crate::filters::Pattern;

pub use neverfail::Neverfail;
pub use wsfc::Wsfc;

/// A part of the policy model that an engine may or may not carry out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// Replicating files that inclusion filters name.
    FileFilters,
    /// Replicating registry keys that inclusion filters name.
    RegistryFilters,
    /// Exclusion filters (inside an inclusion).
    Exclusions,
    /// Snapshot sets (Data Rollback).
    Snapshots,
    /// Tasks of this kind.
    Task(TaskKind),
    /// This failure action.
    FailureAction(FailureActionKind),
}

/// A failure action without its argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureActionKind {
    RecoverService,
    RestartApplications,
    LogWarning,
    Switchover,
    Task,
}

impl FailureActionKind {
    pub fn of(a: &FailureAction) -> Self {
        match a {
            FailureAction::RecoverService => Self::RecoverService,
            FailureAction::RestartApplications => Self::RestartApplications,
            FailureAction::LogWarning => Self::LogWarning,
            FailureAction::Switchover => Self::Switchover,
            FailureAction::Task(_) => Self::Task,
        }
    }
}

/// A folder the engine refuses to protect, and why.
#[derive(Clone, Debug)]
pub struct Veto {
    pub root: Pattern,
    pub why: &'static str,
}

/// A location an inclusion should not replicate although the engine accepts it.
#[derive(Clone, Debug)]
pub struct Danger {
    pub root: Pattern,
    /// Only an inclusion that covers all of `root` is dangerous (the whole of
    /// `HKLM\SOFTWARE`); otherwise any inclusion that reaches into it.
    pub whole: bool,
    pub why: &'static str,
}

/// The HA engines amxc compiles for: what code compares, where a name is only what users
/// write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EngineKind {
    /// Neverfail / vCenter Server Heartbeat: replication between an active and a passive.
    Neverfail,
    /// Windows Server Failover Clustering.
    Wsfc,
}

impl EngineKind {
    /// Every engine, the default first.
    pub const ALL: [EngineKind; 2] = [EngineKind::Neverfail, EngineKind::Wsfc];

    /// The name users write (`--engine`, a target's `engine:`, a release's `engines:`).
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Neverfail => "neverfail",
            EngineKind::Wsfc => "wsfc",
        }
    }

    /// The engine's facts.
    pub fn engine(self) -> &'static dyn Engine {
        match self {
            EngineKind::Neverfail => &Neverfail,
            EngineKind::Wsfc => &Wsfc,
        }
    }
}

/// What validation and emission ask of an HA engine.
pub trait Engine: Sync + std::fmt::Debug {
    /// Which engine this is.
    fn kind(&self) -> EngineKind;

    /// The engine's name as users write it (`--engine`, a target's `engine:`).
    fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Whether the engine carries out this part of the model at all.
    fn maps(&self, feature: Feature) -> bool;

    /// Folders the engine refuses to protect on a server whose system drive is
    /// `system_drive` (`C:`): an inclusion covering one is rejected whole.
    fn vetoed_roots(&self, system_drive: &str) -> Vec<Veto>;

    /// Why an inclusion of a whole drive (`D:\**`) is rejected, where the engine rejects it.
    fn drive_root_veto(&self) -> Option<&'static str>;

    /// Locations an inclusion should not replicate, on a server whose system drive is
    /// `system_drive`: the engine accepts them, but replicating them harms the passive.
    fn dangerous(&self, system_drive: &str) -> Vec<Danger>;

    /// Whether the product generation (`None`: not stated) has exclusion filters.
    fn has_exclusions(&self, generation: Option<&crate::ast::Version>) -> bool;

    /// How many failure actions the engine runs, in order.
    fn max_failure_actions(&self) -> usize;

    /// The side a task of `kind` runs on when the policy does not say.
    fn default_side(&self, kind: TaskKind) -> TaskSide;

    /// The sides a task of `kind` may run on.
    fn allowed_sides(&self, kind: TaskKind) -> &'static [TaskSide];

    /// Whether a task on `side` (or the application, where it says it writes there) runs on the
    /// passive server: what it writes there must not be replicated (AMX0317). [seed article,
    /// "Other Features": "the update schedule can be run on the passive server causing apply
    /// exceptions because the files are in use"; vCSHB 6.6 reference guide: task sides]
    fn writes_on_passive(&self, side: TaskSide) -> bool {
        matches!(side, TaskSide::Passive | TaskSide::Both)
    }

    /// Whether a task of `kind` may run on `side`.
    fn side_allowed(&self, kind: TaskKind, side: TaskSide) -> bool {
        self.allowed_sides(kind).contains(&side)
    }

    /// A protected service's startup type when the policy does not say.
    fn default_startup(&self) -> Startup;

    /// A protected service's target state on the active and on the passive by default.
    fn default_states(&self) -> (ServiceState, ServiceState);
}

/// The engine a policy compiles for unless a target names another.
pub fn default_engine() -> &'static dyn Engine {
    &Neverfail
}

/// The engine a user names (`neverfail`, `wsfc`), in any case.
pub fn by_name(name: &str) -> Option<&'static dyn Engine> {
    EngineKind::ALL
        .iter()
        .find(|k| k.name().eq_ignore_ascii_case(name.trim()))
        .map(|k| k.engine())
}

/// The engine names, for messages: `neverfail` or `wsfc`.
pub fn names() -> String {
    let names: Vec<String> = EngineKind::ALL
        .iter()
        .map(|k| format!("`{}`", k.name()))
        .collect();
    names.join(" or ")
}

/// The engine names, for the JSON Schemas' `enum`.
pub fn name_list() -> Vec<&'static str> {
    EngineKind::ALL.iter().map(|k| k.name()).collect()
}
