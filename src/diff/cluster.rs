//! What changed in a clustered server's role (`cluster.yaml`): resources added, removed or
//! changed setting by setting, checkpoints added or removed, constructs that became or stopped
//! being lost — and a server that moved from one engine to the other.

use crate::emit::cluster::ClusterFile;
use crate::plan::cluster::Resource;
use serde::Serialize;

/// One change of a role.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// `engine`, `role`, `resource`, `checkpoint` or `not carried out`.
    pub what: &'static str,
    pub name: String,
    /// For a change: each setting, `name old → new`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
    /// Where the new (or removed) statement is, `policy.amx:LINE`.
    pub origin: String,
}

impl RoleChange {
    /// `+ resource 'X' — policy.amx:3`, `~ resource 'X': restart threshold 1 → 2 — …`
    pub fn line(&self) -> String {
        let sign = match self.change {
            "added" => '+',
            "removed" => '-',
            _ => '~',
        };
        let mut s = format!("{sign} {} `{}`", self.what, self.name);
        if !self.settings.is_empty() {
            s.push_str(&format!(": {}", self.settings.join(", ")));
        }
        if !self.origin.is_empty() {
            s.push_str(&format!(" — {}", self.origin));
        }
        s
    }
}

fn change(
    change: &'static str,
    what: &'static str,
    name: &str,
    settings: Vec<String>,
    origin: &str,
) -> RoleChange {
    RoleChange {
        change,
        what,
        name: name.to_string(),
        settings,
        origin: origin.to_string(),
    }
}

/// Every setting of a resource that changed.
fn resource_settings(o: &Resource, n: &Resource) -> Vec<String> {
    let mut out = Vec::new();
    let mut one = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} → {b}"));
        }
    };
    one("service", o.service.clone(), n.service.clone());
    one(
        "depends on",
        format!("[{}]", o.depends_on.join(", ")),
        format!("[{}]", n.depends_on.join(", ")),
    );
    one(
        "RestartAction",
        o.restart_action.to_string(),
        n.restart_action.to_string(),
    );
    one(
        "RestartThreshold",
        o.restart_threshold.to_string(),
        n.restart_threshold.to_string(),
    );
    one(
        "RestartPeriod",
        format!("{} ms", o.restart_period_ms),
        format!("{} ms", n.restart_period_ms),
    );
    one(
        "PendingTimeout",
        format!("{} ms", o.pending_timeout_ms),
        format!("{} ms", n.pending_timeout_ms),
    );
    out
}

/// What changed between two servers' roles; either may be absent (the server ran the other
/// engine).
pub fn role_changes(old: Option<&ClusterFile>, new: Option<&ClusterFile>) -> Vec<RoleChange> {
    let empty = ClusterFile::default();
    let mut out = Vec::new();
    match (old, new) {
        (None, None) => return out,
        (None, Some(_)) => out.push(change("changed", "engine", "neverfail → wsfc", vec![], "")),
        (Some(_), None) => out.push(change("changed", "engine", "wsfc → neverfail", vec![], "")),
        (Some(o), Some(n)) if !o.role.eq_ignore_ascii_case(&n.role) => out.push(change(
            "changed",
            "role",
            &n.role,
            vec![format!("name {} → {}", o.role, n.role)],
            "",
        )),
        _ => {}
    }
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    // the client access point and the storage
    let words = |f: &ClusterFile| {
        (
            f.network_name.clone().unwrap_or_else(|| "none".into()),
            f.addresses.join(", "),
            f.disks.join(", "),
            if f.nodes.is_empty() {
                "every node".to_string()
            } else {
                f.nodes.join(", ")
            },
        )
    };
    let (wo, wn) = (words(o), words(n));
    if old.is_some() && new.is_some() {
        let mut settings = Vec::new();
        if !same(&wo.0, &wn.0) {
            settings.push(format!("network name {} → {}", wo.0, wn.0));
        }
        if wo.1 != wn.1 {
            settings.push(format!("addresses {} → {}", wo.1, wn.1));
        }
        if !same(&wo.2, &wn.2) {
            settings.push(format!("disks {} → {}", wo.2, wn.2));
        }
        if !same(&wo.3, &wn.3) {
            settings.push(format!("nodes {} → {}", wo.3, wn.3));
        }
        if !settings.is_empty() {
            out.push(change("changed", "role", &n.role, settings, ""));
        }
    }
    for r in &n.resources {
        match o.resources.iter().find(|x| same(&x.name, &r.name)) {
            None => out.push(change("added", "resource", &r.name, vec![], &r.origin)),
            Some(x) => {
                let settings = resource_settings(x, r);
                if !settings.is_empty() {
                    out.push(change("changed", "resource", &r.name, settings, &r.origin));
                }
            }
        }
    }
    for r in &o.resources {
        if !n.resources.iter().any(|x| same(&x.name, &r.name)) {
            out.push(change("removed", "resource", &r.name, vec![], &r.origin));
        }
    }
    for c in &n.checkpoints {
        if !o.checkpoints.iter().any(|x| same(&x.key, &c.key)) {
            out.push(change("added", "checkpoint", &c.key, vec![], &c.origin));
        }
    }
    for c in &o.checkpoints {
        if !n.checkpoints.iter().any(|x| same(&x.key, &c.key)) {
            out.push(change("removed", "checkpoint", &c.key, vec![], &c.origin));
        }
    }
    let loss = |l: &crate::emit::cluster::LossEntry| format!("{} ({})", l.what, l.fidelity);
    for l in &n.not_mapped {
        if !o.not_mapped.iter().any(|x| loss(x) == loss(l)) {
            out.push(change(
                "added",
                "not carried out",
                &loss(l),
                vec![],
                &l.origin,
            ));
        }
    }
    for l in &o.not_mapped {
        if !n.not_mapped.iter().any(|x| loss(x) == loss(l)) {
            out.push(change(
                "removed",
                "not carried out",
                &loss(l),
                vec![],
                &l.origin,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_access_point_storage_and_nodes_of_a_role_are_compared() {
        let old = ClusterFile {
            role: "APPCLUS".into(),
            network_name: Some("APPCLUS".into()),
            addresses: vec!["192.0.2.50/24".into()],
            disks: vec!["Cluster Disk 2".into()],
            ..ClusterFile::default()
        };
        let new = ClusterFile {
            addresses: vec!["192.0.2.51/24".into()],
            nodes: vec!["APPN1".into(), "APPN2".into()],
            ..old.clone()
        };
        let lines: Vec<String> = role_changes(Some(&old), Some(&new))
            .iter()
            .map(RoleChange::line)
            .collect();
        assert_eq!(
            lines,
            ["~ role `APPCLUS`: addresses 192.0.2.50/24 → 192.0.2.51/24, nodes every node → APPN1, APPN2"]
        );
    }
}
