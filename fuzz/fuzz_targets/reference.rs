//! Generated data rules: validation's findings, compile's filter set, `coverage` and
//! `explain-path` agree with the reference semantics (tests/reference_model.rs) in every
//! configuration.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../tests/reference_model.rs"]
mod reference_model;

fuzz_target!(|data: &[u8]| {
    let rules = reference_model::rules_from_bytes(data);
    if rules.is_empty() {
        return;
    }
    if let Some(d) = reference_model::disagreement(&rules) {
        panic!("amxc disagrees with the reference: {d}");
    }
});
