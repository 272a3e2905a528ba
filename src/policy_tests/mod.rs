//! `amxc test`: policy unit tests, as `opa test` and `terraform test` run them. A test file
//! (`NAME.amxtest.yaml`) names a policy and, per test, a server — a target profile, or one
//! configuration of the matrix written out — and what must hold there: paths replicated,
//! excluded, unprotected or outside every filter, services protected or not, one service
//! starting before another, findings reported or not. Each assertion that does not hold is a
//! diagnostic (AMX0701) at its line of the test file, saying what holds instead and by which
//! rule; a test file that cannot be read is AMX0700. See `docs/testing.md`.

mod file;

pub use file::{read, Asserted, Assertion, Case, Server, TestFile};

use crate::coverage::{Class, Classifier, Scratch};
use crate::diagnostic::{codes, Diagnostic};
use crate::plan::Plan;
use crate::source::{FileId, Span};

/// The outcome of one test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    pub name: String,
    pub passed: bool,
    /// Assertions that held.
    pub held: usize,
    /// Assertions that did not.
    pub failed: usize,
}

/// What a class is called in a test file and in messages.
pub fn class_word(c: Class) -> &'static str {
    match c {
        Class::Replicated => "replicated",
        Class::Excluded => "excluded",
        Class::Unprotected => "unprotected",
        Class::Outside => "outside",
        Class::Invalid => "not a path",
    }
}

fn failure(file: FileId, span: Span, message: String) -> Diagnostic {
    Diagnostic::new(codes::TEST_FAILED, message).at(file, span, "asserted here")
}

/// Hold one test's assertions against a server's plan (`None` when it could not be planned:
/// every assertion about the server then fails) and the findings reported for it.
pub fn run_case(
    file: FileId,
    case: &Case,
    plan: Option<&Plan>,
    findings: &[Diagnostic],
    out: &mut Vec<Diagnostic>,
) -> Outcome {
    let mut held = 0;
    let mut failed = 0;
    let server = plan.map_or_else(|| "the server".to_string(), |p| p.target.server.clone());
    let classifier = plan.map(Classifier::new);
    let mut scratch = Scratch::default();
    for a in &case.assertions {
        let problem: Option<Diagnostic> = match (&a.what, plan) {
            (Assertion::Class(want, path), Some(plan)) => {
                let c = classifier
                    .as_ref()
                    .map(|c| (c, c.classify(path, &mut scratch)));
                match c {
                    Some((_, v)) if v.class == *want => None,
                    Some((c, v)) => {
                        let by = v.rule.map(|r| &c.rules[r]);
                        let mut d = failure(
                            file,
                            a.span,
                            format!(
                                "`{path}` is {} on {server}, not {}",
                                class_word(v.class),
                                class_word(*want)
                            ),
                        );
                        if let Some(r) = by {
                            d = d.with_note(format!(
                                "by `{} '{}'` ({})",
                                r.kind, r.pattern, r.origin
                            ));
                        }
                        if let Some(redirected) = plan.redirected_key(path) {
                            d = d.with_note(format!(
                                "the application reads it as `{redirected}` (WOW64)"
                            ));
                        }
                        Some(d)
                    }
                    None => None,
                }
            }
            (Assertion::Service(name, want), Some(plan)) => {
                let has = plan
                    .ev
                    .services
                    .iter()
                    .any(|s| s.name.eq_ignore_ascii_case(name));
                (has != *want).then(|| {
                    failure(
                        file,
                        a.span,
                        if *want {
                            format!("service `{name}` is not protected on {server}")
                        } else {
                            format!("service `{name}` is protected on {server}")
                        },
                    )
                })
            }
            (Assertion::StartsBefore(first, then), Some(plan)) => {
                let pos = |n: &str| {
                    plan.start
                        .iter()
                        .position(|&i| plan.ev.services[i].name.eq_ignore_ascii_case(n))
                };
                match (pos(first), pos(then)) {
                    (Some(x), Some(y)) if x < y => None,
                    (Some(_), Some(_)) => Some(failure(
                        file,
                        a.span,
                        format!("`{then}` starts before `{first}` on {server}"),
                    )),
                    (None, _) => Some(failure(
                        file,
                        a.span,
                        format!("`{first}` is not started on {server}"),
                    )),
                    (_, None) => Some(failure(
                        file,
                        a.span,
                        format!("`{then}` is not started on {server}"),
                    )),
                }
            }
            (Assertion::Finding(code, want), _) => {
                let found: Vec<&Diagnostic> = findings.iter().filter(|d| d.code == *code).collect();
                match (found.first(), *want) {
                    (Some(_), true) | (None, false) => None,
                    (None, true) => Some(failure(
                        file,
                        a.span,
                        format!("{code} is not reported for {server}"),
                    )),
                    (Some(d), false) => {
                        let mut f = failure(
                            file,
                            a.span,
                            format!("{code} is reported for {server}: {}", d.message),
                        );
                        if let Some(p) = &d.primary {
                            f = f.with_label(p.file, p.span, "reported here");
                        }
                        Some(f)
                    }
                }
            }
            (_, None) => Some(failure(
                file,
                a.span,
                "not checked: the server could not be planned (its findings are above)".into(),
            )),
        };
        match problem {
            None => held += 1,
            Some(d) => {
                failed += 1;
                out.push(d.with_note(format!("in test `{}`", case.name)));
            }
        }
    }
    Outcome {
        name: case.name.clone(),
        passed: failed == 0,
        held,
        failed,
    }
}

/// The findings an assertion about findings is held against: everything the check of the
/// policy and the planning of the server reported, notes included.
pub fn pool(check: &[Diagnostic], server: &[Diagnostic]) -> Vec<Diagnostic> {
    check.iter().chain(server).cloned().collect()
}
