//! A clustered server's role as the cluster has it, against the role the policy compiles to
//! (`plan/cluster.rs`): every resource, its type, role, service and restart policy, its
//! dependencies, the registry checkpoints, the possible owners, and resources the scripts
//! made for services the policy no longer lists.
//!
//! The capture is PowerShell's `Format-List` of the role's resources (`docs/deploy.md` gives
//! the command that adds `ServiceName`, `DependencyExpression`, `RegistryCheckpoints` and
//! `OwnerNodes` to each): blocks of `Name : Value` lines, a blank line between objects. A
//! plain `Get-ClusterResource | Format-List *` is read too; what it lacks is not compared, and
//! a note says so.

use super::Capture;
use crate::diagnostic::{codes, Diagnostic};
use crate::plan::Plan;

/// One object of a `Format-List` capture: its properties in order, each with its line.
#[derive(Debug, Default)]
struct Object {
    props: Vec<(String, String, usize)>,
    line: usize,
}

impl Object {
    fn get(&self, key: &str) -> Option<(&str, usize)> {
        self.props
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v, l)| (v.as_str(), *l))
    }
}

/// The objects of a `Format-List` output. A line that starts with white space and has no
/// ` : ` continues the value above it (a value wrapped at the console's width).
fn objects(text: &str) -> Vec<Object> {
    let mut out = Vec::new();
    let mut cur = Object::default();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.props.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        match line.split_once(" : ").or_else(|| {
            // an empty value: `Description :`
            line.trim_end().strip_suffix(" :").map(|k| (k, ""))
        }) {
            Some((k, v)) if !k.trim().is_empty() && !k.starts_with(' ') => {
                if cur.props.is_empty() {
                    cur.line = i + 1;
                }
                cur.props
                    .push((k.trim().to_string(), v.trim().to_string(), i + 1));
            }
            _ => {
                if let Some(last) = cur.props.last_mut() {
                    let more = line.trim();
                    if !last.1.is_empty() {
                        last.1.push(' ');
                    }
                    last.1.push_str(more);
                }
            }
        }
    }
    if !cur.props.is_empty() {
        out.push(cur);
    }
    out
}

/// The providers of a dependency expression: `[A] and ([B] or [C])` → A, B, C.
fn providers(expr: &str) -> Vec<String> {
    expr.split('[')
        .skip(1)
        .filter_map(|p| p.split_once(']').map(|(n, _)| n.to_string()))
        .collect()
}

/// A list property (`a; b` or `a, b`, PowerShell's `{a, b}` too).
fn list(value: &str, sep: char) -> Vec<String> {
    value
        .trim_matches(['{', '}'])
        .split(sep)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn missing_from(want: &[String], have: &[String]) -> Vec<String> {
    want.iter()
        .filter(|w| !have.iter().any(|h| h.eq_ignore_ascii_case(w)))
        .cloned()
        .collect()
}

pub fn check(plan: &Plan, cap: &Capture) -> Vec<Diagnostic> {
    // the role the plan built (verify plans a server with a role capture as clustered)
    let Some(role) = &plan.role else {
        return Vec::new();
    };
    let objs = objects(&cap.text);
    let resources: Vec<&Object> = objs
        .iter()
        .filter(|o| o.get("Name").is_some() && o.get("ResourceType").is_some())
        .collect();
    let policy = plan.input.policy.file;
    let server = &plan.target.server;
    let mut out = Vec::new();
    let drift = |message: String| Diagnostic::new(codes::CLUSTER_DRIFT, message);
    if resources.is_empty() {
        out.push(
            drift(format!("the capture has no cluster resource of {server}"))
                .at(cap.file, cap.line(1), "no `Name` and `ResourceType` here")
                .with_help("capture the role with the command docs/deploy.md gives (`Get-ClusterResource … | Format-List`)"),
        );
        return out;
    }
    let find = |name: &str| {
        resources.iter().find(|o| {
            o.get("Name")
                .is_some_and(|(n, _)| n.eq_ignore_ascii_case(name))
        })
    };
    let mut unseen: Vec<&str> = Vec::new();
    for r in &role.resources {
        let Some(o) = find(&r.name) else {
            out.push(
                drift(format!(
                    "resource `{}` is not in the cluster of {server}",
                    r.name
                ))
                .at(policy, r.span, "the policy's service")
                .with_help("run cluster.ps1 (or cluster.cmd) on a node of the cluster"),
            );
            continue;
        };
        let at = |line: usize| cap.line(line);
        let differs = |what: &str, have: &str, want: String, line: usize| {
            drift(format!(
                "resource `{}` has {what} `{have}` on {server}, not `{want}`",
                r.name
            ))
            .at(cap.file, at(line), "what the cluster has")
            .with_label(policy, r.span, "the policy's service")
            .with_help("run cluster.ps1 (or cluster.cmd) again, or correct the policy")
        };
        if let Some((t, l)) = o.get("ResourceType") {
            if !t.eq_ignore_ascii_case("Generic Service") {
                out.push(differs("the type", t, "Generic Service".into(), l));
            }
        }
        if let Some((g, l)) = o.get("OwnerGroup") {
            if !g.eq_ignore_ascii_case(&role.group) {
                out.push(differs("the role", g, role.group.clone(), l));
            }
        }
        let numbers = [
            ("RestartAction", u64::from(r.restart_action)),
            ("RestartThreshold", u64::from(r.restart_threshold)),
            ("RestartPeriod", r.restart_period_ms),
            ("PendingTimeout", r.pending_timeout_ms),
        ];
        for (key, want) in numbers {
            if let Some((v, l)) = o.get(key) {
                // PowerShell may print an enumeration's name before its number
                let have = v.split_whitespace().find_map(|w| w.parse::<u64>().ok());
                if have != Some(want) {
                    out.push(differs(key, v, want.to_string(), l));
                }
            }
        }
        match o.get("ServiceName") {
            Some((s, l)) if !s.eq_ignore_ascii_case(&r.service) => {
                out.push(differs("the service", s, r.service.clone(), l));
            }
            Some(_) => {}
            None => unseen.push("ServiceName"),
        }
        match o.get("DependencyExpression") {
            Some((e, l)) => {
                let have = providers(e);
                for p in missing_from(&r.depends_on, &have) {
                    out.push(
                        drift(format!(
                            "resource `{}` does not depend on `{p}` on {server}",
                            r.name
                        ))
                        .at(cap.file, at(l), "its dependencies")
                        .with_label(policy, r.span, "the policy's service")
                        .with_note("without it the resource can come online before what it needs")
                        .with_help(
                            "run cluster.ps1 (or cluster.cmd) again: it adds the dependency",
                        ),
                    );
                }
                for p in missing_from(&have, &r.depends_on) {
                    out.push(
                        drift(format!("resource `{}` also depends on `{p}` on {server}, which the policy does not list", r.name))
                            .at(cap.file, at(l), "its dependencies")
                            .with_help(format!("remove it (`Remove-ClusterResourceDependency -Resource '{}' -Provider '{p}'`), or add the order to the policy", r.name)),
                    );
                }
            }
            None => unseen.push("DependencyExpression"),
        }
        if !role.nodes.is_empty() {
            match o.get("OwnerNodes") {
                Some((v, l)) => {
                    let have = list(v, ',');
                    let missing = missing_from(&role.nodes, &have);
                    let extra = missing_from(&have, &role.nodes);
                    if !missing.is_empty() || !extra.is_empty() {
                        out.push(differs("the possible owners", v, role.nodes.join(", "), l));
                    }
                }
                None => unseen.push("OwnerNodes"),
            }
        }
    }
    // the checkpoints, on the resource that holds them
    if let Some(holder) = role.resources.first() {
        if let Some(o) = find(&holder.name) {
            match o.get("RegistryCheckpoints") {
                Some((v, l)) => {
                    let have = list(v, ';');
                    for c in &role.checkpoints {
                        if !have.iter().any(|h| h.eq_ignore_ascii_case(&c.key)) {
                            out.push(
                                drift(format!("the registry checkpoint `{}` is missing on {server}", c.key))
                                    .at(policy, c.span, "the policy protects it")
                                    .with_label(cap.file, cap.line(l), "the checkpoints the cluster has")
                                    .with_note("the key is not copied to the node the role moves to")
                                    .with_help("run cluster.ps1 (or cluster.cmd) again: it adds the checkpoint"),
                            );
                        }
                    }
                    for h in have {
                        if !role
                            .checkpoints
                            .iter()
                            .any(|c| c.key.eq_ignore_ascii_case(&h))
                        {
                            out.push(
                                drift(format!("the cluster checkpoints `{h}` on {server}, which the policy does not protect"))
                                    .at(cap.file, cap.line(l), "the checkpoints the cluster has")
                                    .with_help(format!("remove it (`Remove-ClusterCheckpoint -ResourceName '{}' -RegistryCheckpoint -CheckpointName '{h}'`), or protect the key in the policy", holder.name)),
                            );
                        }
                    }
                }
                None => unseen.push("RegistryCheckpoints"),
            }
        }
    }
    // resources the scripts made for services the policy no longer lists
    for o in &resources {
        let (Some((d, _)), Some((name, l))) = (o.get("Description"), o.get("Name")) else {
            continue;
        };
        if d == role.mark
            && !role
                .resources
                .iter()
                .any(|r| r.name.eq_ignore_ascii_case(name))
        {
            out.push(
                drift(format!("resource `{name}` on {server} was made for this policy, which no longer lists it"))
                    .at(cap.file, cap.line(l), "a resource of the role")
                    .with_help("run cluster.ps1 -Prune, or remove it in Failover Cluster Manager"),
            );
        }
    }
    unseen.sort_unstable();
    unseen.dedup();
    if !unseen.is_empty() {
        out.push(
            Diagnostic::new(
                codes::CLUSTER_DRIFT,
                format!(
                    "the capture has no {} of the role's resources: not compared",
                    unseen.join(", ")
                ),
            )
            .with_severity(crate::diagnostic::Severity::Note)
            .at(cap.file, cap.line(1), "this capture")
            .with_help("capture with the command docs/deploy.md gives, which adds them"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_list_objects_and_wrapped_values_are_read() {
        let text = "\r\nName       : AppDb\r\nResourceType : Generic Service\r\nDescription :\r\nDependencyExpression : [APPCLUS] and\r\n                       [Cluster Disk 2]\r\n\r\nName : AppWeb\r\n";
        let o = objects(text);
        assert_eq!(o.len(), 2);
        assert_eq!(o[0].line, 2);
        assert_eq!(o[0].get("Description"), Some(("", 4)));
        let (e, l) = o[0].get("DependencyExpression").expect("expression");
        assert_eq!(l, 5);
        assert_eq!(providers(e), ["APPCLUS", "Cluster Disk 2"]);
        assert_eq!(list("{NODE1, NODE2}", ','), ["NODE1", "NODE2"]);
    }
}
