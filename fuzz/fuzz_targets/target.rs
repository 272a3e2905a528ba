//! Any YAML as a target profile (and as a matrix): loading ends in a value or diagnostics.
#![no_main]
use libfuzzer_sys::fuzz_target;

const POLICY: &str = "amx \"fixture\" {\n    versions 2007-03-27, 2007-07-11\n    data {\n        files include '%ProgramFiles%\\App\\**'\n    }\n}\n";
const MATRIX: &str = include_str!("../../tests/fixtures/diagnostics/small.versions.yaml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = amxc::matrix::load(0, text).into_parts();
    let Some(policy) = amxc::parse::parse(1, POLICY).value else {
        return;
    };
    let (Some(matrix), _) = amxc::matrix::load(2, MATRIX).into_parts() else {
        return;
    };
    let (target, _) = amxc::profile::load(3, text, &policy, &matrix).into_parts();
    if let Some(t) = target {
        let checked = amxc::Checked::new(1, policy, matrix, POLICY, "fuzz.amx".into());
        let options = amxc::emit::Options {
            scripts: amxc::emit::ScriptKind::Both,
            json: true,
            allow_lossy: false,
        };
        let _ = amxc::compile(&checked, &t, options);
    }
});
