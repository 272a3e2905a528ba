//! The `cluster:` block of a target profile: the failover-cluster role a server's policy
//! becomes — the role (group) it belongs to, its client access point (the network name
//! clients use and its static addresses) and the clustered disks its data lives on.
//!
//! ```yaml
//! cluster:
//!   network_name: MAILSEC01        # the client access point: created with the role
//!   ip: ["192.0.2.50/24"]          # its static addresses (IPv4, with the prefix length)
//!   disks: ["Cluster Disk 2"]      # existing cluster disk resources, moved into the role
//!   group: "Exchange"              # or: an existing role to add the resources to
//!   nodes: [NODE1, NODE2]          # the role's possible owners (default: every node)
//! ```

use super::load::{schema, single};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use crate::yaml::{Fields, Node};

/// A static IPv4 address of the client access point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub address: std::net::Ipv4Addr,
    pub prefix: u8,
}

impl Address {
    /// The subnet mask of the prefix length (`255.255.255.0` for 24).
    pub fn mask(&self) -> std::net::Ipv4Addr {
        let bits = if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        };
        std::net::Ipv4Addr::from(bits)
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

/// The role as the profile describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterSpec {
    /// An existing role to add the resources to; or the role's name when it is created.
    pub group: Option<String>,
    /// The client access point's name (a NetBIOS name: at most 15 characters).
    pub network_name: Option<String>,
    pub ips: Vec<Address>,
    /// Existing cluster disk resources.
    pub disks: Vec<String>,
    /// The nodes the role may run on (its resources' possible owners), where the services are
    /// configured; empty: every node of the cluster.
    pub nodes: Vec<String>,
    pub span: Span,
}

impl ClusterSpec {
    /// The role's name: `group`, else the network name.
    pub fn role_name(&self) -> Option<&str> {
        self.group.as_deref().or(self.network_name.as_deref())
    }
}

/// A NetBIOS computer name: 1 to 15 letters, digits and hyphens, not only digits.
fn netbios(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 15
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.chars().all(|c| c.is_ascii_digit())
        && !name.starts_with('-')
}

/// A name a cluster resource or group can have, that the scripts can hold.
fn plain(name: &str) -> bool {
    !name.trim().is_empty()
        && name.len() <= 128
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '"' | '[' | ']' | ','))
}

fn address(text: &str) -> Option<Address> {
    let (a, p) = text.trim().split_once('/')?;
    let address: std::net::Ipv4Addr = a.parse().ok()?;
    let prefix: u8 = p.parse().ok().filter(|p| (1..=32).contains(p))?;
    Some(Address { address, prefix })
}

/// Read the `cluster:` node.
pub fn read(file: FileId, node: &Node, out: &mut Vec<Diagnostic>) -> Option<ClusterSpec> {
    let Some(entries) = node.as_map() else {
        out.push(schema(
            file,
            node.span,
            format!("`cluster` must be a mapping, found {}", node.describe()),
            "give `network_name`, `ip` and `disks`, or the `group` of an existing role",
        ));
        return None;
    };
    let mut f = Fields::new(entries);
    let mut spec = ClusterSpec {
        span: node.span,
        ..ClusterSpec::default()
    };
    let one = |n: &Node, what: &str, out: &mut Vec<Diagnostic>| single(file, n, what, out);
    if let Some(n) = f.get("group") {
        if let Some(g) = one(n, "group", out) {
            if plain(&g) {
                spec.group = Some(g);
            } else {
                out.push(schema(
                    file,
                    n.span,
                    format!("`{g}` cannot name a cluster role"),
                    "up to 128 characters, without quotes, brackets, commas or control characters",
                ));
            }
        }
    }
    if let Some(n) = f.get("network_name") {
        if let Some(nn) = one(n, "network_name", out) {
            if netbios(&nn) {
                spec.network_name = Some(nn);
            } else {
                out.push(schema(
                    file,
                    n.span,
                    format!("`{nn}` is not a network name clients can use"),
                    "a NetBIOS name: 1 to 15 letters, digits and hyphens, not only digits",
                ));
            }
        }
    }
    if let Some(n) = f.get("ip") {
        match n.scalar_or_list() {
            Some(items) => {
                for (t, span) in items {
                    match address(t) {
                        Some(a) => spec.ips.push(a),
                        None => out.push(schema(
                            file,
                            span,
                            format!("`{t}` is not a static IPv4 address with its prefix length"),
                            "write it as 192.0.2.50/24",
                        )),
                    }
                }
            }
            None => out.push(schema(
                file,
                n.span,
                "`ip` must be an address or a list of them",
                "write `ip: [\"192.0.2.50/24\"]`",
            )),
        }
    }
    if let Some(n) = f.get("disks") {
        match n.scalar_or_list() {
            Some(items) => {
                for (t, span) in items {
                    if plain(t) {
                        spec.disks.push(t.to_string());
                    } else {
                        out.push(schema(file, span, format!("`{t}` cannot name a cluster disk resource"), "the disk's resource name as Failover Cluster Manager shows it, such as \"Cluster Disk 2\""));
                    }
                }
            }
            None => out.push(schema(
                file,
                n.span,
                "`disks` must be a disk resource name or a list of them",
                "write `disks: [\"Cluster Disk 2\"]`",
            )),
        }
    }
    if let Some(n) = f.get("nodes") {
        match n.scalar_or_list() {
            Some(items) => {
                for (t, span) in items {
                    if !netbios(t) {
                        out.push(schema(
                            file,
                            span,
                            format!("`{t}` is not a cluster node's name"),
                            "a node's computer name: 1 to 15 letters, digits and hyphens",
                        ));
                    } else if spec.nodes.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                        out.push(schema(
                            file,
                            span,
                            format!("node `{t}` is listed twice"),
                            "list each node once",
                        ));
                    } else {
                        spec.nodes.push(t.to_string());
                    }
                }
            }
            None => out.push(schema(
                file,
                n.span,
                "`nodes` must be a node name or a list of them",
                "write `nodes: [NODE1, NODE2]`",
            )),
        }
    }
    for (key, span) in f.unknown() {
        out.push(schema(
            file,
            span,
            format!("unknown key `{key}` in `cluster`"),
            "the keys are `group`, `network_name`, `ip`, `disks` and `nodes`",
        ));
    }
    if spec.group.is_none() && spec.network_name.is_none() {
        out.push(schema(file, node.span, "the role has neither a client access point nor an existing group", "give `network_name` (and `ip`) to create the role, or `group` to add to an existing one"));
        return None;
    }
    if !spec.ips.is_empty() && spec.network_name.is_none() {
        out.push(schema(
            file,
            node.span,
            "`ip` without `network_name`: an address belongs to a client access point",
            "give the network name the addresses are for",
        ));
    }
    Some(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_addresses_are_what_a_cluster_takes() {
        assert!(netbios("MAILSEC01") && netbios("a-b"));
        assert!(!netbios("SIXTEEN-CHARS-XX") && !netbios("123") && !netbios("a b") && !netbios(""));
        let a = address("192.0.2.50/24").expect("address");
        assert_eq!(a.mask().to_string(), "255.255.255.0");
        assert_eq!(a.to_string(), "192.0.2.50/24");
        assert!(address("192.0.2.50").is_none() && address("192.0.2.500/24").is_none());
        assert!(address("192.0.2.5/33").is_none());
    }
}
