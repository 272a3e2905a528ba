//! The language server's answers on any text, as typing leaves it: checking, hover, completion,
//! definition, references and the outline at every eighth offset never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

const MATRIX: &str = include_str!("../../policies/symantec-mail-security.versions.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::path::Path::new("/fuzz/p.amx");
    let a = amxc::lsp::analysis::analyse(path, text, &|_| Some(MATRIX.to_string()));
    let mut offset = 0;
    while offset <= text.len() {
        let _ = amxc::lsp::hover::hover(&a, text, offset);
        let _ = amxc::lsp::complete::complete(&a, text, offset);
        let _ = amxc::lsp::navigate::definition(&a, text, offset);
        let _ = amxc::lsp::navigate::references(&a, text, offset, true);
        offset += 8;
    }
    if let Some(p) = &a.policy {
        let _ = amxc::lsp::navigate::outline(p, text);
    }
    let _ = amxc::lsp::format_edits(text, None);
});
