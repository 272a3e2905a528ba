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
//! removes a dependency, checkpoint or possible owner the policy no longer lists: both name
//! it, for a person to remove (`cluster.ps1 -Prune` removes the resources it made for services
//! the policy dropped).

use super::quote::{cmd_comment, cmd_set, ps, ps_comment};
use super::summary::{cell, code, server_table};

use crate::engine::wsfc::{self, MAPPING};
use crate::plan::cluster::{Resource, Role};
use crate::plan::Plan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The format version of `cluster.yaml`.
pub const CLUSTER_FORMAT_VERSION: u32 = 1;

/// The FailoverClusters module, idempotent helpers. A missing group or resource is found by
/// listing (`Get-ClusterGroup -Name` fails on a name that does not exist).
const PS_FNS: &str = r#"function Get-AmxGroup([string]$Name, [string]$NetworkName, [string[]]$Addresses, [string[]]$Disks, [bool]$Existing) {
    $found = @(Get-ClusterGroup | Where-Object { $_.Name -eq $Name })
    if ($found.Count -gt 0) {
        $group = $found[0]
    } elseif ($Existing) {
        throw "role '$Name' does not exist: it is the application's own role, which these resources join; create it first"
    } elseif ($NetworkName -ne '') {
        Write-Host "creating role '$Name' with the client access point '$NetworkName' ($($Addresses -join ', ')) and the disks $($Disks -join ', ')"
        $params = @{ Name = $NetworkName; StaticAddress = $Addresses }
        if ($Disks.Count -gt 0) { $params.Storage = $Disks }
        $null = Add-ClusterServerRole @params
        $group = Get-ClusterGroup -Name $NetworkName
        if ($Name -ne $NetworkName) { $group.Name = $Name }
    } else {
        Write-Host "creating role '$Name'"
        $group = Add-ClusterGroup -Name $Name
    }
    if ($NetworkName -ne '' -and @(Get-ClusterResource | Where-Object { $_.Name -eq $NetworkName }).Count -eq 0) {
        throw "role '$Name' has no network name resource '$NetworkName': add the client access point, or correct cluster: network_name"
    }
    foreach ($disk in $Disks) {
        $d = @(Get-ClusterResource | Where-Object { $_.Name -eq $disk })
        if ([string]$d[0].OwnerGroup.Name -ne $Name) {
            Write-Host "moving disk '$disk' into role '$Name'"
            $null = Move-ClusterResource -Name $disk -Group $Name
        }
    }
    return $group
}

function Test-AmxDisks([string[]]$Disks) {
    foreach ($disk in $Disks) {
        if (@(Get-ClusterResource | Where-Object { $_.Name -eq $disk }).Count -eq 0) { throw "cluster disk '$disk' does not exist: add the disk to the cluster, or correct cluster: disks" }
    }
}

function Get-AmxNodes([string[]]$Listed) {
    # the nodes the role may run on: the profile's list, each a node of this cluster; or every node
    $all = @(Get-ClusterNode | ForEach-Object { [string]$_.Name })
    foreach ($node in $Listed) {
        if (@($all | Where-Object { $_ -eq $node }).Count -eq 0) { throw "node '$node' (cluster: nodes) is not a node of this cluster; its nodes are $($all -join ', ')" }
    }
    if ($Listed.Count -gt 0) { return $Listed }
    return $all
}

function Set-AmxOwners([string]$Name, [string[]]$Nodes, [bool]$Created) {
    # the resource's possible owners: the listed nodes; an administrator's additions are named, not removed
    $now = @((Get-ClusterOwnerNode -Resource $Name).OwnerNodes | ForEach-Object { [string]$_.Name })
    $missing = @($Nodes | Where-Object { $n = $_; @($now | Where-Object { $_ -eq $n }).Count -eq 0 })
    $extra = @($now | Where-Object { $n = $_; @($Nodes | Where-Object { $_ -eq $n }).Count -eq 0 })
    if ($Created -and $extra.Count -gt 0) {
        Write-Host "possible owners of '$Name': $($Nodes -join ', ')"
        $null = Set-ClusterOwnerNode -Resource $Name -Owners $Nodes
        return
    }
    if ($missing.Count -gt 0) {
        Write-Host "possible owners of '$Name': adding $($missing -join ', ')"
        $null = Set-ClusterOwnerNode -Resource $Name -Owners (@($now) + $missing)
    }
    foreach ($node in $extra) {
        Write-Warning "node '$node' is a possible owner of '$Name' but not in cluster: nodes: kept; remove it if the application is not installed there"
    }
}

function Set-AmxResource([string]$Group, [string]$Name, [string]$Service, [string]$Mark, [int]$RestartAction, [int]$RestartThreshold, [int]$RestartPeriod, [int]$PendingTimeout, [string[]]$Nodes, [bool]$Restrict) {
    if ($null -eq (Get-AmxService $Service)) { throw "resource '$Name': service '$Service' is not installed on this node" }
    $found = @(Get-ClusterResource | Where-Object { $_.Name -eq $Name })
    if ($found.Count -eq 0) {
        # the same service under another name (a display name it was once named after): renamed
        $same = @(Get-ClusterGroup -Name $Group | Get-ClusterResource | Where-Object { [string]$_.ResourceType.Name -eq 'Generic Service' -and [string](Get-ClusterParameter -InputObject $_ -Name 'ServiceName').Value -eq $Service })
        if ($same.Count -gt 0) {
            Write-Host "renaming resource '$($same[0].Name)' to '$Name' (service '$Service')"
            $same[0].Name = $Name
            $found = $same
        }
    }
    $created = $found.Count -eq 0
    if ($created) {
        Write-Host "creating resource '$Name' for service '$Service'"
        $res = Add-ClusterResource -Name $Name -Group $Group -ResourceType 'Generic Service'
    } else {
        $res = $found[0]
        if ([string]$res.OwnerGroup.Name -ne $Group) { throw "resource '$Name' belongs to role '$($res.OwnerGroup.Name)', not '$Group'" }
        if ([string]$res.ResourceType.Name -ne 'Generic Service') { throw "resource '$Name' is a '$($res.ResourceType.Name)' resource, not a Generic Service" }
    }
    Write-Host "resource '$Name': service '$Service', RestartAction $RestartAction, RestartThreshold $RestartThreshold, RestartPeriod $RestartPeriod ms, PendingTimeout $PendingTimeout ms"
    $null = $res | Set-ClusterParameter -Name 'ServiceName' -Value $Service
    $res.Description = $Mark
    $res.RestartAction = $RestartAction
    $res.RestartThreshold = $RestartThreshold
    $res.RestartPeriod = $RestartPeriod
    $res.PendingTimeout = $PendingTimeout
    if ($Restrict) { Set-AmxOwners -Name $Name -Nodes $Nodes -Created $created }
    # every node the role can move to: only the cluster starts the service, Windows never restarts it
    Set-AmxStartup $Service 'demand'
    Clear-AmxRecovery $Service
    foreach ($node in $Nodes) {
        if ($node -eq $env:COMPUTERNAME) { continue }
        Write-Host "node '$node': startup type of '$Service': demand; Windows recovery: none"
        Invoke-AmxSc $Service "startup type on node '$node'" @("\\$node", 'config', $Service, 'start=', 'demand')
        Invoke-AmxSc $Service "recovery on node '$node'" @("\\$node", 'failure', $Service, 'reset=', '0', 'actions=', '/0')
    }
}

function Add-AmxDependencies([string]$Name, [string[]]$Providers) {
    $now = [string](Get-ClusterResourceDependency -Resource $Name).DependencyExpression
    foreach ($provider in $Providers) {
        if (-not $now.ToLowerInvariant().Contains(('[' + $provider + ']').ToLowerInvariant())) {
            Write-Host "'$Name' depends on '$provider'"
            $null = Add-ClusterResourceDependency -Resource $Name -Provider $provider
        }
    }
    # dependencies an administrator added stay; they are named for review
    foreach ($m in [regex]::Matches($now, '\[([^\]]+)\]')) {
        $other = $m.Groups[1].Value
        if (@($Providers | Where-Object { $_ -eq $other }).Count -eq 0) {
            Write-Warning "resource '$Name' also depends on '$other', which the policy does not list: kept; remove it if it is stale"
        }
    }
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

function Find-AmxStale([string]$Group, [string]$Mark, [string[]]$Services, [bool]$Prune) {
    # only resources this policy made (their description is its mark): never the application's own
    foreach ($r in @(Get-ClusterGroup -Name $Group | Get-ClusterResource | Where-Object { [string]$_.Description -eq $Mark })) {
        $service = [string](Get-ClusterParameter -InputObject $r -Name 'ServiceName').Value
        if (@($Services | Where-Object { $_ -eq $service }).Count -gt 0) { continue }
        if ($Prune) {
            Write-Host "removing resource '$($r.Name)' (service '$service'), which the policy no longer lists"
            $null = Remove-ClusterResource -InputObject $r -Force
        } else {
            Write-Warning "resource '$($r.Name)' (service '$service') is no longer in the policy: run this script with -Prune to remove it"
        }
    }
}
"#;

/// `cluster.ps1`.
pub fn cluster_ps1(plan: &Plan, role: &Role) -> String {
    let head = super::ps1::header(
        plan,
        "Create or update the failover-cluster role: its client access point and disks, its Generic Service resources with their restart policy, dependencies and registry checkpoints, and the services on every node. Run it on one node, as an administrator of the cluster and of every node; -Prune removes the resources of services the policy no longer lists.",
    );
    // `param` must be the script's first statement: after the comment lines of the header
    let split = head.find("# Windows PowerShell 2.0").unwrap_or(0);
    let mut s = format!(
        "{}param([switch]$Prune)\n\n{}",
        &head[..split],
        &head[split..]
    );
    s.push_str("if ($null -eq (Get-Module -ListAvailable -Name FailoverClusters)) { throw 'the FailoverClusters module is missing: it comes with the Failover Clustering feature of Windows Server 2008 R2 and later' }\nImport-Module FailoverClusters\n\n");
    s.push_str(super::ps1::GET_FN);
    s.push('\n');
    s.push_str(super::ps1::SC_FN);
    s.push('\n');
    s.push_str(PS_FNS);
    s.push('\n');
    let list = |items: &mut dyn Iterator<Item = String>| {
        format!(
            "@({})",
            items.map(|i| ps(&i)).collect::<Vec<_>>().join(", ")
        )
    };
    // what must be there is checked before anything changes
    let _ = writeln!(
        s,
        "$amxNodes = @(Get-AmxNodes -Listed {})",
        list(&mut role.nodes.iter().cloned())
    );
    let _ = writeln!(
        s,
        "Test-AmxDisks -Disks {}",
        list(&mut role.disks.iter().cloned())
    );
    let _ = writeln!(s, "$amxMark = {}", ps(&role.mark));
    let _ = writeln!(
        s,
        "$amxGroup = Get-AmxGroup -Name {} -NetworkName {} -Addresses {} -Disks {} -Existing ${}",
        ps(&role.group),
        ps(role.network_name.as_deref().unwrap_or("")),
        list(&mut role.ips.iter().map(|a| a.address.to_string())),
        list(&mut role.disks.iter().cloned()),
        role.existing
    );
    for r in &role.resources {
        let _ = writeln!(
            s,
            "# {}",
            ps_comment(&format!("service {}, from {}", r.service, r.origin))
        );
        let _ = writeln!(
            s,
            "Set-AmxResource -Group {} -Name {} -Service {} -Mark $amxMark -RestartAction {} -RestartThreshold {} -RestartPeriod {} -PendingTimeout {} -Nodes $amxNodes -Restrict ${}",
            ps(&role.group),
            ps(&r.name),
            ps(&r.service),
            r.restart_action,
            r.restart_threshold,
            r.restart_period_ms,
            r.pending_timeout_ms,
            !role.nodes.is_empty()
        );
    }
    for r in &role.resources {
        let _ = writeln!(
            s,
            "Add-AmxDependencies -Name {} -Providers {}",
            ps(&r.name),
            list(&mut r.depends_on.iter().cloned())
        );
    }
    if let (Some(first), false) = (role.resources.first(), role.checkpoints.is_empty()) {
        let _ = writeln!(
            s,
            "Set-AmxCheckpoints -Name {} -Keys {}",
            ps(&first.name),
            list(&mut role.checkpoints.iter().map(|c| c.key.clone()))
        );
    }
    let _ = writeln!(
        s,
        "Find-AmxStale -Group {} -Mark $amxMark -Services {} -Prune $Prune.IsPresent",
        ps(&role.group),
        list(&mut role.resources.iter().map(|r| r.service.clone()))
    );
    let _ = writeln!(s, "Write-Host \"role '$($amxGroup.Name)' is configured\"");
    s
}

/// cluster.exe subroutines. cluster.exe exits with the Windows error code: 5003
/// (ERROR_DEPENDENCY_ALREADY_EXISTS) and 183 (ERROR_ALREADY_EXISTS) mean the dependency or
/// checkpoint is there already. Every result is read with `if errorlevel`, and every value
/// is used as in the other cmd scripts (see `super::cmd::QUERY_SUB`).
const CMD_SUBS: &str = "\r\n:existing_group\r\n\"%SystemRoot%\\System32\\cluster.exe\" group \"%AMX_GROUP%\" /status >nul 2>&1\r\nif errorlevel 1 (echo error: role \"%AMX_GROUP%\" does not exist: it is the application's own role, which these resources join; create it first& exit /b 1)\r\nexit /b 0\r\n\r\n:address\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /status >nul 2>&1\r\nif not errorlevel 1 exit /b 0\r\necho creating \"%AMX_RES%\" in role \"%AMX_GROUP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /create /group:\"%AMX_GROUP%\" /type:\"IP Address\"\r\nif errorlevel 1 (echo error: cluster.exe could not create \"%AMX_RES%\"; its output above says why& exit /b 1)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /priv Address=%AMX_ADDR% SubnetMask=%AMX_MASK% EnableDhcp=0\r\nif errorlevel 1 (echo error: cluster.exe could not set the address of \"%AMX_RES%\"& exit /b 1)\r\nexit /b 0\r\n\r\n:network_name\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /status >nul 2>&1\r\nif not errorlevel 1 exit /b 0\r\necho creating the client access point \"%AMX_RES%\" in role \"%AMX_GROUP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /create /group:\"%AMX_GROUP%\" /type:\"Network Name\"\r\nif errorlevel 1 (echo error: cluster.exe could not create \"%AMX_RES%\"; its output above says why& exit /b 1)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /priv Name=\"%AMX_RES%\" DnsName=\"%AMX_RES%\"\r\nif errorlevel 1 (echo error: cluster.exe could not name \"%AMX_RES%\"& exit /b 1)\r\nexit /b 0\r\n\r\n:disk_exists\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /status >nul 2>&1\r\nif errorlevel 1 (echo error: cluster disk \"%AMX_RES%\" does not exist: add the disk to the cluster, or correct cluster: disks& exit /b 1)\r\nexit /b 0\r\n\r\n:disk\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /status >\"%AMX_OUT%\" 2>&1\r\nif errorlevel 1 (echo error: cluster disk \"%AMX_RES%\" does not exist: add the disk to the cluster, or correct cluster: disks& del /f /q \"%AMX_OUT%\" >nul 2>&1& exit /b 1)\r\n\"%SystemRoot%\\System32\\findstr.exe\" /l /i /c:\"%AMX_GROUP%\" \"%AMX_OUT%\" >nul 2>&1\r\nset \"AMX_RC=%errorlevel%\"\r\ndel /f /q \"%AMX_OUT%\" >nul 2>&1\r\nif \"%AMX_RC%\"==\"0\" exit /b 0\r\necho moving disk \"%AMX_RES%\" into role \"%AMX_GROUP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /move:\"%AMX_GROUP%\"\r\nif errorlevel 1 (echo error: cluster.exe could not move disk \"%AMX_RES%\"; its output above says why& exit /b 1)\r\nexit /b 0\r\n\r\n:nodes\r\nREM the service on every other node: only the cluster starts it wherever the role moves\r\nset \"AMX_NODE_FAILED=\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" node >\"%AMX_OUT%\" 2>&1\r\nfor /f \"usebackq tokens=1,2\" %%n in (\"%AMX_OUT%\") do call :node %%n %%o\r\ndel /f /q \"%AMX_OUT%\" >nul 2>&1\r\nif defined AMX_NODE_FAILED exit /b 1\r\nexit /b 0\r\n\r\n:node\r\nREM a line of the node list: a name, then its number\r\nif \"%~2\"==\"\" exit /b 0\r\nfor /f \"delims=0123456789\" %%x in (\"%~2x\") do if not \"%%x\"==\"x\" exit /b 0\r\nif not defined AMX_RESTRICT goto node_configure\r\ncall :listed %~1\r\nif errorlevel 1 goto node_other\r\ncall :is_owner %~1\r\nif not errorlevel 1 goto node_configure\r\necho possible owner of \"%AMX_RES%\": %~1\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /addowner:%~1 >nul\r\nif errorlevel 1 (echo error: cluster.exe could not make %~1 a possible owner of \"%AMX_RES%\"& set \"AMX_NODE_FAILED=1\"& exit /b 0)\r\ngoto node_configure\r\n:node_other\r\nREM not in cluster: nodes: a resource this run created never runs there; an older one is named\r\ncall :is_owner %~1\r\nif errorlevel 1 exit /b 0\r\nif not defined AMX_CREATED (echo warning: node %~1 is a possible owner of \"%AMX_RES%\" but not in cluster: nodes: kept; remove it with cluster.exe resource \"%AMX_RES%\" /removeowner:%~1 if the application is not installed there& exit /b 0)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /removeowner:%~1 >nul\r\nif errorlevel 1 (echo error: cluster.exe could not remove %~1 from the possible owners of \"%AMX_RES%\"& set \"AMX_NODE_FAILED=1\")\r\nexit /b 0\r\n:node_configure\r\nif /i \"%~1\"==\"%COMPUTERNAME%\" exit /b 0\r\necho node %~1: startup type of \"%AMX_NAME%\": demand; Windows recovery: none\r\n\"%SystemRoot%\\System32\\sc.exe\" \\\\%~1 config \"%AMX_NAME%\" start= demand >nul\r\nif errorlevel 1 (echo error: node %~1: sc.exe could not configure \"%AMX_NAME%\": is it installed there?& set \"AMX_NODE_FAILED=1\"& exit /b 0)\r\n\"%SystemRoot%\\System32\\sc.exe\" \\\\%~1 failure \"%AMX_NAME%\" reset= 0 actions= /0 >nul\r\nif errorlevel 1 (echo error: node %~1: sc.exe could not clear the recovery of \"%AMX_NAME%\"& set \"AMX_NODE_FAILED=1\")\r\nexit /b 0\r\n\r\n:is_owner\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /listowners >\"%AMX_OUT%.owners\" 2>&1\r\n\"%SystemRoot%\\System32\\findstr.exe\" /r /i /c:\"^ *%~1 *$\" \"%AMX_OUT%.owners\" >nul 2>&1\r\nset \"AMX_RC=%errorlevel%\"\r\ndel /f /q \"%AMX_OUT%.owners\" >nul 2>&1\r\nexit /b %AMX_RC%\r\n\r\n:group\r\n\"%SystemRoot%\\System32\\cluster.exe\" group \"%AMX_GROUP%\" /status >nul 2>&1\r\nif not errorlevel 1 exit /b 0\r\necho creating role \"%AMX_GROUP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" group \"%AMX_GROUP%\" /create\r\nif errorlevel 1 (echo error: cluster.exe could not create role \"%AMX_GROUP%\"; its output above says why& exit /b 1)\r\nexit /b 0\r\n\r\n:resource\r\ncall :query_state\r\nif \"%AMX_STATE%\"==\"\" (echo error: resource \"%AMX_RES%\": service \"%AMX_NAME%\" is not installed on this node& exit /b 1)\r\nset \"AMX_CREATED=\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /status >nul 2>&1\r\nif not errorlevel 1 goto resource_set\r\necho creating resource \"%AMX_RES%\" for service \"%AMX_NAME%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /create /group:\"%AMX_GROUP%\" /type:\"Generic Service\"\r\nif errorlevel 1 (echo error: cluster.exe could not create resource \"%AMX_RES%\"; its output above says why& exit /b 1)\r\nset \"AMX_CREATED=1\"\r\n:resource_set\r\necho resource \"%AMX_RES%\": service \"%AMX_NAME%\", RestartAction %AMX_ACTION%, RestartThreshold %AMX_THRESHOLD%, RestartPeriod %AMX_PERIOD% ms, PendingTimeout %AMX_PENDING% ms\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /priv ServiceName=\"%AMX_NAME%\"\r\nif errorlevel 1 (echo error: cluster.exe could not set the service of \"%AMX_RES%\"& exit /b 1)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /prop RestartAction=%AMX_ACTION% RestartThreshold=%AMX_THRESHOLD% RestartPeriod=%AMX_PERIOD% PendingTimeout=%AMX_PENDING%\r\nif errorlevel 1 (echo error: cluster.exe could not set the restart policy of \"%AMX_RES%\"& exit /b 1)\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /prop Description=\"%AMX_MARK%\" >nul\r\nset \"AMX_START=demand\"\r\ncall :configure_service\r\nif errorlevel 1 exit /b 1\r\ncall :nodes\r\nexit /b %errorlevel%\r\n\r\n:dependency\r\necho \"%AMX_RES%\" depends on \"%AMX_DEP%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /adddep:\"%AMX_DEP%\" >nul 2>&1\r\nset \"AMX_RC=%errorlevel%\"\r\nif \"%AMX_RC%\"==\"5003\" exit /b 0\r\nif not \"%AMX_RC%\"==\"0\" (echo error: cluster.exe could not make \"%AMX_RES%\" depend on \"%AMX_DEP%\", error %AMX_RC%& exit /b 1)\r\nexit /b 0\r\n\r\n:checkpoint\r\necho registry checkpoint of \"%AMX_RES%\": \"%AMX_KEY%\"\r\n\"%SystemRoot%\\System32\\cluster.exe\" resource \"%AMX_RES%\" /addcheck:\"%AMX_KEY%\" >nul 2>&1\r\nset \"AMX_RC=%errorlevel%\"\r\nif \"%AMX_RC%\"==\"183\" exit /b 0\r\nif not \"%AMX_RC%\"==\"0\" (echo error: cluster.exe could not checkpoint \"%AMX_KEY%\" for \"%AMX_RES%\", error %AMX_RC%& exit /b 1)\r\nexit /b 0\r\n";

/// `cluster.cmd`.
pub fn cluster_cmd(plan: &Plan, role: &Role) -> String {
    let mut s = super::cmd::header(
        plan,
        "Create or update the failover-cluster role with cluster.exe: its client access point and disks, Generic Service resources, restart policy, dependencies, registry checkpoints, and the services on every node. Run it on one node as an administrator of the cluster and of every node.",
    );
    // what must be there is checked before anything changes: the possible owners, each a
    // node of this cluster (names of letters, digits and hyphens only, which the profile
    // checks, written as they are), and the disks
    let _ = write!(
        s,
        "set \"AMX_RESTRICT={}\"\r\n",
        if role.nodes.is_empty() { "" } else { "1" }
    );
    for n in &role.nodes {
        let _ = write!(
            s,
            "\"%SystemRoot%\\System32\\cluster.exe\" node {n} /status >nul 2>&1\r\nif errorlevel 1 (echo error: node {n}, listed in cluster: nodes, is not a node of this cluster& exit /b 1)\r\n"
        );
    }
    for d in &role.disks {
        let _ = write!(
            s,
            "{}\r\ncall :disk_exists\r\n{}",
            cmd_set("AMX_RES", d),
            super::cmd::FAIL_FAST
        );
    }
    let _ = write!(
        s,
        "{}\r\ncall :{}\r\n{}",
        cmd_set("AMX_GROUP", &role.group),
        if role.existing {
            "existing_group"
        } else {
            "group"
        },
        super::cmd::FAIL_FAST
    );
    // the client access point: its addresses, then the network name that depends on them
    if let Some(nn) = &role.network_name {
        for a in &role.ips {
            let _ = write!(
                s,
                "{}\r\nset \"AMX_ADDR={}\"\r\nset \"AMX_MASK={}\"\r\ncall :address\r\n{}",
                cmd_set("AMX_RES", &format!("IP Address {}", a.address)),
                a.address,
                a.mask(),
                super::cmd::FAIL_FAST
            );
        }
        let _ = write!(
            s,
            "{}\r\ncall :network_name\r\n{}",
            cmd_set("AMX_RES", nn),
            super::cmd::FAIL_FAST
        );
        for a in &role.ips {
            let _ = write!(
                s,
                "{}\r\n{}\r\ncall :dependency\r\n{}",
                cmd_set("AMX_RES", nn),
                cmd_set("AMX_DEP", &format!("IP Address {}", a.address)),
                super::cmd::FAIL_FAST
            );
        }
    }
    for d in &role.disks {
        let _ = write!(
            s,
            "{}\r\ncall :disk\r\n{}",
            cmd_set("AMX_RES", d),
            super::cmd::FAIL_FAST
        );
    }
    let _ = write!(s, "{}\r\n", cmd_set("AMX_MARK", &role.mark));
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
    // whether a node is in `cluster: nodes`
    s.push_str("\r\n:listed\r\n");
    for n in &role.nodes {
        let _ = write!(s, "if /i \"%~1\"==\"{n}\" exit /b 0\r\n");
    }
    s.push_str("exit /b 1\r\n");
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
    /// The role exists already (an add-on module's resources join it).
    #[serde(default)]
    pub existing_role: bool,
    /// The client access point: its network name and static addresses (`address/prefix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Clustered disks in the role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disks: Vec<String>,
    /// The role's possible owners; absent: every node of the cluster.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
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
        engine: crate::engine::EngineKind::Wsfc.name().to_string(),
        server: plan.target.server.clone(),
        release: plan.target.release.to_string(),
        role: role.group.clone(),
        existing_role: role.existing,
        network_name: role.network_name.clone(),
        addresses: role.ips.iter().map(|a| a.to_string()).collect(),
        disks: role.disks.clone(),
        nodes: role.nodes.clone(),
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
                how: wsfc::row_of(l.construct).said().to_string(),
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
    let _ = writeln!(
        s,
        "| Role | {}{} |",
        cell(&role.group),
        if role.existing {
            " (the application's existing role)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "| Client access point | {} |",
        match &role.network_name {
            Some(nn) => format!(
                "{} ({})",
                cell(nn),
                role.ips
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None if role.existing => "the role's own".to_string(),
            None => "none: clients cannot follow the role".to_string(),
        }
    );
    let _ = writeln!(
        s,
        "| Failover limit | the cluster's: at most FailoverThreshold failovers (by default the number of nodes less one) in FailoverPeriod (6 hours), then the role stays failed; a failed resource is retried after RetryPeriodOnFailure (an hour) |"
    );
    let _ = writeln!(
        s,
        "| Storage | {} |",
        if role.disks.is_empty() {
            "none named".to_string()
        } else {
            role.disks
                .iter()
                .map(|d| cell(d))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let _ = writeln!(
        s,
        "| Nodes | {} |",
        if role.nodes.is_empty() {
            "every node of the cluster".to_string()
        } else {
            format!("{} (the resources' possible owners)", role.nodes.join(", "))
        }
    );
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
                cell(wsfc::row_of(l.construct).said()),
                cell(&l.origin)
            );
        }
        let _ = writeln!(s, "\n### How this engine maps each construct\n");
        s.push_str(&mapping_table(false));
    }
    s
}

/// The engine's whole mapping table, in Markdown (also in `docs/engines.md`, `with_sources`:
/// each row ends with the sources that page lists). Its texts are amxc's own and keep their
/// code spans.
pub fn mapping_table(with_sources: bool) -> String {
    let md = |t: &str| t.replace('|', "\\|");
    let mut s = String::from("| construct | | how |\n|---|---|---|\n");
    for r in MAPPING {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            md(r.what),
            r.fidelity.as_str(),
            md(if with_sources { r.how } else { r.said() })
        );
    }
    s
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
    let checklist = super::checklist::cluster_checklist(plan, role, &files);
    files.insert(
        "summary.md".to_string(),
        cluster_summary(plan, role) + &checklist,
    );
    files
}
