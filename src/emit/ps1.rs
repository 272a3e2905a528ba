//! PowerShell scripts, in the language and cmdlets of Windows PowerShell 2.0 (Windows Server
//! 2008 R2, and 2003/2008 with the Windows Management Framework). Every value is a
//! single-quoted literal ([`super::quote::ps`]); services are addressed by exact name; every
//! wait is bounded; scripts stop at the first failure, say what they do and why they failed,
//! and can run twice (a running service is not started again, a stopped one not stopped
//! again).

use super::quote::{ps, ps_comment, win_arg};
use crate::ast::{Startup, TaskKind};
use crate::model::{stops_with_earlier, Change, ServiceStep};
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Seconds to wait for a service or a task when the policy gives no timeout: the same wait
/// the switchover plan counts.
pub const DEFAULT_TIMEOUT: u64 = crate::model::timeline::DEFAULT_WAIT_SECONDS;

pub(crate) fn header(plan: &Plan, what: &str) -> String {
    format!("# {}\n# {}\n{PRELUDE}\n", ps_comment(&plan.banner()), what)
}

/// The first lines of every script: PowerShell 2.0's strict mode, stop at the first error,
/// an explicit administrator check (`#Requires -RunAsAdministrator` needs PowerShell 4.0), and
/// the assembly that addresses services by exact name.
const PRELUDE: &str = r#"# Windows PowerShell 2.0 or later, run as an administrator.
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$amxIdentity = [Security.Principal.WindowsIdentity]::GetCurrent()
$amxPrincipal = New-Object Security.Principal.WindowsPrincipal -ArgumentList $amxIdentity
if (-not $amxPrincipal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    throw 'run this script as an administrator'
}
Add-Type -AssemblyName System.ServiceProcess
"#;

/// A service by its exact name: `ServiceController` takes no wildcards (`Get-Service -Name`
/// does), and a display name that happens to match is not taken for the name.
pub(crate) const GET_FN: &str = r#"function Get-AmxService([string]$Name) {
    $svc = New-Object System.ServiceProcess.ServiceController -ArgumentList $Name
    try { $null = $svc.Status } catch { return $null }
    if ($svc.ServiceName -ne $Name) { return $null }
    return $svc
}
"#;

/// `sc.exe` with its output kept, and shown when it fails.
pub(crate) const SC_FN: &str = r#"function Invoke-AmxSc([string]$Name, [string]$Step, [string[]]$Arguments) {
    # here only: with 'Stop', Windows PowerShell turns a native program's stderr into an error
    $ErrorActionPreference = 'Continue'
    $out = & sc.exe $Arguments 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "${Step}: sc.exe failed for service '$Name' (exit code $LASTEXITCODE): $out"
    }
}

function Set-AmxStartup([string]$Name, [string]$StartType) {
    if ($null -eq (Get-AmxService $Name)) { throw "startup type: service '$Name' is not installed" }
    Write-Host "startup type of '$Name': $StartType"
    Invoke-AmxSc $Name 'startup type' @('config', $Name, 'start=', $StartType)
}

function Clear-AmxRecovery([string]$Name) {
    Write-Host "Windows recovery of '$Name': take no action (the HA engine handles failures)"
    Invoke-AmxSc $Name 'recovery' @('failure', $Name, 'reset=', '0', 'actions=', '/0')
}
"#;

/// Waiting for a state in steps of a second, measured by a stopwatch: a service back in the
/// opposite state ends the wait once it has had 3 seconds to report the change (a service may
/// take a moment to acknowledge a stop), and the timeout is always honoured.
const WAIT_FN: &str = r#"function Wait-AmxStatus($Service, [string]$Name, [string]$Want, [string]$Step, [int]$TimeoutSeconds) {
    # seconds by the clock, not rounds of the loop
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    while ($true) {
        try {
            $Service.WaitForStatus($Want, [TimeSpan]::FromSeconds(1))
            return
        } catch [System.ServiceProcess.TimeoutException] {
        }
        $waited = [int][Math]::Floor($clock.Elapsed.TotalSeconds)
        $Service.Refresh()
        $now = [string]$Service.Status
        if ($waited -ge 3 -and $Want -eq 'Running' -and $now -eq 'Stopped') {
            throw "${Step}: service '$Name' stopped again instead of reaching Running"
        }
        if ($waited -ge 3 -and $Want -eq 'Stopped' -and $now -eq 'Running') {
            throw "${Step}: service '$Name' is running again instead of reaching Stopped"
        }
        if ($waited -ge $TimeoutSeconds) {
            throw "${Step}: service '$Name' is $now after $TimeoutSeconds s, not $Want"
        }
    }
}
"#;

/// The running services that depend on `$Name` and are not stopped before it by the same
/// script: a stop would fail half-way with them running (Windows refuses it, error 1051).
const STOPPABLE_FN: &str = r#"function Get-AmxBlockingDependents([string]$Name, [string[]]$StoppedBefore) {
    $svc = Get-AmxService $Name
    if ($null -eq $svc -or [string]$svc.Status -eq 'Stopped') { return @() }
    return @($svc.DependentServices | Where-Object { [string]$_.Status -ne 'Stopped' -and $StoppedBefore -notcontains $_.ServiceName } | ForEach-Object { "service '$($_.ServiceName)' depends on '$Name' and runs" })
}
"#;

const START_FN: &str = r#"function Start-AmxService([string]$Name, [int]$TimeoutSeconds) {
    $svc = Get-AmxService $Name
    if ($null -eq $svc) { throw "start: service '$Name' is not installed" }
    if ([string]$svc.Status -eq 'Running') { Write-Host "'$Name' is already running"; return }
    Write-Host "starting '$Name' (timeout $TimeoutSeconds s)"
    if ([string]$svc.Status -eq 'Stopped') { $svc.Start() }
    Wait-AmxStatus $svc $Name 'Running' 'start' $TimeoutSeconds
}
"#;

/// Stopping one service only: a running dependent the policy does not name is reported by
/// name, never stopped behind the policy's back (`Stop-Service -Force` would stop it).
const STOP_FN: &str = r#"function Stop-AmxService([string]$Name, [int]$TimeoutSeconds) {
    $svc = Get-AmxService $Name
    if ($null -eq $svc) { Write-Host "'$Name' is not installed"; return }
    if ([string]$svc.Status -eq 'Stopped') { Write-Host "'$Name' is already stopped"; return }
    $running = @($svc.DependentServices | Where-Object { [string]$_.Status -ne 'Stopped' } | ForEach-Object { $_.ServiceName })
    if ($running.Count -gt 0) {
        throw "stop: service '$Name' has running dependent services that the policy does not protect: $($running -join ', '); stop them first, or add them to the policy"
    }
    Write-Host "stopping '$Name' (timeout $TimeoutSeconds s)"
    if ([string]$svc.Status -ne 'StopPending') { $svc.Stop() }
    Wait-AmxStatus $svc $Name 'Stopped' 'stop' $TimeoutSeconds
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
        # the task and everything it started, as the cmd scripts' runner stops them
        $null = & "$env:SystemRoot\System32\taskkill.exe" /pid $p.Id /t /f 2>&1
        if (-not $p.HasExited) { $p.Kill() }
        throw "task '$Name' did not finish within $TimeoutSeconds s and was stopped with what it started"
    }
    if ($p.ExitCode -ne 0) { throw "task '$Name' failed with exit code $($p.ExitCode)" }
}
"#;

/// The startup type as `sc.exe config … start=` writes it.
pub fn sc_start_word(s: Startup) -> &'static str {
    match s {
        Startup::Manual => "demand",
        Startup::Automatic => "auto",
        // `sc config … start= delayed-auto` (Windows Server 2008 and later)
        Startup::DelayedAutomatic => "delayed-auto",
        Startup::Disabled => "disabled",
    }
}

/// Script file stem for a task kind.
pub fn task_script_stem(kind: TaskKind) -> String {
    format!("tasks-{}", kind.keyword())
}

/// A script that brings this server's services to the states of one role: the check that
/// nothing stops half-way, the stops, then the starts (`lower/roles.rs`).
fn role_script(plan: &Plan, steps: &[ServiceStep], what: &str) -> String {
    let svcs = &plan.ev.services;
    let mut s = header(plan, what);
    s.push_str(GET_FN);
    s.push('\n');
    s.push_str(WAIT_FN);
    s.push('\n');
    let stops = stops_with_earlier(steps);
    if !stops.is_empty() {
        s.push_str(STOPPABLE_FN);
        s.push('\n');
        s.push_str(STOP_FN);
        s.push('\n');
    }
    if steps.iter().any(|st| st.change == Change::Start) {
        s.push_str(START_FN);
        s.push('\n');
    }
    if !stops.is_empty() {
        s.push_str("# before anything is stopped: no running service depends on one this script stops, unless it is stopped first\n$amxBlocked = @()\n");
        for (i, earlier) in &stops {
            let before: Vec<String> = earlier.iter().map(|&e| ps(&svcs[e].name)).collect();
            let _ = writeln!(
                s,
                "$amxBlocked += @(Get-AmxBlockingDependents -Name {} -StoppedBefore @({}))",
                ps(&svcs[*i].name),
                before.join(", ")
            );
        }
        s.push_str("if ($amxBlocked.Count -gt 0) {\n    throw \"nothing was stopped: $($amxBlocked -join '; '); stop those services first, or add them to the policy with ``after``\"\n}\n");
    }
    for st in steps {
        let sv = &svcs[st.service];
        let verb = match st.change {
            Change::Start => "Start",
            Change::Stop => "Stop",
        };
        let _ = writeln!(
            s,
            "{verb}-AmxService -Name {} -TimeoutSeconds {}",
            ps(&sv.name),
            st.seconds
        );
    }
    s
}

pub fn ps1_scripts(plan: &Plan) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let svcs = &plan.ev.services;
    let mut s = header(
        plan,
        "Configure the managed services: startup types, and no Windows recovery (the HA engine handles failures). A service the policy does not manage (`manage no`) is not touched.",
    );
    s.push_str(GET_FN);
    s.push('\n');
    s.push_str(SC_FN);
    s.push('\n');
    for &i in &plan.roles.configure {
        let sv = &svcs[i];
        let _ = writeln!(
            s,
            "Set-AmxStartup -Name {} -StartType {}",
            ps(&sv.name),
            ps(sc_start_word(sv.startup))
        );
        let _ = writeln!(s, "Clear-AmxRecovery -Name {}", ps(&sv.name));
    }
    files.insert("configure.ps1".into(), s);

    for (name, steps, what) in [
        ("start.ps1", &plan.roles.to_active, super::ACTIVE_PURPOSE),
        ("stop.ps1", &plan.roles.to_passive, super::PASSIVE_PURPOSE),
    ] {
        files.insert(name.into(), role_script(plan, steps, what));
    }

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
