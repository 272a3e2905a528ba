//! Any bytes: reading them as a policy ends in an AST or diagnostics, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sources = amxc::source::SourceMap::new();
    let Ok(file) = amxc::driver::inputs::add_bytes(&mut sources, "fuzz.amx".into(), data.to_vec())
    else {
        return;
    };
    let parsed = amxc::parse::parse(file, sources.text(file));
    let _ = amxc::diagnostic::render(
        &sources,
        &parsed.diagnostics,
        amxc::diagnostic::Format::Human,
        false,
    );
});
