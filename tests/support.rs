//! Helpers shared by the integration tests.

use amxc::diagnostic::{render, Diagnostic, Format};
use amxc::driver::load::check_paths;
use amxc::source::SourceMap;
use std::path::{Path, PathBuf};

/// Insta settings that write snapshots into the top-level `snapshots/` folder.
pub fn snapshot_settings(input: &Path) -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.set_input_file(input);
    s.set_omit_expression(true);
    s
}

/// The matrix a fixture names on its first line (`// matrix: FILE`), relative to it.
pub fn fixture_matrix(path: &Path) -> Option<PathBuf> {
    let text = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&text);
    let first = text.lines().next()?;
    let name = first.strip_prefix("// matrix:")?.trim();
    Some(path.with_file_name(name))
}

/// Check one policy and return its diagnostics with the sources to render them.
pub fn check_file(path: &Path) -> (SourceMap, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    let matrix = fixture_matrix(path);
    let report = check_paths(&mut sources, &[path.to_path_buf()], matrix.as_deref());
    match report {
        Ok(r) => (sources, r.diagnostics),
        Err(amxc::driver::inputs::ReadError::Invalid(d)) => (sources, vec![*d]),
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// Check a policy given as text, as a file in a folder of its own; a first line
/// `// matrix: NAME` puts `tests/fixtures/diagnostics/NAME` beside it.
pub fn check_text(text: &str) -> (SourceMap, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("p.amx");
    std::fs::write(&path, text).expect("write");
    if let Some(matrix) = fixture_matrix(&path) {
        let name = matrix.file_name().expect("a matrix file name");
        std::fs::copy(Path::new("tests/fixtures/diagnostics").join(name), &matrix)
            .expect("the fixture matrix");
    }
    check_file(&path)
}

pub fn short(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    render(sources, diags, Format::Short, false)
}

pub fn human(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    render(sources, diags, Format::Human, false)
}

/// Files in `dir` with extension `ext`, sorted.
pub fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// No error and no warning (notes are advisories every run may show).
pub fn assert_no_findings(sources: &SourceMap, diags: &[Diagnostic]) {
    let shown: Vec<_> = diags
        .iter()
        .filter(|d| d.severity != amxc::diagnostic::Severity::Note)
        .cloned()
        .collect();
    assert!(shown.is_empty(), "{}", short(sources, &shown));
}

/// The amxc binary run with `args` and `env` (colour off; a CI's shard variables of the
/// machine the tests run on left out): its exit code, standard output and standard error.
pub fn run_amxc(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_amxc"));
    c.args(args).env("NO_COLOR", "1");
    for v in [
        "AMXC_SHARD",
        "AMXC_SHARDS",
        "BUILDKITE_PARALLEL_JOB",
        "BUILDKITE_PARALLEL_JOB_COUNT",
        "JOB_COMPLETION_INDEX",
    ] {
        c.env_remove(v);
    }
    c.envs(env.iter().copied());
    let o = c.output().expect("run amxc");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
