//! `amxc plan` and the switchover budget: the shipped policies' plans (snapshotted), and
//! properties of generated policies — the worst case is the sum of the steps, raising one
//! timeout by d moves it by exactly d, and the stop order is the exact reverse of the start
//! order in every configuration.

use crate::support::snapshot_settings;
use amxc::driver::load::with_plan;
use amxc::source::SourceMap;
use std::path::Path;

const SMALL: &str = "tests/fixtures/diagnostics/small.versions.yaml";

/// `f` applied to the plan of `policy` for one server.
fn planned<R>(
    policy: &Path,
    matrix: Option<&Path>,
    target: &Path,
    f: impl FnOnce(&amxc::plan::Plan) -> R,
) -> R {
    let mut sources = SourceMap::new();
    let (r, ds) = with_plan(&mut sources, policy, matrix, target, None, f)
        .expect("read")
        .into_parts();
    r.unwrap_or_else(|| panic!("{}", crate::support::short(&sources, &ds)))
}

#[test]
fn every_shipped_server_has_its_switchover_plan_snapshotted() {
    let mut n = 0;
    for policy in crate::support::files("policies", "amx") {
        let stem = policy
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        for target in crate::support::files(&format!("policies/targets/{stem}"), "yaml") {
            let (md, json, server) = planned(&policy, None, &target, |p| {
                (
                    amxc::emit::switchover::markdown(p),
                    amxc::emit::switchover::json(p),
                    p.target.server.clone(),
                )
            });
            let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
            let sum: u64 = doc["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .map(|s| s["seconds"].as_u64().unwrap_or(0))
                .sum();
            assert_eq!(doc["worst_case_seconds"].as_u64(), Some(sum), "{server}");
            assert_eq!(doc["format_version"], 1);
            snapshot_settings(Path::new("policies")).bind(|| {
                insta::assert_snapshot!(format!("plan@{stem}-{server}.md"), md);
                insta::assert_snapshot!(format!("plan@{stem}-{server}.json"), json);
            });
            n += 1;
        }
    }
    assert!(n >= 7);
}

/// A generated module: services in declaration order, each with optional start and stop
/// timeouts (minutes) and `after` edges to earlier services (some only on x64), and tasks
/// around start and stop.
/// A generated service: start and stop timeouts in minutes, and `after` edges (the earlier
/// service, whether only on x64).
type GenService = (Option<u64>, Option<u64>, Vec<(usize, bool)>);

#[derive(Clone, Debug)]
struct Module {
    services: Vec<GenService>,
    tasks: Vec<(&'static str, Option<u64>)>,
}

impl Module {
    fn text(&self) -> String {
        let mut s = String::from("amx \"fixture\" {\n    versions 2007-07-11\n    services {\n");
        for (i, (start, stop, after)) in self.services.iter().enumerate() {
            s.push_str(&format!("        service S{i} {{\n"));
            if let Some(m) = start {
                s.push_str(&format!("            start-timeout {m}m\n"));
            }
            if let Some(m) = stop {
                s.push_str(&format!("            stop-timeout {m}m\n"));
            }
            for (j, x64) in after {
                s.push_str(&format!(
                    "            after S{j}{}\n",
                    if *x64 { " when arch == x64" } else { "" }
                ));
            }
            s.push_str("        }\n");
        }
        s.push_str("    }\n    tasks {\n");
        for (k, (at, timeout)) in self.tasks.iter().enumerate() {
            s.push_str(&format!("        task \"T{k}\" {{\n            at {at}\n            run 'C:\\Tools\\t.exe'\n"));
            if let Some(m) = timeout {
                s.push_str(&format!("            timeout {m}m\n"));
            }
            s.push_str("        }\n");
        }
        s.push_str("    }\n}\n");
        s
    }
}

/// The switchover of `m` on an x86 and an x64 server: (worst case, stop order, start order).
fn switchovers(m: &Module) -> Vec<(u64, u64, Vec<String>, Vec<String>)> {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("p.amx");
    std::fs::write(&p, m.text()).expect("write");
    ["x86", "x64"]
        .iter()
        .map(|arch| {
            let t = dir.path().join(format!("{arch}.yaml"));
            std::fs::write(&t, format!("server: S-{arch}\nversion: 2007-07-11\napp: \"6.0\"\narch: {arch}\nheartbeat: \"6.0\"\n")).expect("write");
            planned(&p, Some(Path::new(SMALL)), &t, |plan| {
                let sw = plan.switchover.switchover.clone();
                let names = |phase| {
                    sw.steps
                        .iter()
                        .filter(|s| s.phase == phase && s.kind == "service")
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>()
                };
                let sum = sw.steps.iter().map(|s| s.seconds).sum();
                (
                    sw.worst_case(),
                    sum,
                    names(amxc::model::timeline::Phase::Stop),
                    names(amxc::model::timeline::Phase::Start),
                )
            })
        })
        .collect()
}

mod property {
    use super::*;
    use proptest::prelude::*;

    fn module() -> impl Strategy<Value = Module> {
        let minutes = proptest::option::of(1u64..30);
        let service = (
            minutes.clone(),
            minutes.clone(),
            proptest::collection::vec((0usize..8, any::<bool>()), 0..3),
        );
        let task = (
            prop_oneof![
                Just("prestart"),
                Just("poststart"),
                Just("prestop"),
                Just("poststop")
            ],
            minutes,
        );
        (
            proptest::collection::vec(service, 1..7),
            proptest::collection::vec(task, 0..4),
        )
            .prop_map(|(mut services, tasks)| {
                // `after` names earlier services only: no cycles
                for (i, s) in services.iter_mut().enumerate() {
                    s.2.retain(|(j, _)| *j < i);
                    s.2.dedup_by_key(|(j, _)| *j);
                }
                Module { services, tasks }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_worst_case_is_the_sum_and_stop_is_the_reverse_of_start(m in module()) {
            for (worst, sum, stop, start) in switchovers(&m) {
                prop_assert_eq!(worst, sum);
                let mut reversed = stop.clone();
                reversed.reverse();
                prop_assert_eq!(reversed, start);
                prop_assert_eq!(stop.len(), m.services.len());
            }
        }

        #[test]
        fn raising_one_timeout_by_d_moves_the_worst_case_by_d(m in module(), pick in 0usize..64, d in 1u64..20, which in 0usize..3) {
            let before = switchovers(&m);
            let mut raised = m.clone();
            // one service's start or stop timeout, or one task's, by d minutes (from the
            // 5-minute default when the policy gives none)
            match which {
                0 | 1 => {
                    let i = pick % raised.services.len();
                    let t = if which == 0 { &mut raised.services[i].0 } else { &mut raised.services[i].1 };
                    *t = Some(t.unwrap_or(5) + d);
                }
                _ if !raised.tasks.is_empty() => {
                    let i = pick % raised.tasks.len();
                    raised.tasks[i].1 = Some(raised.tasks[i].1.unwrap_or(5) + d);
                }
                _ => return Ok(()),
            }
            let after = switchovers(&raised);
            for (b, a) in before.iter().zip(&after) {
                prop_assert_eq!(a.0, b.0 + d * 60, "{}", raised.text());
            }
        }
    }
}

#[test]
fn a_configuration_over_budget_is_an_error_naming_the_longest_steps() {
    let (sources, ds) = crate::support::check_text(
        "// matrix: small.versions.yaml\namx \"fixture\" {\n    versions 2007-07-11\n    switchover within 12m\n    services {\n        service Db { start-timeout 10m; stop-timeout 1m }\n        service Web { after Db; start-timeout 1m; stop-timeout 1m }\n    }\n}\n",
    );
    let text = crate::support::short(&sources, &ds);
    assert!(
        text.contains("error[AMX0316]: a switchover can take 13m, more than the budget of 12m"),
        "{text}"
    );
    let d = ds.iter().find(|d| d.code.0 == 316).expect("AMX0316");
    assert_eq!(d.secondary[0].message, "start service `Db`: up to 10m");
    // within budget: nothing
    let (_, ds) = crate::support::check_text(
        "// matrix: small.versions.yaml\namx \"fixture\" {\n    versions 2007-07-11\n    switchover within 13m\n    services {\n        service Db { start-timeout 10m; stop-timeout 1m }\n        service Web { after Db; start-timeout 1m; stop-timeout 1m }\n    }\n}\n",
    );
    assert!(!ds.iter().any(|d| d.code.0 == 316));
}

#[test]
fn each_role_brings_every_service_to_its_stated_state_and_leaves_unmanaged_ones_alone() {
    let dir = Path::new("tests/fixtures/roles");
    let (roles, files) = planned(&dir.join("roles.amx"), None, &dir.join("R2003.yaml"), |p| {
        let name = |i: usize| p.ev.services[i].name.clone();
        let steps = |s: &[amxc::model::ServiceStep]| -> Vec<String> {
            s.iter()
                .map(|st| {
                    format!(
                        "{} {} ({} s)",
                        st.change.as_str(),
                        name(st.service),
                        st.seconds
                    )
                })
                .collect()
        };
        let configure: Vec<String> = p.roles.configure.iter().map(|&i| name(i)).collect();
        let c = amxc::emit::render(
            p,
            amxc::emit::Options {
                scripts: amxc::emit::ScriptKind::Both,
                json: false,
                allow_lossy: false,
            },
        );
        (
            (
                configure,
                steps(&p.roles.to_active),
                steps(&p.roles.to_passive),
            ),
            c.files,
        )
    });
    assert_eq!(roles.0, ["Db", "Web", "Backup"], "Dtc is `manage no`");
    assert_eq!(
        roles.1,
        ["stop Backup (10 s)", "start Db (300 s)", "start Web (15 s)"],
        "becoming active"
    );
    assert_eq!(
        roles.2,
        ["stop Web (300 s)", "stop Db (20 s)", "start Backup (10 s)"],
        "becoming passive"
    );
    for name in ["configure.cmd", "configure.ps1"] {
        assert!(!files[name].contains("Dtc"), "{name} touches Dtc");
    }
    snapshot_settings(dir).bind(|| {
        for name in ["start.cmd", "stop.cmd", "start.ps1", "stop.ps1"] {
            insta::assert_snapshot!(format!("roles-{name}"), files[name]);
        }
    });
}

#[test]
fn a_service_an_exception_declares_starts_from_the_base_blocks_defaults() {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("p.amx");
    std::fs::write(
        &p,
        "amx \"fixture\" {\n    versions 2007-07-11\n    services {\n        startup manual\n        on-failure recover-service, recover-service, switchover\n        service Db \"Database\"\n    }\n    exception 2007-07-11 {\n        services {\n            service Db2 \"Replacement database\"\n            service Web \"Web\" {\n                on-failure log-warning\n            }\n        }\n    }\n}\n",
    )
    .expect("policy");
    let t = dir.path().join("APP01.yaml");
    std::fs::write(
        &t,
        "server: APP01\nversion: 2007-07-11\napp: \"6.0\"\narch: x64\nheartbeat: \"6.0\"\nos: \"2008 R2\"\n",
    )
    .expect("target");
    let got = planned(&p, Some(Path::new(SMALL)), &t, |plan| {
        plan.ev
            .services
            .iter()
            .map(|s| {
                let actions: Vec<String> = s
                    .on_failure
                    .iter()
                    .map(amxc::lower::switchover::action_word)
                    .collect();
                format!("{} {:?} {}", s.name, s.startup, actions.join(","))
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(
        got,
        [
            "Db Manual recover-service,recover-service,switchover",
            // inherited: the replacement service kept the base block's failure actions
            "Db2 Manual recover-service,recover-service,switchover",
            // its own list wins
            "Web Manual log-warning",
        ]
    );
}
