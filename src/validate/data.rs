//! Filter findings in one group of configurations, from what [`Holding`] says the product makes
//! of each data rule there.

use crate::ast::DataRule;
use crate::diagnostic::{codes, Diagnostic};
use crate::lower::{pattern_kind, Env, Resolver};
use crate::relate::{DataRef, Holding, Relations, Role, WriteRef};
use rustc_hash::FxHashMap as HashMap;

/// What holds in one group of configurations: the data rules `active` selects, and the
/// written patterns `writes_active` selects.
pub struct Active<'a, 'p> {
    pub items: &'a [DataRef<'p>],
    pub active: &'a [bool],
    pub writes: &'a [WriteRef<'p>],
    pub writes_active: &'a [bool],
}

/// The findings in a group of configurations where `on`'s rules hold: `env` is one of them,
/// `veto` the vetoed inclusions of its path environment.
pub fn check(
    rel: &Relations,
    env: &Env,
    veto: &HashMap<usize, String>,
    danger: &HashMap<usize, (String, &'static str)>,
    on: &Active,
    out: &mut Vec<Diagnostic>,
) {
    let (items, active) = (on.items, on.active);
    let file = rel.policy().file;
    let n = items.len();
    let here = Holding::new(rel, active);
    let has_exclusions = env.has_exclusions();
    let span = |i: usize| items[i].item.value.pattern().span;
    let resolver = std::cell::OnceCell::new();
    let pat = |i: usize| {
        let r = resolver.get_or_init(|| Resolver::new(rel.policy(), env));
        let rule = &items[i].item.value;
        r.pattern(pattern_kind(rule), rule.pattern())
            .map_or(String::new(), |p| p.display)
    };
    for i in 0..n {
        if active[i] {
            if let Some(d) = rel.problem_of(i) {
                out.push(d.clone());
            }
        }
        if !here.on(i) {
            continue;
        }
        match rel.role(i) {
            Role::Include => {
                if let Some(reason) = veto.get(&i) {
                    out.push(
                        Diagnostic::new(codes::VETOED_INCLUSION, format!("inclusion `{}` covers {reason}", pat(i)))
                            .at(file, span(i), "the product vetoes this filter")
                            .with_note("a vetoed filter is refused even when an exclusion would remove the offending part")
                            .with_help("include the application's own folders instead"),
                    );
                } else if let Some((root, why)) = danger
                    .get(&i)
                    .filter(|_| !own_service_parameters(&pat(i), rel.policy()))
                {
                    out.push(
                        Diagnostic::new(codes::DANGEROUS_INCLUSION, format!("inclusion `{}` reaches into `{root}`: {why}", pat(i)))
                            .at(file, span(i), "should not be replicated")
                            .with_note("the engine accepts it, but the passive's own copy would be overwritten")
                            .with_help("include the application's own files and keys instead"),
                    );
                }
                // an exception that overrides the base says so on purpose
                if here.overrides(i) || here.carved(i) {
                    continue;
                }
                if let Some(j) = here.covering(i) {
                    let same = rel.segs(j) == rel.segs(i);
                    let msg = if same {
                        format!("inclusion `{}` is given twice", pat(i))
                    } else {
                        format!("inclusion `{}` is covered by `{}`", pat(i), pat(j))
                    };
                    out.push(
                        Diagnostic::new(codes::REDUNDANT_INCLUSION, msg)
                            .at(file, span(i), "redundant")
                            .with_label(file, span(j), "covered by this inclusion")
                            .with_help("remove the covered inclusion"),
                    );
                }
            }
            Role::Exclude => {
                if here.inside(i).is_none() {
                    out.push(
                        Diagnostic::new(codes::EXCLUSION_NOT_EFFECTIVE, format!("exclusion `{}` lies in no inclusion", pat(i)))
                            .at(file, span(i), "excludes nothing that is included")
                            .with_note("the product reports such a filter as NotSubsetOfInclusion and ignores it")
                            .with_help("remove the exclusion, or include the folder it narrows"),
                    );
                }
                if let Some(j) = here.same_base_include(i, items) {
                    out.push(
                        Diagnostic::new(
                            codes::CONTRADICTION,
                            format!("`{}` is both included and excluded", pat(i)),
                        )
                        .at(file, span(i), "excluded here")
                        .with_label(file, span(j), "included here")
                        .with_help("keep one; only an exception may override the base policy"),
                    );
                }
                if !has_exclusions && env.engine.maps(crate::engine::Feature::Exclusions) {
                    out.push(
                        Diagnostic::new(codes::EXCLUSION_UNSUPPORTED, format!("exclusion `{}` in a configuration with heartbeat {}", pat(i), env.heartbeat_text()))
                            .at(file, span(i), "Heartbeat 5.2 and earlier have no exclusion filters")
                            .with_note("the exclusion would be ignored and the data replicated")
                            .with_help("condition the exclusion with `when heartbeat >= 5.3`, or restructure the inclusions"),
                    );
                }
            }
            Role::Unprotected => {
                if items[i].exception.is_some() || here.excluded(i) {
                    continue;
                }
                let because = match &items[i].item.value {
                    DataRule::Unprotected { because, .. } => because.value.clone(),
                    DataRule::Filter { .. } => String::new(),
                };
                for j in here.overlapping_base_includes(i, items) {
                    out.push(
                        Diagnostic::new(codes::COVERS_UNPROTECTED, format!("inclusion `{}` replicates data declared unprotected", pat(j)))
                            .at(file, span(j), "includes unprotected data")
                            .with_label(file, span(i), format!("declared unprotected because {because}"))
                            .with_help("narrow the inclusion, exclude the unprotected data, or move the inclusion into an exception"),
                    );
                }
            }
            Role::SnapshotInclude => {
                let unprotected = here.snapshot_unprotected(i);
                if unprotected.is_none() && !here.snapshot_unreplicated(i) {
                    continue;
                }
                let mut d = match unprotected {
                    Some(u) => Diagnostic::new(
                        codes::SNAPSHOT_UNPROTECTED,
                        format!("snapshot `{}` holds data declared unprotected", pat(i)),
                    )
                    .at(file, span(i), "snapshots unprotected data")
                    .with_label(file, span(u), "declared unprotected here"),
                    None => Diagnostic::new(
                        codes::SNAPSHOT_UNPROTECTED,
                        format!("snapshot `{}` holds data that is not replicated", pat(i)),
                    )
                    .at(
                        file,
                        span(i),
                        "no inclusion that holds here covers it",
                    ),
                };
                d = d.with_note("the Data Rollback Module snapshots protected data only");
                out.push(d.with_help(
                    "condition the snapshot on the configurations where its data is protected, or include the data",
                ));
            }
            Role::SnapshotExclude => {}
        }
    }
    for r in crate::relate::replicated(rel, &here, env, on.writes, on.writes_active, out) {
        let w = &on.writes[r.write];
        let mut label = format!("written on the passive by {}", w.who());
        if let Some(b) = w.because() {
            label.push_str(&format!(": {b}"));
        }
        out.push(
            crate::diagnostic::findings::written_on_passive({
                let by = pat(r.include);
                if by == r.written.display {
                    format!("`{by}` is written on the passive and replicated")
                } else {
                    format!(
                        "`{}` is written on the passive and replicated by `{by}`",
                        r.written.display
                    )
                }
            })
            .at(file, w.pattern.span, label)
            .with_label(file, span(r.include), "replicates it from the active"),
        );
    }
}

/// Whether `pattern` lies in a protected service's own `Parameters` key: the application's
/// settings (ports, paths) that the services block cannot set, not the server's configuration.
fn own_service_parameters(pattern: &str, policy: &crate::ast::Policy) -> bool {
    crate::engine::windows::service_parameters_of(pattern).is_some_and(|service| {
        super::declared_services(policy).contains(&service.to_ascii_lowercase())
    })
}
