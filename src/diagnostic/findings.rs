//! Findings raised from more than one place, each worded here once: every stage that raises
//! one builds it with its constructor and adds where it is.

use super::{codes, Diagnostic};

/// AMX0201: path variables that form a cycle, `%A% → %B% → %A%`.
pub fn cyclic_variable(cycle: &[String]) -> Diagnostic {
    let names: Vec<String> = cycle.iter().map(|c| format!("%{c}%")).collect();
    Diagnostic::new(
        codes::CYCLIC_VARIABLE,
        format!("path variables form a cycle: {}", names.join(" → ")),
    )
    .with_help("one of the variables must start from a built-in or an absolute path")
}

/// AMX0317: data written on the passive and replicated, with what the policy can do about it.
pub fn written_on_passive(message: String) -> Diagnostic {
    Diagnostic::new(codes::WRITTEN_ON_PASSIVE, message)
        .with_note("applying the active's changes to files the passive is writing fails on files in use: apply exceptions")
        .with_help("declare the data unprotected where it is written on the passive, condition the inclusion, or acknowledge a documented known issue with `allow AMX0317 because \"…\"` in the exception that has it")
}
