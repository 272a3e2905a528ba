//! Which script language a server's scripts are written in: a decision of the plan, which
//! the emitters render and the refusals check against.

use super::Plan;

/// Which script language to emit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptKind {
    /// PowerShell where the server has PowerShell 2.0 or later, cmd elsewhere.
    Auto,
    Ps1,
    Cmd,
    Both,
}

/// The script languages one server gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scripts {
    pub ps1: bool,
    pub cmd: bool,
}

/// Which scripts a server gets. `Auto` gives PowerShell where the server
/// has PowerShell 2.0 or later (see [`Plan::powershell`]), cmd elsewhere.
pub fn scripts(plan: &Plan, kind: ScriptKind) -> Scripts {
    let (ps1, cmd) = match kind {
        // a cluster needs the FailoverClusters module (2008 R2 on), else cluster.exe
        ScriptKind::Auto if plan.role.is_some() => {
            let module = plan
                .env
                .os()
                .and_then(|os| crate::engine::wsfc::has_failover_clusters_module(&os.text))
                .unwrap_or_else(|| plan.powershell().runs_scripts());
            (module, !module)
        }
        ScriptKind::Auto => {
            let ps = plan.powershell().runs_scripts();
            (ps, !ps)
        }
        ScriptKind::Ps1 => (true, false),
        ScriptKind::Cmd => (false, true),
        ScriptKind::Both => (true, true),
    };
    Scripts { ps1, cmd }
}

impl Plan<'_> {
    /// The script languages this server gets for `kind` (see [`scripts`]).
    pub fn scripts(&self, kind: ScriptKind) -> Scripts {
        scripts(self, kind)
    }
}
