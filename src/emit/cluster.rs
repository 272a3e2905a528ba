//! The failover-clustering engine's outputs for one server (`engine/wsfc.rs` has the facts
//! and their sources, `plan/cluster.rs` the role):
//! - `cluster.ps1`: the FailoverClusters module (Windows Server 2008 R2 and later), in the
//!   PowerShell 2.0 of the other scripts;
//! - `cluster.cmd`: `cluster.exe` (Windows Server 2003 and 2008), from cmd;
//! - `cluster.yaml`: the role as data, for review and `amxc diff`;
//! - `summary.md`: the role, and the mapping table when constructs were allowed to be lost.
//!
//! Both scripts create what is missing and update what exists, so they can run again after
//! every change of the policy: the role, one Generic Service resource per service (its
//! service, restart policy and timeout), dependencies and registry checkpoints. Neither
//! removes what the policy no longer lists: both name it, for a person to remove.

use super::quote::{cmd_comment, cmd_set, ps, ps_comment};
use super::summary::{cell, code, server_table};
use crate::diagnostic::{codes, Diagnostic};
use crate::engine::wsfc::{self, Fidelity, MAPPING};
use crate::plan::cluster::{Resource, Role};
use crate::plan::Plan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The format version of `cluster.yaml`.
pub const CLUSTER_FORMAT_VERSION: u32 = 1;

/// The FailoverClusters module, idempotent helpers. A missing group or resource is found by
/// listing (`Get-ClusterGroup -Name` fails on a name that does not exist).
const PS_FNS: &str = r#"function Get-AmxGroup([string]$Name) {
    $found = @(Get-ClusterGroup | Where-Object { $_.Name -eq $Name })
    if ($found.Count -gt 0) { return $found[0] }
    Write-Host "creating role '$Name'"
    return Add-ClusterGroup -Name $Name
}

function Set-AmxResource([string]$Group, [string]$Name, [string]$Service, [int]$RestartAction, [int]$RestartThreshold, [int]$RestartPeriod, [int]$PendingTimeout) {
    if ($null -eq (Get-AmxService $Service)) { throw "resource '$Name': service '$Service' is not installed on this node" }
    $found = @(Get-ClusterResource | Where-Object { $_.Name -eq $Name })
    if ($found.Count -eq 0) {
        Write-Host "creating resource '$Name' for service '$Service'"
        $res = Add-ClusterResource -Name $Name -Group $Group -ResourceType 'Generic Service'
    } else {
        $res = $found[0]
        if ([string]$res.OwnerGroup.Name -ne $Group) { throw "resource '$Name' belongs to role '$($res.OwnerGroup.Name)', not '$Group'" }
        if ([string]$res.ResourceType.Name -ne 'Generic Service') { throw "resource '$Name' is a '$($res.ResourceType.Name)' resource, not a Generic Service" }
    }
    Write-Host "resource '$Name': service '$Service', RestartAction $RestartAction, RestartThreshold $RestartThreshold, RestartPeriod $RestartPeriod ms, PendingTimeout $PendingTimeout ms"
    $null = $res | Set-ClusterParameter -Name 'ServiceName' -Value $Service
    $res.RestartAction = $RestartAction
    $res.RestartThreshold = $RestartThreshold
    $res.RestartPeriod = $RestartPeriod
    $res.PendingTimeout = $PendingTimeout
    Set-AmxStartup $Service 'demand'
    Clear-AmxRecovery $Service
}

function Set-AmxDependency([string]$Name, [string]$Expression) {
    $now = [string](Get-ClusterResourceDependency -Resource $Name).DependencyExpression
    if ($Expression -eq '') {
        if ($now -ne '') { Write-Warning "resource '$Name' depends on $now, which the policy does not list: remove it if it is stale" }
        return
    }
    Write-Host "dependencies of '$Name': $Expression"
    $null = Set-ClusterResourceDependency -Resource $Name -Dependency $Expression
}

function Set-AmxCheckpoints([string]$Name, [string[]]$Keys) {
    $have = @(Get-ClusterCheckpoint -ResourceName $Name -RegistryCheckpoint | ForEach-Object { [string]$_.Name })
    foreach ($key in $Keys) {
        if (@($have | Where-Object { $_ -eq $key }).Count -eq 0) {
            Write-Host "registry checkpoint of '$Name': $key"
            $null = Add-ClusterCheckpoint -ResourceName $Name -RegistryCheckpoint $key
        }
    }
    foreach ($key in $have) {
        if (@($Keys | Where-Object { $_ -eq $key }).Count -eq 0) {
            Write-Warning "resource '$Name' checkpoints $key, which the policy does not list: remove it if it is stale"
        }
    }
}
"#;

/// `cluster.ps1`.
pub fn cluster_ps1(plan: &Plan, role: &Role) -> String {
    let mut s = super::ps1::header(
        plan,
        "Create or update the failover-cluster role: its Generic Service resources, their restart policy, dependencies and registry checkpoints.",
    );
    s.push_str("if ($null -eq (Get-Module -ListAvailable -Name FailoverClusters)) { throw 'the FailoverClusters module is missing: it comes with the Failover Clustering feature of Windows Server 2008 R2 and later' }\nImport-Module FailoverClusters\n\n");
    s.push_str(super::ps1::GET_FN);
    s.push('\n');
    s.push_str(super::ps1::SC_FN);
    s.push('\n');
    s.push_str(PS_FNS);
    s.push('\n');
    let _ = writeln!(s, "$amxGroup = Get-AmxGroup {}", ps(&role.group));
    for r in &role.resources {
        let _ = writeln!(
            s,
            "# {}",
            ps_comment(&format!("service {}, from {}", r.service, r.origin))
        );
        let _ = writeln!(
            s,
            "Set-AmxResource -Group {} -Name {} -Service {} -RestartAction {} -RestartThreshold {} -RestartPeriod {} -PendingTimeout {}",
            ps(&role.group),
            ps(&r.name),
            ps(&r.service),
            r.restart_action,
            r.restart_threshold,
            r.restart_period_ms,
            r.pending_timeout_ms
        );
    }
    for r in &role.resources {
        let expr: Vec<String> = r.depends_on.iter().map(|d| format!("[{d}]")).collect();
        let _ = writeln!(
            s,
            "Set-AmxDependency -Name {} -Expression {}",
            ps(&r.name),
            ps(&expr.join(" and "))
        );
    }
    if let (Some(first), false) = (role.resources.first(), role.checkpoints.is_empty()) {
        let keys: Vec<String> = role.checkpoints.iter().map(|c| ps(&c.key)).collect();
        let _ = writeln!(
            s,
            "Set-AmxCheckpoints -Name {} -Keys @({})",
            ps(&first.name),
            keys.join(", ")
        );
    }
    let _ = writeln!(s, "Write-Host \"role '$($amxGroup.Name)' is configured\"");
    s
}

/// cluster.exe subroutines. cluster.exe exits with the Windows error code: 5003
/// (ERROR_DEPENDENCY_ALREADY_EXISTS) and 183 (ERROR_ALREADY_EXISTS) mean the dependency or
/// checkpoint is there already. Every result is read with `if errorlevel`, and every value
/// is used as in the other cmd scripts (see `super::cmd::QUERY_SUB`).
const CMD_SUBS: &str = "\r\n:group\r\n\"%SystemRoot%\\System32\\cluster.exe\" group \"%AMX_GROUP%\" /status >nul 2>&1\r\nif not errorlevel 1 exit /b 0\r\necho creating role \"%AMX_GROUP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" group \"%AMX_GROUP%\" /create\r\nif errorlevel 1 (echo error: cluster.exe could not create role \"%AMX_GROUP%\"; its output above says why& exit /b 1)\r\nexit /b 0\r\n\r\n:resource\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"\" (echo error: resource \"%AMX_RES%\": service \"%AMX_NAME%\" is not installed on this node& exit /b 1)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /status >nul 2>&1\r\nif not errorlevel 1 goto resource_set\r\necho creating resource \"%AMX_RES%\" for service \"%AMX_NAME%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /create /group:\"%AMX_GROUP%\" /type:\"Generic Service\"\r\nif errorlevel 1 (echo error: cluster.exe could not create resource \"%AMX_RES%\"; its output above says why& exit /b 1)\r\n:resource_set\r\necho resource \"%AMX_RES%\": service \"%AMX_NAME%\", RestartAction %AMX_ACTION%, RestartThreshold %AMX_THRESHOLD%, RestartPeriod %AMX_PERIOD% ms, PendingTimeout %AMX_PENDING% ms\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /priv ServiceName=\"%AMX_NAME%\"\r\nif errorlevel 1 (echo error: cluster.exe could not set the service of \"%AMX_RES%\"& exit /b 1)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /prop RestartAction=%AMX_ACTION% RestartThreshold=%AMX_THRESHOLD% RestartPeriod=%AMX_PERIOD% PendingTimeout=%AMX_PENDING%\r\nif errorlevel 1 (echo error: cluster.exe could not set the restart policy of \"%AMX_RES%\"& exit /b 1)\r\nset \"AMX_START=demand\"\r\ncall :configure_service\r\nexit /b %errorlevel%\r\n\r\n:dependency\r\necho \"%AMX_RES%\" depends on \"%AMX_DEP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /adddep:\"%AMX_DEP%\" >nul 2>&1\r\nset \"AMX_RC=%errorlevel%\"\r\nif \"%AMX_RC%\"==\"5003\" exit /b 0\r\nif not \"%AMX_RC%\"==\"0\" (echo error: cluster.exe could not make \"%AMX_RES%\" depend on \"%AMX_DEP%\", error %AMX_RC%& exit /b 1)\r\nexit /b 0\r\n\r\n:checkpoint\r\necho registry checkpoint of \"%AMX_RES%\": \"%AMX_KEY%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /addcheck:\"%AMX_KEY%\" >nul 2>&1\r\nset \"AMX_RC=%errorlevel%\"\r\nif \"%AMX_RC%\"==\"183\" exit /b 0\r\nif not \"%AMX_RC%\"==\"0\" (echo error: cluster.exe could not checkpoint \"%AMX_KEY%\" for \"%AMX_RES%\", error %AMX_RC%& exit /b 1)\r\nexit /b 0\r\n";

/// `cluster.cmd`.
pub fn cluster_cmd(plan: &Plan, role: &Role) -> String {
    let mut s = super::cmd::header(
        plan,
        "Create or update the failover-cluster role with cluster.exe: Generic Service resources, restart policy, dependencies, registry checkpoints.",
    );
    let _ = write!(
        s,
        "{}\r\ncall :group\r\n{}",
        cmd_set("AMX_GROUP", &role.group),
        super::cmd::FAIL_FAST
    );
    for r in &role.resources {
        let _ = write!(
            s,
            "REM {}\r\n",
            cmd_comment(&format!("service {}, from {}", r.service, r.origin))
        );
        let _ = write!(
            s,
            "{}\r\n{}\r\nset \"AMX_ACTION={}\"\r\nset \"AMX_THRESHOLD={}\"\r\nset \"AMX_PERIOD={}\"\r\nset \"AMX_PENDING={}\"\r\ncall :resource\r\n{}",
            cmd_set("AMX_RES", &r.name),
            cmd_set("AMX_NAME", &r.service),
            r.restart_action,
            r.restart_threshold,
            r.restart_period_ms,
            r.pending_timeout_ms,
            super::cmd::FAIL_FAST
        );
    }
    for r in &role.resources {
        for d in &r.depends_on {
            let _ = write!(
                s,
                "{}\r\n{}\r\ncall :dependency\r\n{}",
                cmd_set("AMX_RES", &r.name),
                cmd_set("AMX_DEP", d),
                super::cmd::FAIL_FAST
            );
        }
    }
    if let Some(first) = role.resources.first() {
        for c in &role.checkpoints {
            let _ = write!(
                s,
                "{}\r\n{}\r\ncall :checkpoint\r\n{}",
                cmd_set("AMX_RES", &first.name),
                cmd_set("AMX_KEY", &c.key),
                super::cmd::FAIL_FAST
            );
        }
    }
    s.push_str("echo the role's dependencies and checkpoints that the policy does not list are not removed; review them:\r\n");
    for r in &role.resources {
        let _ = write!(
            s,
            "{}\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /listdep\r\n",
            cmd_set("AMX_RES", &r.name)
        );
    }
    if let Some(first) = role.resources.first() {
        let _ = write!(
            s,
            "{}\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /checkpoints\r\n",
            cmd_set("AMX_RES", &first.name)
        );
    }
    s.push_str("exit /b 0\r\n");
    s.push_str(CMD_SUBS);
    s.push_str(super::cmd::CONFIGURE_SUB);
    s.push_str(super::cmd::QUERY_SUB);
    s
}

/// `cluster.yaml`: a clustered server's role as data (read back by `amxc diff`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterFile {
    pub format_version: u32,
    pub engine: String,
    pub server: String,
    pub release: String,
    pub role: String,
    #[serde(default)]
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub checkpoints: Vec<CheckpointEntry>,
    #[serde(default)]
    pub not_mapped: Vec<LossEntry>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CheckpointEntry {
    pub resource: String,
    pub key: String,
    pub from: String,
    pub origin: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LossEntry {
    pub fidelity: String,
    pub what: String,
    pub how: String,
    pub origin: String,
}

/// The role as [`ClusterFile`].
pub fn cluster_file(plan: &Plan, role: &Role) -> ClusterFile {
    let holder = role.resources.first().map_or("", |r| r.name.as_str());
    ClusterFile {
        format_version: CLUSTER_FORMAT_VERSION,
        engine: "wsfc".to_string(),
        server: plan.target.server.clone(),
        release: plan.target.release.to_string(),
        role: role.group.clone(),
        resources: role.resources.clone(),
        checkpoints: role
            .checkpoints
            .iter()
            .map(|c| CheckpointEntry {
                resource: holder.to_string(),
                key: c.key.clone(),
                from: c.pattern.clone(),
                origin: c.origin.clone(),
            })
            .collect(),
        not_mapped: role
            .losses
            .iter()
            .map(|l| LossEntry {
                fidelity: l.fidelity.as_str().to_string(),
                what: l.subject.clone(),
                how: wsfc::row_of(l.construct).how.to_string(),
                origin: l.origin.clone(),
            })
            .collect(),
    }
}

/// `cluster.yaml`.
pub fn cluster_yaml(plan: &Plan, role: &Role) -> String {
    format!(
        "# {}\n{}",
        plan.banner(),
        super::yaml::to_string(&cluster_file(plan, role))
    )
}

/// `summary.md` of a clustered server.
pub fn cluster_summary(plan: &Plan, role: &Role) -> String {
    let mut s = server_table(plan);
    let _ = writeln!(s, "| Engine | wsfc (Windows Server Failover Clustering) |");
    let _ = writeln!(s, "| Role | {} |", cell(&role.group));
    let _ = writeln!(s, "\n## Resources, in start order\n");
    let _ = writeln!(
        s,
        "| resource | service | depends on | on failure | pending timeout | origin |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for r in &role.resources {
        let deps: Vec<String> = r.depends_on.iter().map(|d| cell(d)).collect();
        let times = match r.restart_threshold {
            1 => "once".to_string(),
            n => format!("{n} times"),
        };
        let minutes = r.restart_period_ms / 60_000;
        let failure = match r.restart_action {
            wsfc::DONT_RESTART => "not restarted".to_string(),
            wsfc::RESTART_NO_FAILOVER => {
                format!("restarted {times} in {minutes} min, then left failed")
            }
            _ if r.restart_threshold == 0 => "the role fails over".to_string(),
            _ => format!("restarted {times} in {minutes} min, then the role fails over"),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {failure} | {} s | {} |",
            cell(&r.name),
            code(&r.service),
            if deps.is_empty() {
                "—".to_string()
            } else {
                deps.join(", ")
            },
            r.pending_timeout_ms / 1000,
            cell(&r.origin)
        );
    }
    let _ = writeln!(s, "\n## Registry checkpoints\n");
    if role.checkpoints.is_empty() {
        let _ = writeln!(s, "None.");
    } else {
        let holder = role.resources.first().map_or("", |r| r.name.as_str());
        let _ = writeln!(s, "Held by {}, the first resource to come online, so that every key is restored before a service starts.\n", cell(holder));
        let _ = writeln!(s, "| key (under HKLM) | from | origin |\n|---|---|---|");
        for c in &role.checkpoints {
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                code(&c.key),
                code(&c.pattern),
                cell(&c.origin)
            );
        }
    }
    if !role.losses.is_empty() {
        let _ = writeln!(
            s,
            "\n## Not carried out as written (allowed with `--allow-lossy`)\n"
        );
        let _ = writeln!(
            s,
            "| | what | what the cluster does | origin |\n|---|---|---|---|"
        );
        for l in &role.losses {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                l.fidelity.as_str(),
                cell(&l.subject),
                cell(wsfc::row_of(l.construct).how),
                cell(&l.origin)
            );
        }
        let _ = writeln!(s, "\n### How this engine maps each construct\n");
        s.push_str(&mapping_table());
    }
    s
}

/// The engine's whole mapping table, in Markdown (also in `docs/engines.md`). Its texts are
/// amxc's own and keep their code spans.
pub fn mapping_table() -> String {
    let md = |t: &str| t.replace('|', "\\|");
    let mut s = String::from("| construct | | how |\n|---|---|---|\n");
    for r in MAPPING {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            md(r.what),
            r.fidelity.as_str(),
            md(r.how)
        );
    }
    s
}

/// Diagnostics for what the role does not carry out: errors, or warnings when allowed.
pub fn loss_diagnostics(plan: &Plan, role: &Role, allowed: bool) -> Vec<Diagnostic> {
    role.losses
        .iter()
        .filter(|l| l.fidelity != Fidelity::Mapped)
        .map(|l| {
            let row = wsfc::row_of(l.construct);
            let d = Diagnostic::new(
                codes::NOT_MAPPED,
                format!(
                    "{} is {} for server `{}` (engine wsfc)",
                    l.subject,
                    l.fidelity.as_str(),
                    plan.target.server
                ),
            )
            .at(plan.input.policy.file, l.span, format!("{}: {}", row.what, l.fidelity.as_str()))
            .with_note(format!("with failover clustering: {}", row.how))
            .with_help("compile for the replication engine, change the policy for this server, or accept the loss with `--allow-lossy` (the summary then lists it)");
            if allowed {
                d.with_severity(crate::diagnostic::Severity::Warning)
            } else {
                d
            }
        })
        .collect()
}

/// Why a role cannot be written into its scripts: names a dependency expression or
/// cluster.exe's lists cannot hold.
pub fn refusals(plan: &Plan, role: &Role, cmd: bool) -> Vec<Diagnostic> {
    let file = plan.input.policy.file;
    let mut out = Vec::new();
    for r in &role.resources {
        if r.name.contains(['[', ']']) {
            out.push(
                Diagnostic::new(
                    codes::UNSAFE_VALUE,
                    format!("resource name `{}` holds a square bracket", r.name),
                )
                .at(file, r.span, "this service")
                .with_note("a cluster dependency expression names resources in square brackets")
                .with_help("give the service a display name without `[` or `]`"),
            );
        }
    }
    if cmd {
        // the one rule for a value in a cmd script
        let ascii = |value: &str, what: &str, span, out: &mut Vec<Diagnostic>| {
            if let Some(why) = super::cmd::value_refusal(value, false) {
                out.push(
                    Diagnostic::new(
                        codes::UNSAFE_VALUE,
                        format!("{what} `{value}` cannot be written into a cmd script: {why}"),
                    )
                    .at(file, span, "this value")
                    .with_help("compile PowerShell for this server (`--script ps1`) on Windows Server 2008 R2 or later, or use a shorter ASCII name"),
                );
            }
        };
        ascii(
            &role.group,
            "the role's name",
            plan.input.policy.id.span,
            &mut out,
        );
        for r in &role.resources {
            ascii(&r.name, "resource name", r.span, &mut out);
            ascii(&r.service, "service name", r.span, &mut out);
        }
        for c in &role.checkpoints {
            ascii(&c.key, "registry checkpoint", c.span, &mut out);
            if c.key.contains(',') {
                out.push(
                    Diagnostic::new(codes::UNSAFE_VALUE, format!("registry checkpoint `{}` holds a comma", c.key))
                        .at(file, c.span, "this inclusion")
                        .with_note("cluster.exe /addcheck reads a comma as the start of another key")
                        .with_help("compile PowerShell for this server (`--script ps1`) on Windows Server 2008 R2 or later"),
                );
            }
        }
    }
    out
}

/// A clustered server's files.
pub fn cluster_files(plan: &Plan, role: &Role, ps1: bool, cmd: bool) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    if ps1 {
        let text = cluster_ps1(plan, role);
        let text = if text.is_ascii() {
            text
        } else {
            format!("\u{feff}{text}")
        };
        files.insert("cluster.ps1".to_string(), text);
    }
    if cmd {
        files.insert("cluster.cmd".to_string(), cluster_cmd(plan, role));
    }
    files.insert("cluster.yaml".to_string(), cluster_yaml(plan, role));
    files.insert("summary.md".to_string(), cluster_summary(plan, role));
    files
}
