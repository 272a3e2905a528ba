//! Fleets across machines: shards that are disjoint, cover the fleet and do not move when the
//! fleet changes; manifests that `amxc merge` joins into one report; the README's CI examples.

use amxc::driver::fleet::{compile_fleet, FleetArgs, FleetReport};
use amxc::driver::partition::{shard_of, Partition};
use amxc::emit::{Options, ScriptKind};
use amxc::source::SourceMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SEED: &str = "policies/symantec-mail-security.amx";

/// `n` profiles of the seed's EXCH01, named `SRV00000`…, in `dir`.
fn fleet(dir: &Path, names: impl IntoIterator<Item = String>) -> Vec<PathBuf> {
    let base = std::fs::read_to_string("policies/targets/symantec-mail-security/EXCH01.yaml")
        .expect("profile");
    names
        .into_iter()
        .map(|name| {
            let p = dir.join(format!("{name}.yaml"));
            std::fs::write(
                &p,
                base.replace("server: EXCH01", &format!("server: {name}")),
            )
            .expect("write");
            p
        })
        .collect()
}

fn names(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("SRV{i:05}")).collect()
}

fn compile(
    targets: Vec<PathBuf>,
    out: &Path,
    partition: Option<Partition>,
    check: bool,
) -> FleetReport {
    let mut sources = SourceMap::new();
    let args = FleetArgs {
        policy: Path::new(SEED),
        matrix: None,
        targets,
        out,
        options: Options {
            scripts: ScriptKind::Auto,
            json: false,
            allow_lossy: false,
        },
        check,
        keep: false,
        engine: None,
        partition,
    };
    compile_fleet(&mut sources, &args).expect("compile")
}

fn shard(k: u32, n: u32) -> Partition {
    Partition::parse(&format!("hash:{k}/{n}"), &|_| None).expect("partition")
}

#[test]
fn shards_are_disjoint_cover_the_fleet_and_do_not_move_when_it_changes() {
    let dir = tempfile::tempdir().expect("temp");
    let targets = fleet(dir.path(), names(0..120));
    let n = 5;
    let mut seen = BTreeSet::new();
    let mut of = std::collections::BTreeMap::new();
    for k in 1..=n {
        let r = compile(
            targets.clone(),
            &dir.path().join(format!("out{k}")),
            Some(shard(k, n)),
            false,
        );
        assert!(r.diagnostics.iter().all(|d| !d.is_error()));
        for s in &r.servers {
            assert!(seen.insert(s.clone()), "{s} is in two shards");
            of.insert(s.clone(), k);
            assert_eq!(shard_of(s, n), k);
        }
        let m = r.manifest.expect("a manifest");
        assert_eq!(
            (m.shard, m.shards, m.servers.len()),
            (k, n, r.servers.len())
        );
    }
    assert_eq!(seen.len(), 120, "the shards cover the fleet");
    // a bigger fleet, without the first ten servers: every remaining server keeps its shard
    let dir2 = tempfile::tempdir().expect("temp");
    let changed = fleet(dir2.path(), names(10..200));
    for k in 1..=n {
        let r = compile(
            changed.clone(),
            &dir2.path().join(format!("out{k}")),
            Some(shard(k, n)),
            true,
        );
        for s in r.manifest.expect("manifest").servers {
            if let Some(&before) = of.get(&s.server) {
                assert_eq!(before, k, "{} moved", s.server);
            }
        }
    }
}

#[test]
fn a_manifest_holds_the_hash_of_every_file_written() {
    let dir = tempfile::tempdir().expect("temp");
    let targets = fleet(dir.path(), names(0..6));
    let out = dir.path().join("out");
    let r = compile(targets, &out, Some(shard(1, 1)), false);
    let m = r.manifest.expect("manifest");
    assert_eq!(m.servers.len(), 6);
    for s in &m.servers {
        let on_disk: BTreeSet<String> = std::fs::read_dir(out.join(&s.server))
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(on_disk, s.files.keys().cloned().collect::<BTreeSet<_>>());
        for (name, hash) in &s.files {
            let bytes = std::fs::read(out.join(&s.server).join(name)).expect("file");
            assert_eq!(
                &amxc::driver::partition::sha256_hex(&bytes),
                hash,
                "{}/{name}",
                s.server
            );
        }
    }
}

use crate::support::run_amxc as amxc;

#[test]
fn shards_from_the_ci_join_into_one_report_that_names_what_is_stale() {
    let dir = tempfile::tempdir().expect("temp");
    let targets_dir = dir.path().join("servers");
    std::fs::create_dir(&targets_dir).expect("dir");
    fleet(&targets_dir, names(0..12));
    let t = targets_dir.to_string_lossy().into_owned();
    let out = dir.path().join("compiled");
    let o = out.to_string_lossy().into_owned();
    // compile all, in three Buildkite jobs
    for job in 0..3 {
        let j = job.to_string();
        let (code, _, err) = amxc(
            &[
                "compile",
                SEED,
                "--targets",
                &t,
                "--out",
                &o,
                "--partition",
                "auto",
            ],
            &[
                ("BUILDKITE_PARALLEL_JOB", &j),
                ("BUILDKITE_PARALLEL_JOB_COUNT", "3"),
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains(&format!(
                "in shard {}/3 (BUILDKITE_PARALLEL_JOB={j}, BUILDKITE_PARALLEL_JOB_COUNT=3)",
                job + 1
            )),
            "{err}"
        );
    }
    let (code, text, _) = amxc(&["merge", &o], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.starts_with("fleet symantec-mail-security.amx: 12 servers in 3 of 3 shards"),
        "{text}"
    );
    // one server's committed output edited: the check of its shard names it, merge reports it once
    let victim = "SRV00003";
    let summary = out.join(victim).join("summary.md");
    let edited = std::fs::read_to_string(&summary).expect("summary") + "edited by hand\n";
    std::fs::write(&summary, edited).expect("write");
    let manifests = dir.path().join("manifests");
    let mut codes = Vec::new();
    for k in 1..=3u32 {
        let path = manifests
            .join(format!("shard-{k}"))
            .join(format!("amxc-shard-{k}-of-3.json"));
        let p = path.to_string_lossy().into_owned();
        let ks = k.to_string();
        let (code, _, _) = amxc(
            &[
                "compile",
                SEED,
                "--targets",
                &t,
                "--out",
                &o,
                "--check",
                "--partition",
                "auto",
                "--manifest",
                &p,
            ],
            &[("AMXC_SHARD", &ks), ("AMXC_SHARDS", "3")],
        );
        codes.push(code);
    }
    assert_eq!(
        codes.iter().filter(|&&c| c == 1).count(),
        1,
        "only the victim's shard fails: {codes:?}"
    );
    let m = manifests.to_string_lossy().into_owned();
    let (code, md, _) = amxc(&["merge", &m, "--format", "markdown"], &[]);
    assert_eq!(code, 1);
    assert!(md.contains("1 stale, 0 failed"), "{md}");
    assert!(
        md.contains(&format!("<code>{victim}</code> is stale")),
        "{md}"
    );
    assert!(md.contains("-edited by hand"), "{md}");
    let (_, json, _) = amxc(&["merge", &m, "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["servers"], 12);
    assert_eq!(v["stale"][0]["server"], victim);
    // a shard missing: named
    let partial = manifests.join("shard-1").to_string_lossy().into_owned();
    let (code, text, _) = amxc(&["merge", &partial], &[]);
    assert_eq!(code, 1);
    assert!(
        text.contains("problem: 2 of 3 shards are missing: 2, 3"),
        "{text}"
    );
}

#[test]
fn an_empty_shard_says_so_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let targets_dir = dir.path().join("servers");
    std::fs::create_dir(&targets_dir).expect("dir");
    fleet(&targets_dir, names(0..1));
    let t = targets_dir.to_string_lossy().into_owned();
    let o = dir.path().join("out").to_string_lossy().into_owned();
    let k = shard_of("SRV00000", 2);
    let empty = format!("hash:{}/2", 3 - k);
    let (code, _, err) = amxc(
        &[
            "compile",
            SEED,
            "--targets",
            &t,
            "--out",
            &o,
            "--partition",
            &empty,
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no server of the fleet is in shard"), "{err}");
    let (code, out, _) = amxc(
        &[
            "compile",
            SEED,
            "--targets",
            &t,
            "--out",
            &o,
            "--partition",
            "hash:3/2",
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(
        out.contains("AMX0501") && out.contains("shard 3 of 2 does not exist"),
        "{out}"
    );
    let (code, out, _) = amxc(
        &[
            "compile",
            SEED,
            "--targets",
            &t,
            "--out",
            &o,
            "--partition",
            "auto",
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(out.contains("found no shard in the environment"), "{out}");
}

/// The YAML blocks of the README.
fn readme_yaml() -> Vec<serde_json::Value> {
    let readme = std::fs::read_to_string("README.md").expect("README");
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for line in readme.lines() {
        match (&mut block, line.trim_start()) {
            (None, "```yaml") => block = Some(String::new()),
            (Some(b), "```") => {
                let v: serde_yaml::Value = serde_yaml::from_str(b).expect("YAML");
                out.push(serde_json::to_value(v).expect("json"));
                block = None;
            }
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_readme_shows_each_ci_running_the_shards_and_one_report() {
    let blocks = readme_yaml();
    // GitHub Actions: a matrix whose values reach AMXC_SHARD, and a job that merges
    let gh = blocks
        .iter()
        .find(|b| b["name"] == "amxc fleet")
        .expect("the GitHub Actions example");
    let shard = &gh["jobs"]["shard"];
    let shards = shard["strategy"]["matrix"]["shard"]
        .as_array()
        .expect("matrix")
        .len();
    assert_eq!(shard["env"]["AMXC_SHARDS"].as_u64(), Some(shards as u64));
    assert!(gh["jobs"]["report"]["steps"]
        .to_string()
        .contains("amxc merge shards/"));
    // Buildkite: parallelism with --partition auto, then a merge
    let bk = blocks
        .iter()
        .find(|b| b["steps"][0]["parallelism"].is_u64())
        .expect("the Buildkite example");
    assert!(bk["steps"][0]["command"]
        .as_str()
        .is_some_and(|c| c.contains("--partition auto")));
    assert!(bk["steps"].to_string().contains("amxc merge"));
    // Kubernetes: an Indexed Job whose completions are AMXC_SHARDS, running a real command line
    let job = blocks
        .iter()
        .find(|b| b["kind"] == "Job")
        .expect("the Kubernetes example");
    assert_eq!(job["spec"]["completionMode"], "Indexed");
    let c = &job["spec"]["template"]["spec"]["containers"][0];
    let env = c["env"].as_array().expect("env");
    let count = env
        .iter()
        .find(|e| e["name"] == "AMXC_SHARDS")
        .expect("AMXC_SHARDS");
    assert_eq!(
        count["value"].as_str().map(str::to_string),
        job["spec"]["completions"].as_u64().map(|n| n.to_string())
    );
    let argv: Vec<String> = c["command"]
        .as_array()
        .expect("command")
        .iter()
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect();
    assert!(argv.contains(&"auto".to_string()));
    <amxc::cli::Cli as clap::Parser>::try_parse_from(&argv).expect("a real amxc command line");
}

#[test]
fn fleet_coverage_runs_by_shard_and_names_a_server_without_a_listing() {
    let dir = tempfile::tempdir().expect("temp");
    let listings = dir.path().join("listings");
    std::fs::create_dir(&listings).expect("dir");
    for s in ["EXCH01", "EXCH02", "EXCH03", "EXCH2003"] {
        std::fs::write(
            listings.join(format!("{s}.txt")),
            "C:\\Windows\\System32\\x.dll\r\n",
        )
        .expect("listing");
    }
    let l = listings.to_string_lossy().into_owned();
    let targets = "policies/targets/symantec-mail-security";
    let mut counted = 0;
    for k in 1..=2 {
        let part = format!("hash:{k}/2");
        let (code, out, err) = amxc(
            &[
                "coverage",
                SEED,
                "--targets",
                targets,
                "--paths",
                &l,
                "--partition",
                &part,
            ],
            &[],
        );
        assert_eq!(code, 0, "{out}{err}");
        let last = out.lines().last().expect("total");
        assert!(last.contains(&format!("in shard {k}/2")), "{out}");
        counted += last
            .split(' ')
            .next()
            .and_then(|n| n.parse::<usize>().ok())
            .expect("count");
    }
    assert_eq!(counted, 4, "the shards cover the fleet");
    std::fs::remove_file(listings.join("EXCH03.txt")).expect("remove");
    let (code, out, _) = amxc(
        &["coverage", SEED, "--targets", targets, "--paths", &l],
        &[],
    );
    assert_eq!(code, 1);
    assert!(out.contains("EXCH03: no listing"), "{out}");
}
