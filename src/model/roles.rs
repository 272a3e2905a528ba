//! What each role does to the protected services (decided in `lower/roles.rs`): the steps
//! every script and the switchover timeline render.

use serde::Serialize;

/// Start or stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Start,
    Stop,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Start => "start",
            Change::Stop => "stop",
        }
    }
}

/// One service brought to the state a role wants, with its bounded wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceStep {
    /// Index into the evaluated services.
    pub service: usize,
    pub change: Change,
    /// The wait: the service's start or stop timeout, or [`super::timeline::DEFAULT_WAIT_SECONDS`].
    pub seconds: u64,
    /// Whether `seconds` is the default rather than the policy's.
    pub default: bool,
}

/// What a server does to the protected services in each role.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    /// The managed services, in declaration order: their startup type and recovery are set.
    pub configure: Vec<usize>,
    /// On the server becoming active: stops first, then starts.
    pub to_active: Vec<ServiceStep>,
    /// On the server becoming passive: stops first, then starts.
    pub to_passive: Vec<ServiceStep>,
}

/// The steps of `steps` that stop a service, each with the services the same script stops
/// before it (a running dependent among those is no obstacle).
pub fn stops_with_earlier(steps: &[ServiceStep]) -> Vec<(usize, Vec<usize>)> {
    let stops: Vec<usize> = steps
        .iter()
        .filter(|s| s.change == Change::Stop)
        .map(|s| s.service)
        .collect();
    stops
        .iter()
        .enumerate()
        .map(|(k, &i)| (i, stops[..k].to_vec()))
        .collect()
}
