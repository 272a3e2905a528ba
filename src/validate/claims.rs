//! The policy's claims against the matrix: its releases and `supports`, giving the
//! configuration space to check; superseded releases as advisories.

use crate::ast::Policy;
use crate::diagnostic::{codes, Diagnostic};
use crate::matrix::{enumerate, Claims, Matrix, Space};

/// The configuration space of `policy`, with the diagnostics of its claims.
pub fn space(policy: &Policy, m: &Matrix) -> (Option<Space>, Vec<Diagnostic>) {
    let file = policy.file;
    let mut out = Vec::new();
    let claims = Claims::of(policy, m);
    for s in &policy.supports {
        let Some(di) = m.dimension(&s.value.dimension.text) else {
            continue;
        };
        for v in &s.value.values {
            let Some(vi) = m.dimensions[di].value_index(&v.text) else {
                continue;
            };
            let supported = claims.releases.iter().any(|&r| m.supports(r, di, vi));
            let platform = m.platforms.is_empty()
                || m.platforms
                    .iter()
                    .any(|p| p.allowed_for(di).is_none_or(|a| a.contains(&vi)));
            if !supported || !platform {
                let why = if !supported {
                    "no release of the policy supports it in the version matrix"
                } else {
                    "no platform combination of the version matrix has it"
                };
                out.push(
                    Diagnostic::new(
                        codes::SUPPORTS_CONTRADICTED,
                        format!(
                            "the policy claims `{} {}`, but {why}",
                            s.value.dimension.text, v.text
                        ),
                    )
                    .at(file, v.span, "claim the matrix contradicts")
                    .with_label(m.file, m.dimensions[di].span, "the dimension in the matrix")
                    .with_help("remove the claim, or add support for it to the matrix"),
                );
            }
        }
    }
    for d in policy.versions.iter().flat_map(|v| v.value.iter()) {
        let Some(r) = m.release(d) else { continue };
        if let Some(succ) = m.releases[r].superseded_by {
            let mut diag = Diagnostic::new(
                codes::SUPERSEDED_RELEASE,
                format!("release {d} is superseded by {succ}"),
            )
            .at(file, d.span, format!("superseded by {succ}"))
            .with_label(m.file, succ.span, "the matrix names the successor here");
            for issue in &m.releases[r].known_issues {
                diag = diag.with_note(format!("known issue of {d}: {issue}"));
            }
            out.push(diag.with_help(format!("servers running {d} should be upgraded to {succ}")));
        }
    }
    match enumerate(m, &claims, (file, policy.id.span)) {
        Ok(space) => {
            if space.configs.is_empty() && policy.versions.is_some() {
                out.push(
                    Diagnostic::new(codes::NO_CONFIGURATION, format!("policy `{}` applies to no configuration of the version matrix", policy.id.text))
                        .at(file, policy.id.span, "nothing to check or compile")
                        .with_help("check `versions` and `supports` against the matrix's releases and platforms"),
                );
            }
            (Some(space), out)
        }
        Err(d) => {
            out.push(d);
            (None, out)
        }
    }
}
