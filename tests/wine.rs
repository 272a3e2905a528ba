//! The generated cmd scripts, run: Wine's cmd, sc and service control manager carry out what
//! amxc wrote, against a test service built with mingw-w64 (`tests/wine/svc.c`: it reports
//! START_PENDING/RUNNING/STOP_PENDING/STOPPED, can hang or fail, and logs every event), and the
//! suite asserts the order, the states, the waits, the timeouts and the refusals a policy
//! implies, runs a clustered server's cluster.cmd against a stand-in for cluster.exe
//! (`tests/wine/cluster.c`), then runs every shipped policy's start and stop scripts for every
//! shipped server.
//! `.ci/run` installs Wine and mingw-w64 and sets `AMXC_REQUIRE_WINE=1`; elsewhere the suite
//! says it was skipped.
//!
//! What Wine cannot show (see the README): Wine's sc.exe has no `config`, `qfailure` or
//! `enumdepend` (configure.cmd and the dependent check's `sc enumdepend` are checked here with
//! a recorded answer in its place), Debian 12's cscript has no `WScript.Sleep` and no
//! `WshExec.ExitCode` (the task runner is run for its error path only), and Wine 8's cmd
//! expands `%%` in a `set` line unlike Windows (names holding `%` are checked by the script
//! gate, not run), and its findstr finds every text (a stand-in does what Microsoft documents
//! for the two forms the cluster script uses). PowerShell does not run here at all.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Wine {
    prefix: PathBuf,
    keeper: Option<Child>,
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Wine {
    /// A prefix with the test service in `C:\amx`, kept alive by one waiting process (Wine
    /// ends services when a prefix's last ordinary process exits).
    fn start() -> Option<Wine> {
        if !have("wine") || !have("x86_64-w64-mingw32-gcc") {
            assert!(
                std::env::var_os("AMXC_REQUIRE_WINE").is_none(),
                "AMXC_REQUIRE_WINE is set, but wine or mingw-w64 is missing"
            );
            eprintln!("wine suite skipped: install wine and mingw-w64 (see .ci/run) to run it");
            return None;
        }
        let prefix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wine-prefix");
        let mut w = Wine {
            prefix,
            keeper: None,
        };
        // the wine server and the prefix's own services first, with no pipe of ours: a wine
        // server started by a command whose output is read would hold that pipe open for good
        // (every later call reads its output through files, see `wine`)
        let quiet = |c: &mut Command| {
            c.stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
        };
        let _ = quiet(&mut w.command("wineserver", &["-k"]));
        if !w.prefix.join("system.reg").exists() {
            // a new prefix: boot it and let the server exit, so that the registry is on disk
            // and no first-run setup is still going when the suite creates its services
            let ok = quiet(&mut w.command("wineboot", &["-i"])).expect("wineboot");
            assert!(ok.success(), "wineboot failed");
            let _ = quiet(&mut w.command("wineserver", &["-w"]));
        }
        w.keeper = Some(
            w.command("wine", &["cmd", "/c", "pause"])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("keeper"),
        );
        // the service control manager answers once the prefix's own services run
        let started = Instant::now();
        while w.state("RpcSs") != "RUNNING" {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the Wine prefix's service control manager never answered"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
        std::fs::create_dir_all(w.c("amx")).expect("C:\\amx");
        let built = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2", "-o"])
            .arg(w.c("amx/amxsvc.exe"))
            .arg("tests/wine/svc.c")
            .status()
            .expect("mingw");
        assert!(built.success(), "the test service does not build");
        Some(w)
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .stderr(Stdio::piped());
        c
    }

    /// A path on the prefix's drive C:, from a Windows-relative one (`amx/out`).
    fn c(&self, rel: &str) -> PathBuf {
        self.prefix.join("drive_c").join(rel)
    }

    /// Run `wine ARGS`, its output captured through files: a process it starts (the prefix's
    /// services, on a first call) may keep a pipe open long after it exits, never a file.
    fn wine(&self, args: &[&str]) -> Output {
        let out = tempfile::tempfile().expect("stdout file");
        let err = tempfile::tempfile().expect("stderr file");
        let status = self
            .command("wine", args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("stdout"))
            .stderr(err.try_clone().expect("stderr"))
            .status()
            .expect("wine");
        let read = |mut f: std::fs::File| {
            use std::io::{Read, Seek};
            let mut bytes = Vec::new();
            f.rewind().expect("rewind");
            f.read_to_end(&mut bytes).expect("read");
            bytes
        };
        Output {
            status,
            stdout: read(out),
            stderr: read(err),
        }
    }

    fn sc(&self, args: &[&str]) -> String {
        let mut a = vec!["sc"];
        a.extend_from_slice(args);
        String::from_utf8_lossy(&self.wine(&a).stdout).replace('\r', "")
    }

    /// The word of `sc query`'s STATE line; empty when the service is not installed.
    fn state(&self, name: &str) -> String {
        self.sc(&["query", name])
            .lines()
            .find(|l| l.trim_start().starts_with("STATE"))
            .and_then(|l| l.split_whitespace().nth(3))
            .unwrap_or_default()
            .to_string()
    }

    fn wait_for(&self, name: &str, state: &str) {
        let started = Instant::now();
        while self.state(name) != state {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{name} never reached {state}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A test service: `start_ms`/`stop_ms` in the pending states, `mode` as `svc.c` reads it.
    fn service(&self, name: &str, start_ms: u32, stop_ms: u32, mode: &str, running: bool) {
        self.remove(name);
        let bin = format!("C:\\amx\\amxsvc.exe C:\\amx\\svc.log {start_ms} {stop_ms} {mode}");
        let out = self.sc(&["create", name, "binPath=", &bin]);
        assert!(!self.state(name).is_empty(), "sc create {name}: {out}");
        if running {
            self.sc(&["start", name]);
            self.wait_for(name, "RUNNING");
        }
    }

    fn remove(&self, name: &str) {
        if self.state(name).is_empty() {
            return;
        }
        if self.state(name) != "STOPPED" {
            self.sc(&["stop", name]);
            let started = Instant::now();
            while self.state(name) != "STOPPED" && started.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        self.sc(&["delete", name]);
        let started = Instant::now();
        while !self.state(name).is_empty() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Run `C:\<rel>` under cmd: exit code, what it printed, how long it took.
    fn run(&self, rel: &str) -> (i32, String, Duration) {
        let win = format!("C:\\{}", rel.replace('/', "\\"));
        let started = Instant::now();
        let o = self.wine(&["cmd", "/c", &win]);
        let text = String::from_utf8_lossy(&o.stdout).replace('\r', "");
        (o.status.code().unwrap_or(-1), text, started.elapsed())
    }

    /// The service events logged since the log was last cleared: `event name`.
    fn events(&self) -> Vec<String> {
        std::fs::read_to_string(self.c("amx/svc.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(_, rest)| rest.to_string()))
            .collect()
    }

    fn clear_events(&self) {
        let _ = std::fs::remove_file(self.c("amx/svc.log"));
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        if let Some(mut k) = self.keeper.take() {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.command("wineserver", &["-k"]).status();
    }
}

/// Compile `policy` (text) for a Windows Server 2003 server into `C:\amx\<dir>\S1\`.
fn compile(w: &Wine, dir: &str, policy: &str) -> String {
    let d = w.c(&format!("amx/{dir}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    std::fs::write(d.join("p.amx"), policy).expect("policy");
    std::fs::write(
        d.join("p.versions.yaml"),
        "amx: p\ndimensions:\n  os: { kind: version, values: [\"2003\", \"2008\"] }\nversions:\n  \"2020-01-01\":\n    supports: { os: [\"2003\", \"2008\"] }\n",
    )
    .expect("matrix");
    std::fs::write(
        d.join("S1.yaml"),
        "server: S1\namx: p\nversion: \"2020-01-01\"\nos: \"2003\"\ndrives: [C]\n",
    )
    .expect("target");
    let (code, out, err) = crate::support::run_amxc(
        &[
            "compile",
            &d.join("p.amx").to_string_lossy(),
            "--target",
            &d.join("S1.yaml").to_string_lossy(),
            "--out",
            &d.join("out").to_string_lossy(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    format!("amx/{dir}/out/S1")
}

fn policy(services: &str) -> String {
    format!(
        "amx \"p\" {{\n    title \"p\"\n    application \"p\" {{\n    }}\n    versions 2020-01-01\n    services {{\n        startup manual\n{services}\n    }}\n    applies-to all\n}}\n"
    )
}

/// Run a role script (`C:\<rel>`) that must succeed, from a cleared event log, and hold each
/// service's state after it; the events it caused.
fn run_to_states(w: &Wine, rel: &str, states: &[(&str, &str)]) -> Vec<String> {
    w.clear_events();
    let (code, text, _) = w.run(rel);
    assert_eq!(code, 0, "{text}");
    for (name, state) in states {
        assert_eq!(w.state(name), *state, "{name} after {rel}:\n{text}");
    }
    w.events()
}

/// Where `a` comes before `b` in the log.
fn before(events: &[String], a: &str, b: &str) -> bool {
    let pos = |e: &str| events.iter().position(|x| x == e);
    matches!((pos(a), pos(b)), (Some(x), Some(y)) if x < y)
}

#[test]
fn the_cmd_scripts_do_what_the_policy_says_when_they_run() {
    let Some(w) = Wine::start() else {
        return;
    };
    let started = Instant::now();
    // `AMXC_WINE_ONLY=cluster`: the cluster script's checks alone (while working on them)
    if std::env::var("AMXC_WINE_ONLY").as_deref() == Ok("cluster") {
        eprintln!("wine suite: {} cluster checks", cluster(&w));
        return;
    }
    let mut checks = 0;
    let roles = std::fs::read_to_string("tests/fixtures/roles/roles.amx").expect("fixture");
    let out = compile(&w, "roles", &roles.replace("amx \"roles\"", "amx \"p\""));
    for (name, run) in [
        ("Db", true),
        ("Web", true),
        ("Backup", false),
        ("Dtc", true),
    ] {
        w.service(name, 400, 300, "ok", run);
    }

    // becoming passive: Web then Db stopped (reverse order), then Backup started; Dtc untouched
    let ev = run_to_states(
        &w,
        &format!("{out}/stop.cmd"),
        &[
            ("Web", "STOPPED"),
            ("Db", "STOPPED"),
            ("Backup", "RUNNING"),
            ("Dtc", "RUNNING"),
        ],
    );
    checks += 4;
    assert!(before(&ev, "stopped Web", "stop-requested Db"), "{ev:?}");
    assert!(before(&ev, "stopped Db", "starting Backup"), "{ev:?}");
    assert!(
        !ev.iter().any(|e| e.ends_with(" Dtc")),
        "Dtc was touched: {ev:?}"
    );
    checks += 3;

    // becoming active: Backup stopped first, then Db and Web started in order; Dtc untouched
    let ev = run_to_states(
        &w,
        &format!("{out}/start.cmd"),
        &[
            ("Backup", "STOPPED"),
            ("Db", "RUNNING"),
            ("Web", "RUNNING"),
            ("Dtc", "RUNNING"),
        ],
    );
    checks += 4;
    assert!(before(&ev, "stopped Backup", "starting Db"), "{ev:?}");
    assert!(before(&ev, "running Db", "starting Web"), "{ev:?}");
    assert!(
        !ev.iter().any(|e| e.ends_with(" Dtc")),
        "Dtc was touched: {ev:?}"
    );
    checks += 3;

    // twice: nothing to do, and it says so
    let (code, text, _) = w.run(&format!("{out}/start.cmd"));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("\"Db\" is already running"), "{text}");
    assert!(text.contains("\"Backup\" is already stopped"), "{text}");
    checks += 2;

    // configure never names a service the policy does not manage
    let configure = std::fs::read_to_string(w.c(&format!("{out}/configure.cmd"))).expect("cmd");
    assert!(!configure.contains("AMX_NAME=Dtc"), "{configure}");
    assert!(configure.contains("AMX_NAME=Db"), "{configure}");
    checks += 2;

    // the dependent check, with a recorded `sc enumdepend` answer in place of Wine's missing
    // one: a running dependent the script does not stop first stops nothing at all
    let stop = std::fs::read_to_string(w.c(&format!("{out}/stop.cmd"))).expect("stop.cmd");
    let enumdepend = "\"%SystemRoot%\\System32\\sc.exe\" enumdepend \"%AMX_NAME%\" 65536";
    assert!(stop.contains(enumdepend), "{stop}");
    // each service's recorded answer: C:\amx\enumdepend-<name>.txt (none: no dependents)
    let recorded = stop.replace(enumdepend, "type \"C:\\amx\\enumdepend-%AMX_NAME%.txt\"");
    std::fs::write(w.c(&format!("{out}/stop-recorded.cmd")), &recorded).expect("write");
    let answer = |name: &str, dependent: &str, state: &str| {
        let text = format!("Enum: entriesRead  = 1\r\n\r\nSERVICE_NAME: {dependent}\r\nDISPLAY_NAME: {dependent}\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 4  {state}\r\n                                (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)\r\n        WIN32_EXIT_CODE    : 0  (0x0)\r\n");
        std::fs::write(w.c(&format!("amx/enumdepend-{name}.txt")), text).expect("answer");
    };
    // Db has a running dependent the script never stops: nothing at all is stopped
    answer("Db", "Report & Print (x)", "RUNNING");
    w.clear_events();
    let (code, text, _) = w.run(&format!("{out}/stop-recorded.cmd"));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("service \"Report & Print (x)\" depends on \"Db\" and runs")
            && text.contains("nothing was stopped"),
        "{text}"
    );
    assert_eq!(w.state("Web"), "RUNNING");
    assert_eq!(w.state("Db"), "RUNNING");
    assert!(w.events().is_empty(), "{:?}", w.events());
    checks += 4;
    // Db's running dependent is Web, which the script stops first (names compare as Windows
    // compares them): no obstacle
    answer("Db", "web", "RUNNING");
    let (code, text, _) = w.run(&format!("{out}/stop-recorded.cmd"));
    assert_eq!(code, 0, "{text}");
    assert_eq!(w.state("Web"), "STOPPED");
    assert_eq!(w.state("Db"), "STOPPED");
    checks += 3;

    // a stop that hangs: the wait ends at its timeout by the clock, and says so
    let out = compile(
        &w,
        "hang",
        &policy("        service Hang \"Hangs in STOP_PENDING\" {\n            stop-timeout 4s\n        }"),
    );
    w.service("Hang", 0, 0, "hang-stop", true);
    let (code, text, took) = w.run(&format!("{out}/stop.cmd"));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("service \"Hang\" is STOP_PENDING after") && text.contains("timeout of 4 s"),
        "{text}"
    );
    assert!(
        took >= Duration::from_secs(4) && took < Duration::from_secs(20),
        "{took:?}"
    );
    checks += 3;

    // a service that fails while starting: reported, the script fails, nothing after it starts
    let out = compile(
        &w,
        "flaky",
        &policy("        service Flaky \"Fails while starting\"\n        service After \"Starts after it\" {\n            after Flaky\n        }"),
    );
    w.service("Flaky", 500, 0, "fail-start", false);
    w.service("After", 0, 0, "ok", false);
    let (code, text, _) = w.run(&format!("{out}/start.cmd"));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("service \"Flaky\" is STOPPED again instead of RUNNING"),
        "{text}"
    );
    assert_eq!(w.state("After"), "STOPPED");
    checks += 3;

    // not installed: starting is an error, stopping is nothing to do
    let out = compile(
        &w,
        "missing",
        &policy("        service Missing \"Not here\""),
    );
    w.remove("Missing");
    let (code, text, _) = w.run(&format!("{out}/start.cmd"));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("service \"Missing\" is not installed"),
        "{text}"
    );
    let (code, text, _) = w.run(&format!("{out}/stop.cmd"));
    assert_eq!(code, 0, "{text}");
    checks += 3;

    // names cmd would read as commands stay names
    let evil = ["Beta&echo PWNED>pwned.txt&rem (x)", "Gamma)^!x|y<z"];
    let out = compile(
        &w,
        "names",
        &policy(&format!(
            "        service '{}' \"B\"\n        service '{}' \"G\"",
            evil[0], evil[1]
        )),
    );
    for n in evil {
        w.service(n, 0, 0, "ok", false);
    }
    let (code, text, _) = w.run(&format!("{out}/start.cmd"));
    assert_eq!(code, 0, "{text}");
    for n in evil {
        assert_eq!(w.state(n), "RUNNING", "{n}: {text}");
        checks += 1;
    }
    assert!(
        !text.contains("PWNED") || text.contains("\"Beta&echo PWNED"),
        "{text}"
    );
    let planted: Vec<_> = walk_for(&w.c(""), "pwned.txt");
    assert!(planted.is_empty(), "{planted:?}");
    checks += 1;
    for n in evil {
        w.remove(n);
    }

    // the task runner: an error is an exit code, never a silent success (this cscript returns
    // 0 after an uncaught script error)
    let runner = w.c("amx/amx-task.js");
    std::fs::write(&runner, amxc::emit::TASK_RUNNER_JS.replace('\n', "\r\n")).expect("runner");
    let o = w.wine(&["cscript", "//nologo", "C:\\amx\\amx-task.js"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("error: the task runner failed"),
        "{o:?}"
    );
    checks += 2;

    for name in ["Db", "Web", "Backup", "Dtc", "Hang", "Flaky", "After"] {
        w.remove(name);
    }

    checks += cluster(&w);

    // every shipped policy, for every shipped server, as cmd scripts: becoming active starts
    // what the active runs, becoming passive stops what the passive does not run, twice over
    checks += shipped(&w);
    eprintln!(
        "wine suite: {checks} checks in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// The cluster as `tests/wine/cluster.c` keeps it: `C:\amx\cl\res-<name>.txt` as lines.
fn resource(w: &Wine, name: &str) -> Vec<String> {
    let mut lines: Vec<String> = std::fs::read_to_string(w.c(&format!("amx/cl/res-{name}.txt")))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

/// A cluster script with the stand-ins of `tests/wine/cluster.c` in place of the programs.
fn stand_in(script: &str) -> String {
    // the stand-ins in place of cluster.exe, of the sc.exe calls Wine's sc lacks, and of
    // findstr (Wine 8's finds every text in every file)
    let sc = "\"%SystemRoot%\\System32\\sc.exe\"";
    script
        .replace(
            "\"%SystemRoot%\\System32\\cluster.exe\"",
            "\"C:\\amx\\cluster.exe\"",
        )
        .replace(&format!("{sc} config"), "\"C:\\amx\\sclog.exe\" config")
        .replace(&format!("{sc} failure"), "\"C:\\amx\\sclog.exe\" failure")
        .replace(&format!("{sc} \\\\"), "\"C:\\amx\\sclog.exe\" \\\\")
        .replace(
            "\"%SystemRoot%\\System32\\findstr.exe\"",
            "\"C:\\amx\\findstr.exe\"",
        )
}

/// `cluster.cmd` of a shipped server compiled for failover clustering into `dir/SERVER/`,
/// and beside it `run.cmd`: the same with the stand-ins in place of the programs.
fn clustered_cmd(dir: &Path, policy: &str, server: &str) {
    let (code, out, err) = crate::support::run_amxc(
        &[
            "compile",
            &format!("policies/{policy}.amx"),
            "--target",
            &format!("policies/targets/{policy}/{server}.yaml"),
            "--out",
            &dir.to_string_lossy(),
            "--engine",
            "wsfc",
            "--allow-lossy",
            "--script",
            "cmd",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}{err}");
    let script =
        std::fs::read_to_string(dir.join(format!("{server}/cluster.cmd"))).expect("cluster.cmd");
    std::fs::write(dir.join(format!("{server}/run.cmd")), stand_in(&script)).expect("write");
}

/// `cluster.cmd` of FMS01 (Windows Server 2003, `cluster: nodes [FMSN1, FMSN2]`) run against
/// a stand-in for cluster.exe (`tests/wine/cluster.c`) on a three-node cluster: the role is
/// built as the policy says, a second run changes nothing, an administrator's possible owner
/// is kept and named, and a listed node the cluster does not have, or a missing disk, stops
/// the script before it changes anything.
fn cluster(w: &Wine) -> usize {
    let mut checks = 0;
    for (out, defines) in [
        ("amx/cluster.exe", &[][..]),
        ("amx/sclog.exe", &["-DSCLOG"][..]),
        ("amx/findstr.exe", &["-DFINDSTR"][..]),
    ] {
        let built = Command::new("x86_64-w64-mingw32-gcc")
            .args(["-O2"])
            .args(defines)
            .arg("-o")
            .arg(w.c(out))
            .arg("tests/wine/cluster.c")
            .status()
            .expect("mingw");
        assert!(built.success(), "tests/wine/cluster.c does not build");
    }
    let dir = w.c("amx/clustered");
    let _ = std::fs::remove_dir_all(&dir);
    clustered_cmd(&dir, "filemaker-server-8", "FMS01");
    for name in ["FileMaker Server 8", "FileMaker Server 8 Helper"] {
        w.service(name, 0, 0, "ok", false);
    }
    let fresh = |nodes: &str| {
        let cl = w.c("amx/cl");
        let _ = std::fs::remove_dir_all(&cl);
        std::fs::create_dir_all(&cl).expect("cl");
        std::fs::write(cl.join("nodes.txt"), nodes).expect("nodes");
        std::fs::write(cl.join("group-Available Storage"), "").expect("group");
        std::fs::write(
            cl.join("res-Cluster Disk 2.txt"),
            "group=Available Storage\ntype=Physical Disk\n",
        )
        .expect("disk");
    };
    let log = || std::fs::read_to_string(w.c("amx/cl/log.txt")).unwrap_or_default();
    let clear_log = || {
        let _ = std::fs::remove_file(w.c("amx/cl/log.txt"));
    };

    // a fresh cluster of three nodes: the role is built
    fresh("FMSN1\nFMSN2\nFMSN3\n");
    let (code, text, _) = w.run("amx/clustered/FMS01/run.cmd");
    assert_eq!(code, 0, "{text}\n{}", log());
    assert!(w.c("amx/cl/group-FMSCLUS01").exists(), "{text}");
    assert_eq!(
        resource(w, "IP Address 192.0.2.80"),
        [
            "group=FMSCLUS01",
            "owner=FMSN1",
            "owner=FMSN2",
            "owner=FMSN3",
            "prop:Address=192.0.2.80",
            "prop:EnableDhcp=0",
            "prop:SubnetMask=255.255.255.0",
            "type=IP Address",
        ]
    );
    assert!(resource(w, "FMSCLUS01").contains(&"dep=IP Address 192.0.2.80".to_string()));
    assert!(resource(w, "Cluster Disk 2").contains(&"group=FMSCLUS01".to_string()));
    assert_eq!(
        resource(w, "FileMaker Server 8"),
        [
            "check=SOFTWARE\\FileMaker\\FileMaker Server\\8.0",
            "dep=Cluster Disk 2",
            "dep=FMSCLUS01",
            "group=FMSCLUS01",
            "owner=FMSN1",
            "owner=FMSN2",
            "prop:Description=amxc: filemaker-server-8",
            "prop:PendingTimeout=600000",
            "prop:RestartAction=2",
            "prop:RestartPeriod=900000",
            "prop:RestartThreshold=1",
            "prop:ServiceName=FileMaker Server 8",
            "type=Generic Service",
        ],
        "{text}"
    );
    assert!(
        resource(w, "FileMaker Server 8 Helper").contains(&"dep=FileMaker Server 8".to_string())
    );
    checks += 6;
    // the services are set to Manual on the listed nodes only, and here
    let calls = log();
    for node in ["FMSN1", "FMSN2"] {
        assert!(
            calls.contains(&format!(
                "sc [\\\\{node}] [config] [FileMaker Server 8] [start=] [demand]"
            )),
            "{calls}"
        );
    }
    assert!(!calls.contains("FMSN3] [config]"), "{calls}");
    assert!(
        calls.contains("sc [config] [FileMaker Server 8 Helper] [start=] [demand]"),
        "{calls}"
    );
    checks += 3;

    // a second run changes nothing
    let before_rerun: Vec<_> = [
        "FileMaker Server 8",
        "FileMaker Server 8 Helper",
        "FMSCLUS01",
    ]
    .iter()
    .map(|r| resource(w, r))
    .collect();
    clear_log();
    let (code, text, _) = w.run("amx/clustered/FMS01/run.cmd");
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("creating"), "{text}");
    let after: Vec<_> = [
        "FileMaker Server 8",
        "FileMaker Server 8 Helper",
        "FMSCLUS01",
    ]
    .iter()
    .map(|r| resource(w, r))
    .collect();
    assert_eq!(before_rerun, after);
    checks += 2;

    // an owner an administrator added is kept and named
    let p = w.c("amx/cl/res-FileMaker Server 8.txt");
    let mut res = std::fs::read_to_string(&p).expect("res");
    res.push_str("owner=FMSN3\n");
    std::fs::write(&p, res).expect("write");
    let (code, text, _) = w.run("amx/clustered/FMS01/run.cmd");
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("warning: node FMSN3 is a possible owner of \"FileMaker Server 8\" but not in cluster: nodes: kept"),
        "{text}"
    );
    assert!(resource(w, "FileMaker Server 8").contains(&"owner=FMSN3".to_string()));
    checks += 2;

    // a listed node the cluster does not have stops the script before any change
    fresh("FMSN1\nFMSN3\n");
    let (code, text, _) = w.run("amx/clustered/FMS01/run.cmd");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("error: node FMSN2, listed in cluster: nodes, is not a node of this cluster"),
        "{text}"
    );
    assert!(!w.c("amx/cl/group-FMSCLUS01").exists(), "{text}");
    checks += 2;

    // a disk the cluster does not have stops it too
    fresh("FMSN1\nFMSN2\n");
    let _ = std::fs::remove_file(w.c("amx/cl/res-Cluster Disk 2.txt"));
    let (code, text, _) = w.run("amx/clustered/FMS01/run.cmd");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("error: cluster disk \"Cluster Disk 2\" does not exist"),
        "{text}"
    );
    assert!(!w.c("amx/cl/group-FMSCLUS01").exists(), "{text}");
    checks += 2;

    for name in ["FileMaker Server 8", "FileMaker Server 8 Helper"] {
        w.remove(name);
    }

    // an add-on module joins its application's existing role (EXCH02: `cluster: group`), and
    // never creates it
    let _ = std::fs::remove_dir_all(&dir);
    clustered_cmd(&dir, "symantec-mail-security", "EXCH02");
    let services = ["SMSMSE", "SAVFMSESpamStatsManager", "BMISFA"];
    for name in services {
        w.service(name, 0, 0, "ok", false);
    }
    fresh("EXCHN1\nEXCHN2\n");
    let (code, text, _) = w.run("amx/clustered/EXCH02/run.cmd");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("error: role \"EXCHCMS01\" does not exist"),
        "{text}"
    );
    assert!(!w.c("amx/cl/group-EXCHCMS01").exists(), "{text}");
    std::fs::write(w.c("amx/cl/group-EXCHCMS01"), "").expect("group");
    let (code, text, _) = w.run("amx/clustered/EXCH02/run.cmd");
    assert_eq!(code, 0, "{text}");
    for name in services {
        assert!(
            resource(w, name).contains(&"group=EXCHCMS01".to_string()),
            "{name}: {text}"
        );
    }
    assert!(resource(w, "BMISFA").contains(&"dep=SMSMSE".to_string()));
    checks += 4;
    for name in services {
        w.remove(name);
    }
    checks
}

/// The files named `name` (in any case) under `dir`, as amxc walks folders.
fn walk_for(dir: &Path, name: &str) -> Vec<PathBuf> {
    amxc::driver::files::walk(dir, None, &|p: &Path| {
        p.file_name().is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
    .expect("walk")
}

/// Every shipped policy's `start.cmd` and `stop.cmd` for every shipped server, run against
/// test services of the same names: the number of checks made.
fn shipped(w: &Wine) -> usize {
    let mut checks = 0;
    for policy in crate::support::files("policies", "amx") {
        let stem = policy
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let out = w.c(&format!("amx/shipped/{stem}"));
        let _ = std::fs::remove_dir_all(&out);
        let (code, o, e) = crate::support::run_amxc(
            &[
                "compile",
                &policy.to_string_lossy(),
                "--targets",
                &format!("policies/targets/{stem}"),
                "--out",
                &out.to_string_lossy(),
                "--script",
                "cmd",
            ],
            &[],
        );
        assert_eq!(code, 0, "{o}{e}");
        for server in crate::support::files(&format!("policies/targets/{stem}"), "yaml") {
            let server = server
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let yaml = std::fs::read_to_string(out.join(&server).join("services.yaml"))
                .expect("services.yaml");
            let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("yaml");
            let services: Vec<(String, bool, String, String)> = doc["services"]
                .as_sequence()
                .into_iter()
                .flatten()
                .map(|s| {
                    (
                        s["name"].as_str().unwrap_or_default().to_string(),
                        s["manage"].as_bool().unwrap_or(true),
                        s["active"].as_str().unwrap_or_default().to_string(),
                        s["passive"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            for (name, ..) in &services {
                w.service(name, 200, 200, "ok", false);
            }
            let dir = format!("amx/shipped/{stem}/{server}");
            for (script, role) in [("start.cmd", 2), ("stop.cmd", 3), ("start.cmd", 2)] {
                let (code, text, _) = w.run(&format!("{dir}/{script}"));
                assert_eq!(code, 0, "{stem}/{server}/{script}:\n{text}");
                for (name, manage, active, passive) in &services {
                    if !manage {
                        continue;
                    }
                    let want = if role == 2 { active } else { passive };
                    let state = if want == "running" {
                        "RUNNING"
                    } else {
                        "STOPPED"
                    };
                    assert_eq!(
                        w.state(name),
                        state,
                        "{stem}/{server}/{script}: {name}\n{text}"
                    );
                    checks += 1;
                }
            }
            for (name, ..) in &services {
                w.remove(name);
            }
        }
    }
    checks
}
