//! PowerShell scripts for Windows Server 2008 and later. Every value is a single-quoted
//! literal ([`super::quote::ps`]); scripts stop at the first failure, say what they do, and
//! can run twice (a running service is not started again, a stopped one not stopped again).

use super::quote::{ps, ps_comment, win_arg};
use super::recovery::recovery_actions;
use crate::ast::{Startup, TaskKind};
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Seconds to wait for a service when the policy gives no timeout.
pub const DEFAULT_TIMEOUT: u64 = 300;

fn header(plan: &Plan, what: &str) -> String {
    format!(
        "# {}\n# {}\n#Requires -RunAsAdministrator\nSet-StrictMode -Version 3.0\n$ErrorActionPreference = 'Stop'\n\n",
        ps_comment(&plan.banner()),
        what
    )
}

const STARTUP_FN: &str = r#"function Set-AmxStartup([string]$Name, [string]$StartupType) {
    $svc = Get-Service -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $svc) { throw "service '$Name' is not installed" }
    Write-Host "startup type of '$Name': $StartupType"
    Set-Service -Name $Name -StartupType $StartupType
}

function Set-AmxRecovery([string]$Name, [string]$Actions) {
    Write-Host "recovery of '$Name': $Actions"
    & sc.exe failure $Name reset= 86400 actions= $Actions | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe failure '$Name' failed with exit code $LASTEXITCODE" }
}
"#;

const START_FN: &str = r#"function Start-AmxService([string]$Name, [int]$TimeoutSeconds) {
    $svc = Get-Service -Name $Name -ErrorAction Stop
    if ($svc.Status -eq 'Running') { Write-Host "'$Name' is already running"; return }
    Write-Host "starting '$Name' (timeout $TimeoutSeconds s)"
    Start-Service -Name $Name
    $svc.WaitForStatus('Running', [TimeSpan]::FromSeconds($TimeoutSeconds))
}
"#;

const STOP_FN: &str = r#"function Stop-AmxService([string]$Name, [int]$TimeoutSeconds) {
    $svc = Get-Service -Name $Name -ErrorAction SilentlyContinue
    if ($null -eq $svc) { Write-Host "'$Name' is not installed"; return }
    if ($svc.Status -eq 'Stopped') { Write-Host "'$Name' is already stopped"; return }
    Write-Host "stopping '$Name' (timeout $TimeoutSeconds s)"
    Stop-Service -Name $Name -Force
    $svc.WaitForStatus('Stopped', [TimeSpan]::FromSeconds($TimeoutSeconds))
}
"#;

const TASK_FN: &str = r#"function Invoke-AmxTask([string]$Name, [string]$Program, [string]$Arguments, [int]$TimeoutSeconds) {
    Write-Host "task '$Name': $Program $Arguments"
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $Program
    $psi.Arguments = $Arguments
    $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
        $p.Kill()
        throw "task '$Name' did not finish within $TimeoutSeconds s"
    }
    if ($p.ExitCode -ne 0) { throw "task '$Name' failed with exit code $($p.ExitCode)" }
}
"#;

pub fn startup_name(s: Startup) -> &'static str {
    match s {
        Startup::Manual => "Manual",
        Startup::Automatic => "Automatic",
        Startup::Disabled => "Disabled",
    }
}

/// Script file stem for a task kind.
pub fn task_script_stem(kind: TaskKind) -> String {
    format!("tasks-{}", kind.keyword())
}

pub fn ps1_scripts(plan: &Plan) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let svcs = &plan.ev.services;
    let mut s = header(
        plan,
        "Configure the protected services: startup types and Windows recovery actions.",
    );
    s.push_str(STARTUP_FN);
    s.push('\n');
    for sv in svcs {
        let _ = writeln!(
            s,
            "Set-AmxStartup -Name {} -StartupType {}",
            ps(&sv.name),
            ps(startup_name(sv.startup))
        );
        if let Some(actions) = recovery_actions(&sv.on_failure) {
            let _ = writeln!(
                s,
                "Set-AmxRecovery -Name {} -Actions {}",
                ps(&sv.name),
                ps(&actions)
            );
        }
    }
    files.insert("configure.ps1".into(), s);

    let mut s = header(plan, "Start the protected services in dependency order.");
    s.push_str(START_FN);
    s.push('\n');
    for &i in &plan.start {
        let sv = &svcs[i];
        if sv.active == crate::ast::ServiceState::Running {
            let t = sv.start_timeout.map_or(DEFAULT_TIMEOUT, |d| d.seconds);
            let _ = writeln!(
                s,
                "Start-AmxService -Name {} -TimeoutSeconds {t}",
                ps(&sv.name)
            );
        }
    }
    files.insert("start.ps1".into(), s);

    let mut s = header(
        plan,
        "Stop the protected services: the exact reverse of the start order.",
    );
    s.push_str(STOP_FN);
    s.push('\n');
    for &i in plan.start.iter().rev() {
        let sv = &svcs[i];
        let t = sv.stop_timeout.map_or(DEFAULT_TIMEOUT, |d| d.seconds);
        let _ = writeln!(
            s,
            "Stop-AmxService -Name {} -TimeoutSeconds {t}",
            ps(&sv.name)
        );
    }
    files.insert("stop.ps1".into(), s);

    for (stem, tasks) in super::tasks_by_kind(plan) {
        let mut s = header(plan, &super::task_script_purpose(tasks[0].kind));
        s.push_str(TASK_FN);
        s.push('\n');
        for t in tasks {
            let _ = writeln!(s, "# {}", ps_comment(&super::task_comment(plan, t)));
            let args: Vec<String> = t.args.iter().map(|a| win_arg(a)).collect();
            let timeout = t.timeout.map_or(DEFAULT_TIMEOUT, |d| d.seconds);
            let _ = writeln!(
                s,
                "Invoke-AmxTask -Name {} -Program {} -Arguments {} -TimeoutSeconds {timeout}",
                ps(&t.name),
                ps(&t.program),
                ps(&args.join(" "))
            );
        }
        files.insert(format!("{stem}.ps1"), s);
    }
    files
}
