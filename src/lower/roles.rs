//! What each role does to the protected services, decided once per environment: the scripts,
//! the switchover timeline, `summary.md` and `amxc doc` all render this, and nothing else
//! decides it.
//!
//! - **configure** touches the managed services only: a `manage no` service belongs to Windows
//!   (or to whoever installed it); the HA product may watch it, but never sets its startup type
//!   or recovery, never starts or stops it.
//! - **becoming active** (`start` scripts): the services the policy wants stopped on the active
//!   are stopped first, in the reverse of the start order; then those it wants running are
//!   started, in the start order.
//! - **becoming passive** (`stop` scripts): the services the policy wants stopped on the
//!   passive are stopped, in the reverse of the start order; then those it wants running on
//!   the passive (`passive running`) are started, in the start order.
//!
//! Every stop is preceded, before anything is stopped, by a check that no service depending on
//! it runs unless the same script stops that dependent first: Windows refuses to stop a
//! service whose dependents run (error 1051), and a refusal half-way would leave the server
//! half-stopped.

use crate::ast::ServiceState;
use crate::model::timeline::DEFAULT_WAIT_SECONDS;
use crate::model::{Change, EvService, Roles, ServiceStep};

impl Roles {
    /// The roles of `services`, whose managed services start in the order `start`.
    pub fn new(services: &[EvService], start: &[usize]) -> Roles {
        let step = |i: usize, change: Change| {
            let s = &services[i];
            let timeout = match change {
                Change::Start => s.start_timeout,
                Change::Stop => s.stop_timeout,
            };
            ServiceStep {
                service: i,
                change,
                seconds: timeout.map_or(DEFAULT_WAIT_SECONDS, |d| d.seconds),
                default: timeout.is_none(),
            }
        };
        let role = |want: fn(&EvService) -> ServiceState| {
            let mut steps: Vec<ServiceStep> = start
                .iter()
                .rev()
                .filter(|&&i| want(&services[i]) == ServiceState::Stopped)
                .map(|&i| step(i, Change::Stop))
                .collect();
            steps.extend(
                start
                    .iter()
                    .filter(|&&i| want(&services[i]) == ServiceState::Running)
                    .map(|&i| step(i, Change::Start)),
            );
            steps
        };
        Roles {
            configure: (0..services.len())
                .filter(|&i| services[i].manage)
                .collect(),
            to_active: role(|s| s.active),
            to_passive: role(|s| s.passive),
        }
    }
}
