//! Windows service recovery (`sc.exe failure … actions=`) from the policy's failure actions.
//! Windows can only restart a service; the HA product itself logs warnings, switches over and
//! runs rule-action tasks. Windows repeats the last action once the list is exhausted, so the
//! list ends with an empty action (`//0`, no action) when the policy's last action is not a restart.

use crate::ast::FailureAction;

/// Milliseconds Windows waits before restarting a service.
pub const RESTART_DELAY_MS: u32 = 60_000;

/// The `actions=` value, or `None` when Windows has nothing to do.
pub fn recovery_actions(actions: &[FailureAction]) -> Option<String> {
    let mapped: Vec<&str> = actions
        .iter()
        .map(|a| match a {
            FailureAction::RecoverService | FailureAction::RestartApplications => "restart",
            _ => "",
        })
        .collect();
    if !mapped.contains(&"restart") {
        return None;
    }
    let mut parts: Vec<String> = mapped
        .iter()
        .map(|m| {
            if m.is_empty() {
                "/0".to_string()
            } else {
                format!("restart/{RESTART_DELAY_MS}")
            }
        })
        .collect();
    if mapped.last() == Some(&"restart") && mapped.len() < 3 {
        parts.push("/0".to_string());
    }
    Some(parts.join("/"))
}
