//! `allow AMXnnnn because "…"`: findings a policy acknowledges as documented known issues,
//! each in the scope its statement stands in — the whole policy, or the configurations where
//! its exception applies. An acknowledged finding is not reported as a diagnostic; it is kept
//! (with why) for summary.md and `amxc doc`. An `allow` that acknowledges nothing is reported,
//! as a linter reports an expectation that is no longer met.

use crate::ast::{Allow, Date, Item, Policy};
use crate::diagnostic::{codes, Code, Diagnostic};
use crate::source::{FileId, Span};

/// One `allow` statement of the policy.
#[derive(Clone, Debug)]
pub struct AllowRef {
    pub code: Code,
    pub because: String,
    pub span: Span,
    /// Index into `policy.exceptions`; `None` for the whole policy.
    pub exception: Option<usize>,
}

/// A finding acknowledged by an `allow`.
#[derive(Clone, Debug)]
pub struct Acknowledged {
    pub code: Code,
    /// Why, as the `allow` says.
    pub because: String,
    /// The `allow` statement.
    pub allow: Span,
    /// The release whose exception holds the `allow`; `None` for the whole policy.
    pub release: Option<Date>,
    /// The finding, with where it holds (`holds in N of M configurations, for example …`).
    pub finding: Diagnostic,
}

/// Whether a finding of `code` can be acknowledged: a finding over the configuration space
/// (not a policy that applies to none, nor an `allow` that acknowledges nothing).
pub fn allowable(code: Code) -> bool {
    (300..400).contains(&code.0) && code != codes::NO_CONFIGURATION && code != codes::UNUSED_ALLOW
}

/// Every `allow` of the policy whose code can be acknowledged, and a diagnostic for each that
/// names another code.
pub fn collect(policy: &Policy) -> (Vec<AllowRef>, Vec<Diagnostic>) {
    let mut refs = Vec::new();
    let mut out = Vec::new();
    let scoped = std::iter::once((&policy.base.allows, None)).chain(
        policy
            .exceptions
            .iter()
            .enumerate()
            .map(|(k, e)| (&e.body.allows, Some(k))),
    );
    for (allows, exception) in scoped {
        for a in allows {
            match resolve(policy.file, a) {
                Ok(code) => refs.push(AllowRef {
                    code,
                    because: a.value.because.value.clone(),
                    span: a.span,
                    exception,
                }),
                Err(d) => out.push(d),
            }
        }
    }
    (refs, out)
}

fn resolve(file: FileId, a: &Item<Allow>) -> Result<Code, Diagnostic> {
    let written = &a.value.code;
    let code = Code::parse(&written.text);
    match code {
        Some(c) if allowable(c) => Ok(c),
        _ => {
            let what = match code {
                Some(c) => format!(
                    "{c} ({}) is not a finding over the configuration space",
                    c.info().title
                ),
                None => format!("amxc has no code {}", written.text),
            };
            Err(Diagnostic::new(
                codes::INVALID_ALLOW,
                format!("`allow {}` cannot acknowledge anything: {what}", written.text),
            )
            .at(file, written.span, "not an acknowledgeable finding")
            .with_help("name the AMX03xx code of the finding to acknowledge; `amxc explain CODE` says what each means"))
        }
    }
}

/// The warning for an `allow` that acknowledged no finding in any configuration of its scope.
pub fn unused(file: FileId, a: &AllowRef, policy: &Policy) -> Diagnostic {
    let scope = match a.exception {
        Some(k) => format!("where exception {} applies", policy.exceptions[k].release),
        None => "in any configuration".to_string(),
    };
    Diagnostic::new(
        codes::UNUSED_ALLOW,
        format!(
            "`allow {}` acknowledges no finding: none arises {scope}",
            a.code
        ),
    )
    .at(file, a.span, "acknowledges nothing")
    .with_help("remove the statement, or correct its code")
}
