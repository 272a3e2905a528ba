//! Evidence of any bytes — as a `reg export`, a Process Monitor CSV, a listing and `sc` output —
//! is read and proposed from without a panic, and the proposal is a policy that parses.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let p = std::path::Path::new("evidence");
    let mut ev = amxc::discover::Evidence::default();
    ev.read_reg(p, data);
    ev.read_procmon(p, data, &[]);
    ev.read_listing(p, data);
    ev.read_services(p, data);
    let proposal = amxc::discover::propose(&ev, "fuzz", "2021-06-15", vec!["evidence".into()]);
    let text = amxc::discover::policy_text(&proposal);
    let parsed = amxc::parse::parse(0, &text);
    assert!(
        parsed.value.is_some(),
        "the proposal does not parse:\n{text}\n{:?}",
        parsed.diagnostics
    );
});
