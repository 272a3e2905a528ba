//! `amxc test [PATH...]`: run policy test files (`*.amxtest.yaml`, see docs/testing.md). Exit
//! 0 when every assertion holds; 1 when one does not, or a file cannot be run.

use super::failure::{Failure, Outcome};
use super::output::{emit_result, stdout};
use super::{DiagArgs, EXIT_FINDINGS};
use crate::diagnostic::{Diagnostic, Format};
use crate::driver::inputs::{self, ReadError};
use crate::driver::load::{load_checked, load_target};
use crate::policy_tests::{self, Outcome as TestOutcome, Server};
use crate::source::SourceMap;
use std::path::{Path, PathBuf};

/// A configuration written out as a target profile: its keys as given, every drive letter
/// (a configuration says nothing of drives), and a server name of the test's.
fn configuration_profile(keys: &[(String, String)], n: usize) -> String {
    let mut s = format!("server: CONFIG{n}\ndrives: [C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, V, W, X, Y, Z]\n");
    for (k, v) in keys {
        let v = if v.starts_with('[') {
            v.clone()
        } else {
            format!("{v:?}")
        };
        let k = if k == "release" { "version" } else { k };
        // `management_ip: true` is an address; `false` none
        match (k, v.as_str()) {
            ("management_ip", "\"true\"") => s.push_str("management_ip: \"192.0.2.1\"\n"),
            ("management_ip", "\"false\"") => s.push_str("management_ip: null\n"),
            _ => s.push_str(&format!("{k}: {v}\n")),
        }
    }
    s
}

/// Run one test file; its diagnostics into `out`, each test's outcome into `outcomes`.
fn run_file(
    sources: &mut SourceMap,
    path: &Path,
    out: &mut Vec<Diagnostic>,
    outcomes: &mut Vec<TestOutcome>,
) -> Result<(), Failure> {
    let file = match inputs::read(sources, path, crate::profile::MAX_TARGET_BYTES) {
        Ok(f) => f,
        Err(ReadError::Invalid(d)) => {
            out.push(*d);
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let t = match policy_tests::read(file, sources.text(file)) {
        Ok(t) => t,
        Err(ds) => {
            out.extend(ds);
            return Ok(());
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let policy = match &t.policy {
        Some((p, _)) => dir.join(p),
        None => {
            // `app.amxtest.yaml` tests `app.amx` beside it
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let stem = name
                .as_deref()
                .and_then(|n| n.strip_suffix(".amxtest.yaml"))
                .unwrap_or("policy");
            dir.join(format!("{stem}.amx"))
        }
    };
    let matrix = t.matrix.as_ref().map(|(m, _)| dir.join(m));
    let (checked, check_diags) = load_checked(sources, &policy, matrix.as_deref())
        .map_err(Failure::from)?
        .into_parts();
    let Some(checked) = checked else {
        // the policy's own errors, then every test as not run
        out.extend(check_diags.into_iter().filter(Diagnostic::is_error));
        for case in &t.tests {
            outcomes.push(TestOutcome {
                name: case.name.clone(),
                passed: false,
                held: 0,
                failed: case.assertions.len(),
            });
        }
        return Ok(());
    };
    for (n, case) in t.tests.iter().enumerate() {
        let target = match &case.server {
            Server::Target(p, _) => load_target(sources, &dir.join(p), &checked)?,
            Server::Configuration(keys, span) => {
                let text = configuration_profile(keys, n + 1);
                let name = format!(
                    "{}:{} (configuration)",
                    path.display(),
                    sources.line_col(file, span.start()).line
                );
                let id = sources.add(name, text);
                crate::profile::load(id, sources.text(id), &checked.policy, &checked.matrix)
            }
        };
        let (target, target_diags) = target.into_parts();
        let outcome = match target {
            Some(target) => {
                let (plan, plan_diags) = crate::plan(&checked, &target).into_parts();
                let errors: Vec<Diagnostic> = plan_diags
                    .iter()
                    .chain(&target_diags)
                    .filter(|d| d.is_error())
                    .cloned()
                    .collect();
                out.extend(errors);
                let pool =
                    policy_tests::pool(&check_diags, &[target_diags.clone(), plan_diags].concat());
                policy_tests::run_case(file, case, plan.as_ref(), &pool, out)
            }
            None => {
                out.extend(target_diags.into_iter().filter(Diagnostic::is_error));
                policy_tests::run_case(file, case, None, &check_diags, out)
            }
        };
        outcomes.push(outcome);
    }
    Ok(())
}

pub fn run(paths: &[PathBuf], diag: &DiagArgs) -> Outcome {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let files = inputs::test_files(&paths).map_err(Failure::from)?;
    if files.is_empty() {
        let list: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(Failure::usage(
            format!(
                "no policy test file (`*.amxtest.yaml`) in {}",
                list.join(", ")
            ),
            "docs/testing.md says how to write one",
        ));
    }
    let mut sources = SourceMap::new();
    let mut diags = Vec::new();
    let mut outcomes = Vec::new();
    for f in &files {
        run_file(&mut sources, f, &mut diags, &mut outcomes)?;
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    let human = Format::from(diag.format) == Format::Human;
    if human && !diag.quiet {
        let mut lines = String::new();
        for o in &outcomes {
            lines.push_str(&format!(
                "test {} ... {}\n",
                o.name,
                if o.passed { "ok" } else { "FAILED" }
            ));
        }
        stdout(&lines);
    }
    let summary = format!(
        "{} test{} in {} file{}: {passed} passed, {failed} failed\n",
        outcomes.len(),
        if outcomes.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
    );
    let result = serde_json::json!({
        "format_version": 1,
        "tests": outcomes,
        "passed": passed,
        "failed": failed,
    });
    let code = emit_result(&sources, &diags, diag, None, Some(result));
    if human && !diag.quiet {
        eprint!("{summary}");
    }
    Ok(if failed > 0 {
        code.max(EXIT_FINDINGS)
    } else {
        code
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_is_written_out_as_a_profile() {
        let p = configuration_profile(
            &[
                ("version".into(), "2007-07-11".into()),
                ("arch".into(), "x64".into()),
                ("management_ip".into(), "false".into()),
                ("components".into(), "[av]".into()),
            ],
            2,
        );
        assert!(p.starts_with("server: CONFIG2\ndrives: [C, "), "{p}");
        assert!(
            p.contains(
                "version: \"2007-07-11\"\narch: \"x64\"\nmanagement_ip: null\ncomponents: [av]\n"
            ),
            "{p}"
        );
    }
}
