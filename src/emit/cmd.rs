//! cmd scripts for Windows Server 2003 (and any server without PowerShell), using only what a
//! stock Windows Server 2003 has: cmd's own commands, `sc.exe`, `find`, `ping`, `taskkill` and
//! `cscript`, each by its full path. Values reach a script only as `set "AMX_…=…"` lines
//! ([`super::quote::cmd_set`]) and are used only inside double quotes, with delayed expansion
//! disabled, and never in a pipe or a `for /f` command (a child cmd would expand them again),
//! so no value can run a command; values cmd cannot hold are refused first
//! (`plan::refusals::cmd_value`, the one rule for every `.cmd`). Every wait is bounded by the clock:
//! services by polling `sc query`, tasks by `amx-task.js` (JScript, run by `cscript`), which
//! stops a task that overruns its timeout.

use super::ps1::{sc_start_word, DEFAULT_TIMEOUT};
use super::quote::{cmd_comment, cmd_set};
use crate::model::{stops_with_earlier, Change, ServiceStep};
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The task runner the cmd task scripts call.
pub const TASK_RUNNER: &str = "amx-task.js";

pub(crate) fn header(plan: &Plan, what: &str) -> String {
    format!(
        "@echo off\r\nREM {}\r\nREM {}\r\nsetlocal EnableExtensions DisableDelayedExpansion\r\nREM sc.exe's answers are read from this file, never through a pipe (see :query_state)\r\nset \"AMX_OUT=%TEMP%\\amxc-%RANDOM%-%RANDOM%.txt\"\r\n\r\n",
        cmd_comment(&plan.banner()),
        what
    )
}

/// The state of service AMX_NAME, as the STATE line of `sc.exe query` gives it
/// (`AMX_STATE`: `RUNNING`, `STOPPED`, `START_PENDING`…; empty when it is not installed).
/// sc.exe's answer goes into a file that `for /f` reads: a value is expanded once, by this
/// script, inside double quotes, and never in a pipe or a `for /f` command, which cmd runs in
/// a child cmd that would expand a `%` in it a second time. Only the STATE line is read, so a
/// service name holding `RUNNING` is not taken for its state.
pub(crate) const QUERY_SUB: &str = "\r\n:query_state\r\nset \"AMX_STATE=\"\r\n\"%SystemRoot%\\System32\\sc.exe\" query \"%AMX_NAME%\" >\"%AMX_OUT%\" 2>&1\r\nfor /f \"usebackq tokens=1,4\" %%i in (\"%AMX_OUT%\") do if \"%%i\"==\"STATE\" set \"AMX_STATE=%%j\"\r\ndel /f /q \"%AMX_OUT%\" >nul 2>&1\r\nexit /b 0\r\n";

/// The time of day in seconds (`AMX_CLOCK`), from `%TIME%` (`H:MM:SS.cc`, 24 hours, with
/// the separators the server's locale writes); `100%~1 %% 100` reads `08` as 8, not as octal.
/// A `%TIME%` that is not three numbers leaves `AMX_CLOCK` unset, and waits then count
/// rounds of a second instead, each counted once its second has passed.
const CLOCK_SUB: &str = "\r\n:clock\r\nset \"AMX_CLOCK=\"\r\nfor /f \"tokens=1-3 delims=:.,/ \" %%a in (\"%TIME%\") do call :clock_of \"%%a\" \"%%b\" \"%%c\"\r\nexit /b 0\r\n:clock_of\r\nif \"%~3\"==\"\" exit /b 0\r\nfor /f \"delims=0123456789\" %%x in (\"%~1%~2%~3x\") do if not \"%%x\"==\"x\" exit /b 0\r\nset /a \"AMX_CLOCK=(100%~1 %% 100)*3600+(100%~2 %% 100)*60+(100%~3 %% 100)\"\r\nexit /b 0\r\n";

/// Wait for state %1 of service AMX_NAME, at most AMX_TIMEOUT seconds measured by the clock
/// (not by rounds of the loop, which take longer than a second); state %2 (the opposite)
/// ends the wait once the service has had 3 seconds to report the change (a service may
/// take a moment to acknowledge a stop); %3 names the step.
const WAIT_SUB: &str = "\r\n:wait_state\r\nset \"AMX_WAITED=0\"\r\ncall :clock\r\nset \"AMX_T0=%AMX_CLOCK%\"\r\n:wait_loop\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"%1\" exit /b 0\r\nif \"%AMX_STATE%\"==\"\" (echo error: %3: service \"%AMX_NAME%\" is no longer installed& exit /b 1)\r\ncall :clock\r\nif not defined AMX_CLOCK set \"AMX_T0=\"\r\nif defined AMX_T0 set /a \"AMX_WAITED=(AMX_CLOCK-AMX_T0+86400) %% 86400\"\r\nif %AMX_WAITED% geq 3 if \"%AMX_STATE%\"==\"%2\" (echo error: %3: service \"%AMX_NAME%\" is %2 again instead of %1& exit /b 1)\r\nif %AMX_WAITED% geq %AMX_TIMEOUT% (echo error: %3: service \"%AMX_NAME%\" is %AMX_STATE% after %AMX_WAITED% s, not %1 within its timeout of %AMX_TIMEOUT% s& exit /b 1)\r\n\"%SystemRoot%\\System32\\ping.exe\" -n 2 127.0.0.1 >nul\r\nif not defined AMX_T0 set /a \"AMX_WAITED+=1\"\r\ngoto wait_loop\r\n";

const START_SUB: &str = "\r\n:start_service\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"\" (echo error: start: service \"%AMX_NAME%\" is not installed& exit /b 1)\r\nif \"%AMX_STATE%\"==\"RUNNING\" (echo \"%AMX_NAME%\" is already running& exit /b 0)\r\necho starting \"%AMX_NAME%\" (timeout %AMX_TIMEOUT% s)\r\nif not \"%AMX_STATE%\"==\"STOPPED\" goto start_wait\r\n\"%SystemRoot%\\System32\\sc.exe\" start \"%AMX_NAME%\"\r\nif errorlevel 1 (echo error: start: sc.exe could not start \"%AMX_NAME%\"; its output above says why& exit /b 1)\r\n:start_wait\r\ncall :wait_state RUNNING STOPPED start\r\nexit /b %errorlevel%\r\n";

/// Stopping one service only: `sc stop` refuses while services that depend on it run, and
/// those are listed by name (`sc enumdepend`), never stopped behind the policy's back.
const STOP_SUB: &str = "\r\n:stop_service\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"\" (echo \"%AMX_NAME%\" is not installed& exit /b 0)\r\nif \"%AMX_STATE%\"==\"STOPPED\" (echo \"%AMX_NAME%\" is already stopped& exit /b 0)\r\necho stopping \"%AMX_NAME%\" (timeout %AMX_TIMEOUT% s)\r\nif \"%AMX_STATE%\"==\"STOP_PENDING\" goto stop_wait\r\n\"%SystemRoot%\\System32\\sc.exe\" stop \"%AMX_NAME%\"\r\nif not errorlevel 1 goto stop_wait\r\necho error: stop: sc.exe could not stop \"%AMX_NAME%\"; its output above says why. Services that depend on it:\r\n\"%SystemRoot%\\System32\\sc.exe\" enumdepend \"%AMX_NAME%\"\r\nexit /b 1\r\n:stop_wait\r\ncall :wait_state STOPPED RUNNING stop\r\nexit /b %errorlevel%\r\n";

/// Before anything is stopped: a running service that depends on AMX_NAME must be one this
/// script stops before it (AMX_E1…AMX_E%AMX_EN%), or the stop would fail half-way (Windows
/// refuses to stop a service whose dependents run). Sets AMX_BLOCKED and names each such
/// dependent. sc.exe's list goes through a file; a dependent's name is held in a variable and
/// compared with delayed expansion, never expanded into a command line.
const DEPENDENTS_SUB: &str = "\r\n:check_dependents\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"\" exit /b 0\r\nif \"%AMX_STATE%\"==\"STOPPED\" exit /b 0\r\n\"%SystemRoot%\\System32\\sc.exe\" enumdepend \"%AMX_NAME%\" 65536 >\"%AMX_OUT%\" 2>&1\r\nset \"AMX_DEP=\"\r\nfor /f \"usebackq tokens=1*\" %%i in (\"%AMX_OUT%\") do (\r\nif \"%%i\"==\"SERVICE_NAME:\" set \"AMX_DEP=%%j\"\r\nif \"%%i\"==\"STATE\" call :dependent_state %%j\r\n)\r\ndel /f /q \"%AMX_OUT%\" >nul 2>&1\r\nexit /b 0\r\n\r\n:dependent_state\r\nif \"%3\"==\"STOPPED\" exit /b 0\r\nset \"AMX_FOUND=\"\r\nfor /l %%m in (1,1,%AMX_EN%) do call :stopped_before %%m\r\nif not defined AMX_FOUND (set \"AMX_BLOCKED=1\" & call :name_dependent)\r\nexit /b 0\r\n\r\n:stopped_before\r\nsetlocal EnableDelayedExpansion\r\nif /i \"!AMX_DEP!\"==\"!AMX_E%1!\" (endlocal & set \"AMX_FOUND=1\" & exit /b 0)\r\nendlocal\r\nexit /b 0\r\n\r\n:name_dependent\r\nsetlocal EnableDelayedExpansion\r\necho error: stop: service \"!AMX_DEP!\" depends on \"!AMX_NAME!\" and runs, and this script does not stop it first\r\nendlocal\r\nexit /b 0\r\n";

/// Startup type, and no Windows recovery: the HA engine handles failures.
pub(crate) const CONFIGURE_SUB: &str = "\r\n:configure_service\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"\" (echo error: startup type: service \"%AMX_NAME%\" is not installed& exit /b 1)\r\necho startup type of \"%AMX_NAME%\": %AMX_START%\r\n\"%SystemRoot%\\System32\\sc.exe\" config \"%AMX_NAME%\" start= %AMX_START%\r\nif errorlevel 1 (echo error: startup type: sc.exe failed for \"%AMX_NAME%\"; its output above says why& exit /b 1)\r\necho Windows recovery of \"%AMX_NAME%\": take no action (the HA engine handles failures)\r\n\"%SystemRoot%\\System32\\sc.exe\" failure \"%AMX_NAME%\" reset= 0 actions= /0\r\nif errorlevel 1 (echo error: recovery: sc.exe failed for \"%AMX_NAME%\"; its output above says why& exit /b 1)\r\nexit /b 0\r\n";

/// Runs one task of the cmd scripts: `AMX_PROGRAM` with the `AMX_ARGS` arguments
/// `AMX_ARG0`… (each quoted as CommandLineToArgvW reads it), its output into a log that is
/// shown afterwards; after `AMX_TIMEOUT` seconds the task and what it started are stopped
/// (`taskkill /t`). JScript, so that it runs on every Windows Server 2003 (`cscript`).
pub const TASK_RUNNER_JS: &str = r#"// Runs one task for the cmd scripts: see their first lines.
// Every error ends in a non-zero exit: cscript itself may return 0 after a script error, so
// the whole run is inside one try.
var shell, fso;
function repeat(c, n) { var s = ""; while (n-- > 0) { s += c; } return s; }
// every argument quoted, as CommandLineToArgvW reads it back (a value never holds a quote)
function quote(a) {
    var s = "\"", backslashes = 0;
    for (var i = 0; i < a.length; i++) {
        var c = a.charAt(i);
        if (c == "\\") { backslashes++; continue; }
        s += repeat("\\", backslashes) + c;
        backslashes = 0;
    }
    return s + repeat("\\", backslashes * 2) + "\"";
}
function run() {
    shell = WScript.CreateObject("WScript.Shell");
    fso = WScript.CreateObject("Scripting.FileSystemObject");
    var env = shell.Environment("PROCESS");
    var name = env("AMX_TASK");
    var line = quote(env("AMX_PROGRAM"));
    var count = parseInt(env("AMX_ARGS"), 10);
    for (var k = 0; k < count; k++) { line += " " + quote(env("AMX_ARG" + k)); }
    var timeout = parseInt(env("AMX_TIMEOUT"), 10);
    if (isNaN(count) || isNaN(timeout)) { throw new Error("AMX_ARGS or AMX_TIMEOUT is not a number"); }
    var root = env("SystemRoot");
    var log = fso.BuildPath(fso.GetSpecialFolder(2), fso.GetTempName());
    // cmd only redirects the output (into a file: a task never blocks on a full pipe);
    // /d: no AutoRun, /v:off: no delayed expansion, /s: the outer quotes are removed as written
    var run = shell.Exec("\"" + root + "\\System32\\cmd.exe\" /d /v:off /s /c \"" + line + " > \"" + log + "\" 2>&1\"");
    var waited = 0;
    while (run.Status == 0 && waited < timeout * 10) { WScript.Sleep(100); waited++; }
    var overran = run.Status == 0;
    if (overran) { shell.Run("\"" + root + "\\System32\\taskkill.exe\" /pid " + run.ProcessID + " /t /f", 0, true); }
    if (fso.FileExists(log)) {
        var f = fso.OpenTextFile(log, 1);
        if (!f.AtEndOfStream) { WScript.Echo(f.ReadAll()); }
        f.Close();
        fso.DeleteFile(log);
    }
    if (overran) {
        WScript.Echo("error: task " + name + " did not finish within " + timeout + " s and was stopped with what it started");
        return 1;
    }
    if (run.ExitCode != 0) {
        WScript.Echo("error: task " + name + " failed with exit code " + run.ExitCode);
        return 1;
    }
    return 0;
}
var code = 1;
try {
    code = run();
} catch (e) {
    WScript.Echo("error: the task runner failed: " + (e.message || e.description || e));
    code = 1;
}
WScript.Quit(code);
"#;

/// `if errorlevel 1 exit /b 1` after every step: fail fast.
pub(crate) const FAIL_FAST: &str = "if errorlevel 1 exit /b 1\r\n";

/// A script that brings this server's services to the states of one role: the check that
/// nothing stops half-way, the stops, then the starts (`lower/roles.rs`).
fn role_script(plan: &Plan, steps: &[ServiceStep], what: &str) -> String {
    let svcs = &plan.ev.services;
    let mut s = header(plan, what);
    let stops = stops_with_earlier(steps);
    if !stops.is_empty() {
        s.push_str("REM before anything is stopped: no running service depends on one this script stops, unless it is stopped first\r\nset \"AMX_BLOCKED=\"\r\n");
        for (i, earlier) in &stops {
            let _ = write!(s, "{}\r\n", cmd_set("AMX_NAME", &svcs[*i].name));
            for (k, e) in earlier.iter().enumerate() {
                let _ = write!(
                    s,
                    "{}\r\n",
                    cmd_set(&format!("AMX_E{}", k + 1), &svcs[*e].name)
                );
            }
            let _ = write!(
                s,
                "set \"AMX_EN={}\"\r\ncall :check_dependents\r\n",
                earlier.len()
            );
        }
        s.push_str("if defined AMX_BLOCKED (echo error: nothing was stopped: stop those services first, or add them to the policy with `after`& exit /b 1)\r\n");
    }
    for st in steps {
        let _ = write!(
            s,
            "{}\r\nset \"AMX_TIMEOUT={}\"\r\ncall :{}_service\r\n{FAIL_FAST}",
            cmd_set("AMX_NAME", &svcs[st.service].name),
            st.seconds,
            st.change.as_str()
        );
    }
    s.push_str("exit /b 0\r\n");
    if steps.iter().any(|st| st.change == Change::Start) {
        s.push_str(START_SUB);
    }
    if !stops.is_empty() {
        s.push_str(STOP_SUB);
        s.push_str(DEPENDENTS_SUB);
    }
    if !steps.is_empty() {
        s.push_str(WAIT_SUB);
        s.push_str(QUERY_SUB);
        s.push_str(CLOCK_SUB);
    }
    s
}

pub fn cmd_scripts(plan: &Plan) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let svcs = &plan.ev.services;

    let mut s = header(
        plan,
        "Configure the managed services: startup types, and no Windows recovery (the HA engine handles failures). A service the policy does not manage (`manage no`) is not touched.",
    );
    for &i in &plan.roles.configure {
        let sv = &svcs[i];
        let _ = write!(
            s,
            "{}\r\nset \"AMX_START={}\"\r\ncall :configure_service\r\n{FAIL_FAST}",
            cmd_set("AMX_NAME", &sv.name),
            sc_start_word(sv.startup)
        );
    }
    s.push_str("exit /b 0\r\n");
    s.push_str(CONFIGURE_SUB);
    s.push_str(QUERY_SUB);
    files.insert("configure.cmd".into(), s);

    for (name, steps, what) in [
        ("start.cmd", &plan.roles.to_active, super::ACTIVE_PURPOSE),
        ("stop.cmd", &plan.roles.to_passive, super::PASSIVE_PURPOSE),
    ] {
        files.insert(name.into(), role_script(plan, steps, what));
    }
    let mut any_task = false;
    for (stem, tasks) in super::tasks_by_kind(plan) {
        any_task = true;
        let mut s = header(plan, &super::task_script_purpose(tasks[0].kind));
        let _ = write!(
            s,
            "REM Each task runs through {TASK_RUNNER} (beside this script), which stops it when it overruns its timeout.\r\n"
        );
        for t in tasks {
            let timeout = t.timeout.map_or(DEFAULT_TIMEOUT, |d| d.seconds);
            let _ = write!(s, "REM {}\r\n", cmd_comment(&super::task_comment(plan, t)));
            let _ = write!(
                s,
                "{}\r\n{}\r\nset \"AMX_ARGS={}\"\r\nset \"AMX_TIMEOUT={timeout}\"\r\n",
                cmd_set("AMX_TASK", &t.name),
                cmd_set("AMX_PROGRAM", &t.program),
                t.args.len()
            );
            for (k, a) in t.args.iter().enumerate() {
                let _ = write!(s, "{}\r\n", cmd_set(&format!("AMX_ARG{k}"), a));
            }
            let _ = write!(
                s,
                "echo task \"%AMX_TASK%\" (timeout %AMX_TIMEOUT% s)\r\n\"%SystemRoot%\\System32\\cscript.exe\" //nologo //e:jscript \"%~dp0{TASK_RUNNER}\"\r\nif errorlevel 1 (echo error: task \"%AMX_TASK%\" failed& exit /b 1)\r\n"
            );
        }
        s.push_str("exit /b 0\r\n");
        files.insert(format!("{stem}.cmd"), s);
    }
    if any_task {
        let js = format!(
            "// {}\n{TASK_RUNNER_JS}",
            super::quote::ps_comment(&plan.banner())
        );
        files.insert(TASK_RUNNER.into(), js.replace('\n', "\r\n"));
    }
    files
}
