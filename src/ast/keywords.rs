//! Every word of the language that stands for a value, listed once. The builder reads words
//! through these tables (a word missing here is an internal error, never a silent default),
//! the emitters write values back with them, and a test ties each table to its rule in
//! `grammar/amx.pest`.

use super::{DataClass, FailureAction, FilterMode, ServiceState, Startup, TaskKind, TaskSide};

/// The words of one grammar rule and the values they stand for.
pub struct Words<T: 'static> {
    /// The grammar rule whose alternatives these words are.
    pub rule: &'static str,
    pub words: &'static [(&'static str, T)],
}

impl<T: Clone + PartialEq> Words<T> {
    /// The value a word stands for.
    pub fn value(&self, word: &str) -> Option<T> {
        self.words
            .iter()
            .find(|(w, _)| *w == word)
            .map(|(_, v)| v.clone())
    }

    /// The word for a value.
    pub fn word(&self, value: &T) -> Option<&'static str> {
        self.words.iter().find(|(_, v)| v == value).map(|(w, _)| *w)
    }
}

pub const STARTUP: Words<Startup> = Words {
    rule: "startup_type",
    words: &[
        ("manual", Startup::Manual),
        ("automatic", Startup::Automatic),
        ("delayed-auto", Startup::DelayedAutomatic),
        ("disabled", Startup::Disabled),
    ],
};

pub const SERVICE_STATE: Words<ServiceState> = Words {
    rule: "service_state",
    words: &[
        ("running", ServiceState::Running),
        ("stopped", ServiceState::Stopped),
    ],
};

/// Failure actions without an argument (`task "NAME"` is the other kind).
pub const FAILURE_ACTION: Words<FailureAction> = Words {
    rule: "simple_action",
    words: &[
        ("recover-service", FailureAction::RecoverService),
        ("restart-applications", FailureAction::RestartApplications),
        ("log-warning", FailureAction::LogWarning),
        ("switchover", FailureAction::Switchover),
    ],
};

pub const FILTER_MODE: Words<FilterMode> = Words {
    rule: "filter_mode",
    words: &[
        ("include", FilterMode::Include),
        ("exclude", FilterMode::Exclude),
    ],
};

pub const DATA_CLASS: Words<DataClass> = Words {
    rule: "data_class",
    words: &[
        ("config", DataClass::Config),
        ("data", DataClass::Data),
        ("log", DataClass::Log),
        ("definitions", DataClass::Definitions),
        ("other", DataClass::Other),
    ],
};

/// Task kinds without an argument (`periodic every DURATION` is the other kind).
pub const TASK_KIND: Words<TaskKind> = Words {
    rule: "task_kind",
    words: &[
        ("network", TaskKind::Network),
        ("prestart", TaskKind::PreStart),
        ("poststart", TaskKind::PostStart),
        ("prestop", TaskKind::PreStop),
        ("poststop", TaskKind::PostStop),
        ("preshadow", TaskKind::PreShadow),
        ("postshadow", TaskKind::PostShadow),
        ("rule-action", TaskKind::RuleAction),
    ],
};

pub const TASK_SIDE: Words<TaskSide> = Words {
    rule: "task_side",
    words: &[
        ("active", TaskSide::Active),
        ("passive", TaskSide::Passive),
        ("both", TaskSide::Both),
        ("primary", TaskSide::Primary),
        ("secondary", TaskSide::Secondary),
    ],
};

/// Every table with its grammar rule, for the test that ties them to the grammar.
pub fn all() -> Vec<(&'static str, Vec<&'static str>)> {
    fn of<T>(w: &Words<T>) -> (&'static str, Vec<&'static str>) {
        (w.rule, w.words.iter().map(|(k, _)| *k).collect())
    }
    vec![
        of(&STARTUP),
        of(&SERVICE_STATE),
        of(&FAILURE_ACTION),
        of(&FILTER_MODE),
        of(&DATA_CLASS),
        of(&TASK_KIND),
        of(&TASK_SIDE),
    ]
}
