//! Any bytes as a server's listing (`dir /s /b`, PowerShell's `>` in UTF-16, Windows-1252):
//! decoding ends in text or a refusal, and every line of the text is classified against the
//! seed policy's server without a panic, the same way twice.
#![no_main]
use amxc::coverage::{Classifier, Scratch};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const POLICY: &str = include_str!("../../policies/symantec-mail-security.amx");
const MATRIX: &str = include_str!("../../policies/symantec-mail-security.versions.yaml");
const TARGET: &str = include_str!("../../policies/targets/symantec-mail-security/EXCH03.yaml");

struct Seed {
    checked: amxc::Checked,
    target: amxc::profile::Target,
}

fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(|| {
        let policy = amxc::parse::parse(0, POLICY).value.expect("seed policy");
        let matrix = amxc::matrix::load(1, MATRIX).value.expect("seed matrix");
        let target = amxc::profile::load(2, TARGET, &policy, &matrix)
            .value
            .expect("seed target");
        let checked = amxc::Checked::new(0, policy, matrix, POLICY, "seed.amx".into());
        Seed { checked, target }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = amxc::encoding::decode(data) else {
        return;
    };
    let s = seed();
    let plan = amxc::plan(&s.checked, &s.target)
        .value
        .expect("the seed plans");
    let c = Classifier::new(&plan);
    let mut scratch = Scratch::default();
    for line in text.lines() {
        let a = c.classify(line, &mut scratch);
        let b = c.classify(line, &mut scratch);
        assert_eq!(a.class, b.class, "{line:?}");
        let _ = c.matching_rules(line);
    }
});
