//! cmd scripts for Windows Server 2003. Values reach the script only as `set "AMX_…=…"`
//! lines ([`super::quote::cmd_set`]) and are used only inside double quotes, with delayed
//! expansion disabled, so no value can run a command. Service timeouts are honoured by
//! polling `sc query`; task timeouts are enforced by the HA product, which runs the task.

use super::ps1::DEFAULT_TIMEOUT;
use super::quote::{cmd_comment, cmd_set};
use super::recovery::recovery_actions;
use crate::ast::{ServiceState, Startup};
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn header(plan: &Plan, what: &str) -> String {
    format!(
        "@echo off\r\nREM {}\r\nREM {}\r\nsetlocal EnableExtensions DisableDelayedExpansion\r\n\r\n",
        cmd_comment(&plan.banner()),
        what
    )
}

const WAIT_SUB: &str = "\r\n:wait_state\r\nREM waits until service %AMX_NAME% reports state %1, at most %AMX_TIMEOUT% seconds\r\nset /a AMX_WAITED=0\r\n:wait_loop\r\nsc.exe query \"%AMX_NAME%\" | find \"%1\" >nul && exit /b 0\r\nif %AMX_WAITED% geq %AMX_TIMEOUT% (echo service \"%AMX_NAME%\" did not reach %1 within %AMX_TIMEOUT% s & exit /b 1)\r\nping -n 2 127.0.0.1 >nul\r\nset /a AMX_WAITED+=1\r\ngoto wait_loop\r\n";

const START_SUB: &str = "\r\n:start_service\r\nsc.exe query \"%AMX_NAME%\" | find \"RUNNING\" >nul && (echo \"%AMX_NAME%\" is already running& exit /b 0)\r\necho starting \"%AMX_NAME%\" (timeout %AMX_TIMEOUT% s)\r\nsc.exe start \"%AMX_NAME%\" >nul || (echo could not start \"%AMX_NAME%\" & exit /b 1)\r\ncall :wait_state RUNNING\r\nexit /b %errorlevel%\r\n";

const STOP_SUB: &str = "\r\n:stop_service\r\nsc.exe query \"%AMX_NAME%\" >nul 2>&1 || (echo \"%AMX_NAME%\" is not installed& exit /b 0)\r\nsc.exe query \"%AMX_NAME%\" | find \"STOPPED\" >nul && (echo \"%AMX_NAME%\" is already stopped& exit /b 0)\r\necho stopping \"%AMX_NAME%\" (timeout %AMX_TIMEOUT% s)\r\nsc.exe stop \"%AMX_NAME%\" >nul || (echo could not stop \"%AMX_NAME%\" & exit /b 1)\r\ncall :wait_state STOPPED\r\nexit /b %errorlevel%\r\n";

fn startup_word(s: Startup) -> &'static str {
    match s {
        Startup::Manual => "demand",
        Startup::Automatic => "auto",
        Startup::Disabled => "disabled",
    }
}

/// `if errorlevel 1 exit /b 1` after every step: fail fast.
const FAIL_FAST: &str = "if errorlevel 1 exit /b 1\r\n";

pub fn cmd_scripts(plan: &Plan) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let svcs = &plan.ev.services;

    let mut s = header(
        plan,
        "Configure the protected services: startup types and Windows recovery actions.",
    );
    for sv in svcs {
        let _ = write!(s, "{}\r\n", cmd_set("AMX_NAME", &sv.name));
        let _ = write!(
            s,
            "echo startup type of \"%AMX_NAME%\": {}\r\n",
            startup_word(sv.startup)
        );
        let _ = write!(
            s,
            "sc.exe config \"%AMX_NAME%\" start= {} >nul\r\n{FAIL_FAST}",
            startup_word(sv.startup)
        );
        if let Some(actions) = recovery_actions(&sv.on_failure) {
            let _ = write!(s, "echo recovery of \"%AMX_NAME%\": {actions}\r\n");
            let _ = write!(
                s,
                "sc.exe failure \"%AMX_NAME%\" reset= 86400 actions= {actions} >nul\r\n{FAIL_FAST}"
            );
        }
    }
    s.push_str("exit /b 0\r\n");
    files.insert("configure.cmd".into(), s);

    let mut s = header(plan, "Start the protected services in dependency order.");
    for &i in &plan.start {
        let sv = &svcs[i];
        if sv.active == ServiceState::Running {
            let t = sv.start_timeout.map_or(DEFAULT_TIMEOUT, |d| d.seconds);
            let _ = write!(
                s,
                "{}\r\nset \"AMX_TIMEOUT={t}\"\r\ncall :start_service\r\n{FAIL_FAST}",
                cmd_set("AMX_NAME", &sv.name)
            );
        }
    }
    s.push_str("exit /b 0\r\n");
    s.push_str(START_SUB);
    s.push_str(WAIT_SUB);
    files.insert("start.cmd".into(), s);

    let mut s = header(
        plan,
        "Stop the protected services: the exact reverse of the start order.",
    );
    for &i in plan.start.iter().rev() {
        let sv = &svcs[i];
        let t = sv.stop_timeout.map_or(DEFAULT_TIMEOUT, |d| d.seconds);
        let _ = write!(
            s,
            "{}\r\nset \"AMX_TIMEOUT={t}\"\r\ncall :stop_service\r\n{FAIL_FAST}",
            cmd_set("AMX_NAME", &sv.name)
        );
    }
    s.push_str("exit /b 0\r\n");
    s.push_str(STOP_SUB);
    s.push_str(WAIT_SUB);
    files.insert("stop.cmd".into(), s);

    for (stem, tasks) in super::tasks_by_kind(plan) {
        let mut s = header(plan, &super::task_script_purpose(tasks[0].kind));
        for t in tasks {
            let _ = write!(s, "REM {}\r\n", cmd_comment(&super::task_comment(plan, t)));
            let _ = write!(
                s,
                "{}\r\n{}\r\n",
                cmd_set("AMX_TASK", &t.name),
                cmd_set("AMX_PROGRAM", &t.program)
            );
            let mut line = String::from("\"%AMX_PROGRAM%\"");
            for (k, a) in t.args.iter().enumerate() {
                let _ = write!(s, "{}\r\n", cmd_set(&format!("AMX_ARG{k}"), a));
                let _ = write!(line, " \"%AMX_ARG{k}%\"");
            }
            let _ = write!(s, "echo task \"%AMX_TASK%\"\r\n{line}\r\nif errorlevel 1 (echo task \"%AMX_TASK%\" failed & exit /b 1)\r\n");
        }
        s.push_str("exit /b 0\r\n");
        files.insert(format!("{stem}.cmd"), s);
    }
    files
}
