//! Any policy text checked against a small matrix: validation over every configuration must
//! end, without panicking, whatever the policy says.
#![no_main]
use libfuzzer_sys::fuzz_target;

const MATRIX: &str = include_str!("../../tests/fixtures/diagnostics/small.versions.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = amxc::parse::parse(0, text);
    let Some(policy) = parsed.value else { return };
    let (matrix, _) = amxc::matrix::load(1, MATRIX).into_parts();
    let v = amxc::validate::validate(&policy, matrix.as_ref());
    let mut sources = amxc::source::SourceMap::new();
    sources.add("fuzz.amx", text);
    sources.add("small.versions.yaml", MATRIX);
    let _ = amxc::diagnostic::render(
        &sources,
        &v.diagnostics,
        amxc::diagnostic::Format::Sarif,
        false,
    );
});
