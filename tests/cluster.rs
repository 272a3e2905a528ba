//! The failover-clustering engine (`--engine wsfc`): every shipped policy compiled for every
//! shipped server as a cluster role (snapshotted), losses that stop compilation unless
//! allowed, the restart policy that failure actions become, engines per release in the
//! matrix, checks that belong to one engine, and the mapping table in the docs.

use crate::support::{short, snapshot_settings};
use amxc::driver::fleet::{compile_fleet, FleetArgs, FleetReport};
use amxc::emit::{Options, ScriptKind};
use amxc::engine::wsfc::{Fidelity, MAPPING};
use amxc::source::SourceMap;
use std::path::{Path, PathBuf};

const SMALL: &str = "tests/fixtures/diagnostics/small.versions.yaml";

fn fleet(
    policy: &Path,
    matrix: Option<&Path>,
    targets: Vec<PathBuf>,
    out: &Path,
    allow_lossy: bool,
    check: bool,
) -> (SourceMap, FleetReport) {
    fleet_with(
        policy,
        matrix,
        targets,
        out,
        allow_lossy,
        check,
        ScriptKind::Auto,
    )
}

fn fleet_with(
    policy: &Path,
    matrix: Option<&Path>,
    targets: Vec<PathBuf>,
    out: &Path,
    allow_lossy: bool,
    check: bool,
    scripts: ScriptKind,
) -> (SourceMap, FleetReport) {
    let mut sources = SourceMap::new();
    let args = FleetArgs {
        policy,
        matrix,
        targets,
        out,
        options: Options {
            scripts,
            json: false,
            allow_lossy,
        },
        check,
        keep: true,
        engine: Some(&amxc::engine::Wsfc),
        partition: None,
    };
    let r = compile_fleet(&mut sources, &args).unwrap_or_else(|e| panic!("{e}"));
    (sources, r)
}

/// A policy and one x64 server of the small matrix, in a folder of their own.
fn one_server(policy: &str, target_extra: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let p = dir.path().join("p.amx");
    std::fs::write(&p, policy).expect("write");
    let t = dir.path().join("APP01.yaml");
    std::fs::write(
        &t,
        format!("server: APP01\nversion: 2007-07-11\napp: \"6.0\"\narch: x64\nheartbeat: \"6.0\"\nos: \"2008 R2\"\n{target_extra}"),
    )
    .expect("write");
    (dir, p, t)
}

/// One server of the small matrix compiled into `dir/out`, losses allowed.
fn on_small(dir: &tempfile::TempDir, policy: &Path, target: PathBuf) -> (SourceMap, FleetReport) {
    fleet(
        policy,
        Some(Path::new(SMALL)),
        vec![target],
        &dir.path().join("out"),
        true,
        false,
    )
}

/// A client access point and a disk: what a role needs so that nothing is lost.
const ACCESS_POINT: &str =
    "cluster:\n  network_name: APPCLUS\n  ip: [\"192.0.2.50/24\"]\n  disks: [\"Cluster Disk 2\"]\n";

const CLEAN: &str = r#"amx "fixture" {
    versions 2007-07-11
    services {
        service 'AppDb' 'App Database' { on-failure recover-service, recover-service, switchover }
        service 'AppWeb' { after AppDb; on-failure recover-service, recover-service, switchover; start-timeout 2m; stop-timeout 2m }
    }
    data {
        registry include 'HKLM\SOFTWARE\Vendor\App\**'
        unprotected 'C:\Temp\**' because "scratch space"
    }
}
"#;

#[test]
fn every_shipped_policy_compiles_into_a_cluster_role_for_every_shipped_server() {
    let mut servers = 0;
    for policy in crate::support::files("policies", "amx") {
        let stem = policy
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let targets = crate::support::files(&format!("policies/targets/{stem}"), "yaml");
        let out = tempfile::tempdir().expect("temp");
        // both scripts, so that each is reviewed for every server
        let (sources, r) = fleet_with(
            &policy,
            None,
            targets.clone(),
            out.path(),
            true,
            false,
            ScriptKind::Both,
        );
        let errors: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        if stem == "sql-server" {
            // SQL Server is clustered as a failover cluster instance, never as Generic Services
            assert!(r.compiled.is_empty());
            assert!(
                !errors.is_empty() && errors.iter().all(|d| d.code.0 == 413),
                "{}",
                short(&sources, &errors)
            );
            assert!(errors.iter().all(|d| d
                .notes
                .iter()
                .any(|n| n.contains("failover cluster instance"))));
            continue;
        }
        assert!(errors.is_empty(), "{}", short(&sources, &errors));
        assert_eq!(r.compiled.len(), targets.len(), "{}", policy.display());
        for c in &r.compiled {
            servers += 1;
            let names: Vec<&str> = c.files.keys().map(String::as_str).collect();
            assert!(
                names.contains(&"cluster.yaml") && names.contains(&"summary.md"),
                "{names:?}"
            );
            assert!(
                names.contains(&"cluster.ps1") && names.contains(&"cluster.cmd"),
                "{names:?}"
            );
            for (name, text) in &c.files {
                snapshot_settings(Path::new("policies")).bind(|| {
                    insta::assert_snapshot!(format!("cluster@{stem}-{}-{name}", c.server), text);
                });
            }
        }
    }
    assert!(servers >= 5);
}

#[test]
fn a_lossy_role_is_an_error_and_writes_nothing_unless_allowed() {
    let policy = Path::new("policies/symantec-mail-security.amx");
    let targets = crate::support::files("policies/targets/symantec-mail-security", "yaml");
    let out = tempfile::tempdir().expect("temp");
    let dest = out.path().join("out");
    let (sources, r) = fleet(policy, None, targets.clone(), &dest, false, false);
    assert!(r.compiled.is_empty());
    assert!(!dest.join("EXCH01").exists(), "nothing may be written");
    let lossy: Vec<_> = r.diagnostics.iter().filter(|d| d.code.0 == 412).collect();
    assert!(lossy.iter().all(|d| d.is_error()));
    let text = short(&sources, &r.diagnostics);
    assert!(text.contains("files include"), "{text}");
    assert!(
        text.contains("prestart task 'LiveUpdate' is dropped"),
        "{text}"
    );
    // allowed: warnings, and the summary lists every loss
    let (_, r) = fleet(policy, None, targets, &dest, true, false);
    assert_eq!(r.compiled.len(), 4);
    assert!(r
        .diagnostics
        .iter()
        .filter(|d| d.code.0 == 412)
        .all(|d| !d.is_error()));
    let summary = &r.compiled[0].files["summary.md"];
    assert!(
        summary.contains("## Not carried out as written"),
        "{summary}"
    );
    assert!(
        summary.contains("| dropped | prestart task 'LiveUpdate' |"),
        "{summary}"
    );
    assert!(dest.join("EXCH01/cluster.yaml").exists());
}

#[test]
fn a_policy_the_cluster_carries_out_whole_needs_no_permission() {
    let (dir, p, t) = one_server(CLEAN, ACCESS_POINT);
    let out = dir.path().join("out");
    let (sources, r) = fleet(&p, Some(Path::new(SMALL)), vec![t], &out, false, false);
    let shown: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity != amxc::diagnostic::Severity::Note)
        .cloned()
        .collect();
    assert!(shown.is_empty(), "{}", short(&sources, &shown));
    let c = &r.compiled[0];
    // 2008 R2 has the FailoverClusters module
    assert!(c.files.contains_key("cluster.ps1") && !c.files.contains_key("cluster.cmd"));
    let yaml = &c.files["cluster.yaml"];
    let doc: serde_yaml::Value = serde_yaml::from_str(yaml).expect("yaml");
    let res = &doc["resources"];
    // resources are named by their service, which a display name's change does not move
    assert_eq!(res[0]["name"].as_str(), Some("AppDb"));
    assert_eq!(res[1]["name"].as_str(), Some("AppWeb"));
    // every service after the client access point and the disks, then its own order
    let deps = |i: usize| -> Vec<String> {
        res[i]["depends_on"]
            .as_sequence()
            .map(|v| {
                v.iter()
                    .filter_map(|d| d.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(deps(0), ["APPCLUS", "Cluster Disk 2"]);
    assert_eq!(deps(1), ["APPCLUS", "Cluster Disk 2", "AppDb"]);
    assert_eq!(doc["network_name"].as_str(), Some("APPCLUS"));
    assert_eq!(doc["addresses"][0].as_str(), Some("192.0.2.50/24"));
    assert_eq!(doc["role"].as_str(), Some("APPCLUS"));
    // recover, recover, switchover: two restarts, then the role fails over
    assert_eq!(res[1]["restart_action"].as_u64(), Some(2));
    assert_eq!(res[1]["restart_threshold"].as_u64(), Some(2));
    assert_eq!(res[1]["pending_timeout_ms"].as_u64(), Some(120_000));
    assert_eq!(
        res[0]["pending_timeout_ms"].as_u64(),
        Some(180_000),
        "the cluster's default"
    );
    // a 32-bit application on x64? the small matrix's app is 64-bit here: the key as written
    assert_eq!(
        doc["checkpoints"][0]["key"].as_str(),
        Some(r"SOFTWARE\Vendor\App")
    );
    assert_eq!(doc["checkpoints"][0]["resource"].as_str(), Some("AppDb"));
    assert_eq!(doc["not_mapped"].as_sequence().map_or(0, Vec::len), 0);
    let ps1 = &c.files["cluster.ps1"];
    // dependencies are added, never set: what an administrator added stays
    assert!(
        ps1.contains(
            "Add-AmxDependencies -Name 'AppWeb' -Providers @('APPCLUS', 'Cluster Disk 2', 'AppDb')"
        ),
        "{ps1}"
    );
    assert!(!ps1.contains("Set-ClusterResourceDependency"), "{ps1}");
    assert!(
        ps1.contains("Get-AmxGroup -Name 'APPCLUS' -NetworkName 'APPCLUS' -Addresses @('192.0.2.50') -Disks @('Cluster Disk 2') -Existing $false"),
        "{ps1}"
    );
    assert!(
        ps1.contains("Set-AmxCheckpoints -Name 'AppDb' -Keys @('SOFTWARE\\Vendor\\App')"),
        "{ps1}"
    );
    assert!(ps1.contains("param([switch]$Prune)"), "{ps1}");
    // the same input gives the same bytes
    let (_, again) = fleet(
        &p,
        Some(Path::new(SMALL)),
        vec![dir.path().join("APP01.yaml")],
        &out,
        false,
        true,
    );
    assert!(
        again.stale.is_empty(),
        "a second compile is not stale: {:?}",
        again.stale
    );
}

/// The restart policy and losses one `on-failure` list becomes.
fn failure_mapping(list: &str) -> (u64, u64, Vec<String>) {
    let policy = format!("amx \"fixture\" {{\n    versions 2007-07-11\n    services {{\n        service 'App' {{ {list} }}\n    }}\n}}\n");
    let (dir, p, t) = one_server(&policy, ACCESS_POINT);
    let (sources, r) = on_small(&dir, &p, t);
    let c = r
        .compiled
        .first()
        .unwrap_or_else(|| panic!("{}", short(&sources, &r.diagnostics)));
    let doc: serde_yaml::Value = serde_yaml::from_str(&c.files["cluster.yaml"]).expect("yaml");
    let res = &doc["resources"][0];
    let losses = doc["not_mapped"]
        .as_sequence()
        .map(|s| {
            s.iter()
                .map(|l| {
                    format!(
                        "{} {}",
                        l["fidelity"].as_str().unwrap_or(""),
                        l["how"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (
        res["restart_action"].as_u64().unwrap_or(99),
        res["restart_threshold"].as_u64().unwrap_or(99),
        losses,
    )
}

#[test]
fn failure_actions_become_the_restart_policy_microsoft_documents() {
    assert_eq!(
        failure_mapping("on-failure recover-service, recover-service, switchover"),
        (2, 2, vec![])
    );
    assert_eq!(failure_mapping("on-failure switchover"), (2, 0, vec![]));
    assert_eq!(
        failure_mapping("on-failure recover-service"),
        (1, 1, vec![])
    );
    assert_eq!(failure_mapping(""), (0, 0, vec![]));
    let (a, t, l) = failure_mapping("on-failure log-warning, recover-service");
    assert_eq!((a, t), (1, 1));
    assert!(l.len() == 1 && l[0].starts_with("approximated"), "{l:?}");
    let (a, t, l) = failure_mapping("on-failure switchover, recover-service");
    assert_eq!((a, t), (2, 0));
    assert!(
        l.len() == 1 && l[0].starts_with("dropped never reached"),
        "{l:?}"
    );
}

#[test]
fn a_release_that_does_not_run_on_the_engine_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let matrix = std::fs::read_to_string(SMALL).expect("matrix").replace(
        "  \"2007-07-11\":\n",
        "  \"2007-07-11\":\n    engines: [neverfail]\n",
    );
    assert!(
        matrix.contains("engines: [neverfail]"),
        "the fixture changed"
    );
    let m = dir.path().join("m.versions.yaml");
    std::fs::write(&m, matrix).expect("write");
    let (d2, p, t) = one_server(CLEAN, "engine: wsfc\n");
    let (sources, r) = fleet(&p, Some(&m), vec![t], &d2.path().join("out"), true, false);
    assert!(r.compiled.is_empty());
    let text = short(&sources, &r.diagnostics);
    assert!(
        text.contains("error[AMX0403]: release 2007-07-11 does not run on engine `wsfc`"),
        "{text}"
    );
    assert!(
        text.contains("APP01.yaml:7:"),
        "points at the profile's engine: {text}"
    );
}

#[test]
fn checks_of_the_replication_engine_do_not_run_for_a_release_only_clusters_run() {
    let vetoed = "// matrix: small.versions.yaml\namx \"fixture\" {\n    versions 2007-07-11\n    data {\n        files include 'C:\\Windows\\System32\\**'\n    }\n}\n";
    let (_, ds) = crate::support::check_text(vetoed);
    assert!(
        ds.iter().any(|d| d.is_error()),
        "vetoed for the replication engine"
    );
    // the same policy where 2007-07-11 runs on clusters only
    let dir = tempfile::tempdir().expect("temp");
    let matrix = std::fs::read_to_string(SMALL).expect("matrix").replace(
        "  \"2007-07-11\":\n",
        "  \"2007-07-11\":\n    engines: [wsfc]\n",
    );
    std::fs::write(dir.path().join("p.versions.yaml"), matrix).expect("write");
    std::fs::write(
        dir.path().join("p.amx"),
        vetoed.lines().skip(1).collect::<Vec<_>>().join("\n"),
    )
    .expect("write");
    let (sources, ds) = crate::support::check_file(&dir.path().join("p.amx"));
    let errors: Vec<_> = ds.iter().filter(|d| d.is_error()).cloned().collect();
    assert!(errors.is_empty(), "{}", short(&sources, &errors));
}

#[test]
fn an_unknown_engine_is_named_in_the_matrix_and_the_profile() {
    let (dir, p, t) = one_server(CLEAN, "engine: mscs\n");
    let (sources, r) = on_small(&dir, &p, t);
    let text = short(&sources, &r.diagnostics);
    assert!(
        text.contains("error[AMX0401]: `mscs` is not an HA engine amxc knows"),
        "{text}"
    );
}

#[test]
fn coverage_of_a_clustered_server_is_what_its_checkpoints_copy() {
    let (_dir, p, t) = one_server(CLEAN, "engine: wsfc\n");
    let mut sources = SourceMap::new();
    let (r, ds) =
        amxc::driver::load::with_plan(&mut sources, &p, Some(Path::new(SMALL)), &t, None, |plan| {
            let c = amxc::coverage::Classifier::new(plan);
            let mut buf = amxc::coverage::Scratch::default();
            [
                r"HKLM\SOFTWARE\Vendor\App\Settings",
                r"C:\Program Files\App\data.db",
            ]
            .map(|p| c.classify(p, &mut buf).class.as_str())
        })
        .expect("read")
        .into_parts();
    let r = r.unwrap_or_else(|| panic!("{}", short(&sources, &ds)));
    assert_eq!(r, ["replicated", "outside"]);
}

#[test]
fn the_documented_mapping_table_is_the_engines() {
    let doc = std::fs::read_to_string("docs/engines.md").expect("docs/engines.md");
    let table = amxc::emit::cluster::mapping_table(true);
    assert!(
        doc.contains(&table),
        "docs/engines.md does not hold the table amxc prints:\n{table}"
    );
    // every fidelity is used, and what is not mapped says what the cluster does instead
    for f in [Fidelity::Mapped, Fidelity::Approximated, Fidelity::Dropped] {
        assert!(MAPPING.iter().any(|r| r.fidelity == f));
    }
    assert!(MAPPING.iter().all(|r| r.how.len() > 20));
}

#[test]
fn a_service_the_policy_does_not_monitor_is_monitored_by_the_cluster_and_says_so() {
    let (a, t, l) = failure_mapping("monitor no");
    assert_eq!((a, t), (0, 0));
    assert!(
        l.len() == 1
            && l[0].starts_with("approximated")
            && l[0].contains("health-checks every Generic Service"),
        "{l:?}"
    );
}

#[test]
fn the_nodes_a_role_may_run_on_are_its_possible_owners_and_the_only_nodes_configured() {
    let listed = format!("{ACCESS_POINT}  nodes: [APPN1, APPN2]\n");
    let (dir, p, t) = one_server(CLEAN, &listed);
    let (sources, r) = on_small(&dir, &p, t);
    assert!(
        !r.compiled.is_empty(),
        "{}",
        short(&sources, &r.diagnostics)
    );
    let c = &r.compiled[0];
    let doc: serde_yaml::Value = serde_yaml::from_str(&c.files["cluster.yaml"]).expect("yaml");
    assert_eq!(
        doc["nodes"].as_sequence().map(|v| v.len()),
        Some(2),
        "{}",
        c.files["cluster.yaml"]
    );
    let ps1 = &c.files["cluster.ps1"];
    assert!(ps1.contains("$amxNodes = @(Get-AmxNodes -Listed @('APPN1', 'APPN2'))"));
    assert!(ps1.contains("-Nodes $amxNodes -Restrict $true"));
    assert!(
        c.files["summary.md"].contains("| Nodes | APPN1, APPN2 (the resources' possible owners) |")
    );
    // without the list: every node, no owners set
    let (dir, p, t) = one_server(CLEAN, ACCESS_POINT);
    let (_, r) = on_small(&dir, &p, t);
    let ps1 = &r.compiled[0].files["cluster.ps1"];
    assert!(ps1.contains("$amxNodes = @(Get-AmxNodes -Listed @())"));
    assert!(ps1.contains("-Restrict $false"));
    assert!(!r.compiled[0].files["cluster.yaml"].contains("nodes:"));
    // a name that is no computer name, or a node listed twice, is the profile's error
    let bad = format!("{ACCESS_POINT}  nodes: [APPN1, appn1, \"APP N3\"]\n");
    let (dir, p, t) = one_server(CLEAN, &bad);
    let (sources, r) = on_small(&dir, &p, t);
    let msgs: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.code.0 == 401)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        msgs,
        [
            "node `appn1` is listed twice",
            "`APP N3` is not a cluster node's name"
        ],
        "{}",
        short(&sources, &r.diagnostics)
    );
    assert!(r.compiled.is_empty());
}
