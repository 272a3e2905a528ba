//! Micro-benchmarks of the stages (divan): parsing, checking, relating filters, compiling.
//! `bench/run.sh` measures the whole program on generated inputs; these isolate the pieces.

use amxc::emit::{render, Options, ScriptKind};
use std::hint::black_box;

fn main() {
    divan::main();
}

const SEED: &str = include_str!("../policies/symantec-mail-security.amx");
const SEED_MATRIX: &str = include_str!("../policies/symantec-mail-security.versions.yaml");
const SEED_TARGET: &str = include_str!("../policies/targets/symantec-mail-security/EXCH01.yaml");

/// A policy with `n` filters in nested folders, some conditional, some exclusions.
fn policy(n: usize) -> String {
    let mut s = String::from("amx \"symantec-mail-security\" {\n    versions 2007-07-11\n    paths {\n        Install = '%ProgramFiles%\\Bench\\%app%'\n    }\n    data {\n");
    for i in 0..n {
        let g = i / 10;
        match i % 10 {
            0 => s.push_str(&format!("        files include '%Install%\\g{g}\\main\\**'\n")),
            1 => s.push_str(&format!("        files exclude '%Install%\\g{g}\\main\\cache\\**' because \"rebuilt\" when heartbeat >= 5.3\n")),
            k => s.push_str(&format!("        files include '%Install%\\g{g}\\conf{k}\\*.xml' as config\n")),
        }
    }
    s.push_str("    }\n}\n");
    s
}

#[divan::bench(args = [1_000, 10_000])]
fn parse(bencher: divan::Bencher, n: usize) {
    let text = policy(n);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| black_box(amxc::parse::parse(0, black_box(&text))));
}

#[divan::bench]
fn check_seed() {
    let parsed = amxc::parse::parse(0, SEED);
    let (m, _) = amxc::matrix::load(1, SEED_MATRIX).into_parts();
    let p = parsed.value.expect("seed parses");
    black_box(amxc::validate::validate(&p, m.as_ref()));
}

#[divan::bench(args = [1_000, 10_000])]
fn check(bencher: divan::Bencher, n: usize) {
    let text = policy(n);
    let p = amxc::parse::parse(0, &text).value.expect("parses");
    let (m, _) = amxc::matrix::load(1, SEED_MATRIX).into_parts();
    bencher.bench(|| black_box(amxc::validate::validate(&p, m.as_ref())));
}

#[divan::bench]
fn compile_seed_server() {
    let p = amxc::parse::parse(0, SEED).value.expect("seed parses");
    let (m, _) = amxc::matrix::load(1, SEED_MATRIX).into_parts();
    let m = m.expect("matrix");
    let (t, _) = amxc::profile::load(2, SEED_TARGET, &p, &m).into_parts();
    let t = t.expect("target");
    let checked = amxc::Checked::new(0, p, m, SEED, "symantec-mail-security.amx".into());
    let plan = amxc::plan(&checked, &t).value.expect("plan");
    black_box(render(
        &plan,
        Options {
            scripts: ScriptKind::Both,
            json: true,
            allow_lossy: false,
        },
    ));
}
