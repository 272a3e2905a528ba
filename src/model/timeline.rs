//! The switchover and failover timelines of one environment (made in `lower/switchover.rs`):
//! each step in order, on which server, with its worst case.

use crate::model::Origin;
use serde::Serialize;

/// Seconds amxc's scripts wait for a service to start or stop, or for a task, when the policy
/// gives no timeout.
pub const DEFAULT_WAIT_SECONDS: u64 = 300;

/// A part of a switchover.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Network,
    PreStop,
    Stop,
    PostStop,
    PreStart,
    Start,
    PostStart,
    /// Periodic tasks that move with the active role (no time of their own).
    Periodic,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Network => "network",
            Phase::PreStop => "prestop",
            Phase::Stop => "stop",
            Phase::PostStop => "poststop",
            Phase::PreStart => "prestart",
            Phase::Start => "start",
            Phase::PostStart => "poststart",
            Phase::Periodic => "periodic",
        }
    }
}

/// One step of a switchover.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub phase: Phase,
    /// `old active`, `new active`, or for a network task the identity it runs on (`primary`,
    /// `secondary`).
    pub server: &'static str,
    /// `service` or `task`.
    pub kind: &'static str,
    pub name: String,
    /// The worst case: the timeout, or [`DEFAULT_WAIT_SECONDS`]; 0 for what only moves.
    pub seconds: u64,
    /// Whether `seconds` is the default rather than the policy's.
    pub default: bool,
    pub origin: Origin,
    /// Where to point: a service's name, a task's statement.
    pub span: crate::source::Span,
}

/// A switchover or failover, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub steps: Vec<Step>,
}

impl Timeline {
    /// The worst case: the sum of the steps.
    pub fn worst_case(&self) -> u64 {
        self.steps
            .iter()
            .fold(0u64, |sum, s| sum.saturating_add(s.seconds))
    }

    /// The longest steps, longest first (ties in order), at most `n`.
    pub fn longest(&self, n: usize) -> Vec<&Step> {
        let mut v: Vec<&Step> = self.steps.iter().filter(|s| s.seconds > 0).collect();
        v.sort_by_key(|s| std::cmp::Reverse(s.seconds));
        v.truncate(n);
        v
    }
}

/// What the failures of one monitored service lead to.
#[derive(Clone, Debug, PartialEq)]
pub struct FailurePath {
    pub service: String,
    /// The 1st, 2nd, 3rd failure's action, as the policy writes it.
    pub actions: Vec<String>,
    /// What happens at the next failure, once the list is used up.
    pub then: &'static str,
    pub origin: Origin,
}

/// What holds in one environment, as switchover and failover timelines and failure paths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub switchover: Timeline,
    pub failover: Timeline,
    pub failures: Vec<FailurePath>,
}

/// `7m 30s`, `12m`, `45s`, `1h 2m`.
pub fn human(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::human;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(human(450), "7m 30s");
        assert_eq!(human(720), "12m");
        assert_eq!(human(0), "0s");
        assert_eq!(human(3720), "1h 2m");
    }
}
