//! `amxc diff OLD NEW`: what changed between two compiled output folders (one server's, or a
//! fleet's), in the terms reviewers care about — filters added, removed or changed with their
//! origins, services added, removed or reordered, tasks changed.

mod cluster;
mod render;

pub use cluster::{role_changes, RoleChange};

pub use render::{markdown, text, MARKDOWN_LIMIT};

pub use crate::emit::Outputs;
use crate::emit::{Entry, FilterSet, ServiceEntry, TaskEntry};
use serde::Serialize;

/// Version of the JSON shape of a diff.
pub const DIFF_FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Debug, Clone)]
pub struct FilterChange {
    /// `files include`, `registry exclude`, `snapshot include`, `unprotected`.
    pub list: String,
    pub pattern: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Entry>,
}

#[derive(Serialize, Debug, Clone, Default)]
pub struct ServerDiff {
    pub server: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<(String, String)>,
    pub filters_added: Vec<FilterChange>,
    pub filters_removed: Vec<FilterChange>,
    pub filters_changed: Vec<FilterChange>,
    pub services_added: Vec<ServiceEntry>,
    pub services_removed: Vec<ServiceEntry>,
    pub services_changed: Vec<(ServiceEntry, ServiceEntry)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_order: Option<(Vec<String>, Vec<String>)>,
    pub tasks_added: Vec<TaskEntry>,
    pub tasks_removed: Vec<TaskEntry>,
    pub tasks_changed: Vec<(TaskEntry, TaskEntry)>,
    /// A clustered server's role: resources, checkpoints, losses, or a change of engine.
    pub role: Vec<RoleChange>,
    /// The worst case of a managed switchover, in seconds, before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switchover_worst_case_seconds: Option<(u64, u64)>,
}

impl ServerDiff {
    pub fn is_empty(&self) -> bool {
        self.release.is_none()
            && self.filters_added.is_empty()
            && self.filters_removed.is_empty()
            && self.filters_changed.is_empty()
            && self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.services_changed.is_empty()
            && self.start_order.is_none()
            && self.tasks_added.is_empty()
            && self.tasks_removed.is_empty()
            && self.tasks_changed.is_empty()
            && self.role.is_empty()
            && self.switchover_worst_case_seconds.is_none()
    }
}

#[derive(Serialize, Debug, Clone, Default)]
pub struct Diff {
    pub format_version: u32,
    pub servers_added: Vec<String>,
    pub servers_removed: Vec<String>,
    /// Servers present on both sides that changed.
    pub servers: Vec<ServerDiff>,
    pub servers_unchanged: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.servers_added.is_empty() && self.servers_removed.is_empty() && self.servers.is_empty()
    }
}

/// All filter entries of a set, by list name.
fn entries(f: &FilterSet) -> Vec<(String, &Entry)> {
    let mut v = Vec::new();
    for (name, pair) in [
        ("files", &f.files),
        ("registry", &f.registry),
        ("snapshot", &f.snapshot),
    ] {
        v.extend(pair.include.iter().map(|e| (format!("{name} include"), e)));
        v.extend(pair.exclude.iter().map(|e| (format!("{name} exclude"), e)));
    }
    v.extend(f.unprotected.iter().map(|e| ("unprotected".to_string(), e)));
    v
}

/// Two entries mean the same unless what they do differs; a moved origin alone is no change.
fn same_meaning(a: &Entry, b: &Entry) -> bool {
    a.class == b.class && a.reason == b.reason && a.exception == b.exception
}

/// Every setting of a service that changed, as `name old → new`.
pub fn service_changes(o: &ServiceEntry, n: &ServiceEntry) -> Vec<String> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    let secs = |v: &Option<u64>| v.map_or("default".to_string(), |s| format!("{s} s"));
    let list = |v: &[String]| format!("[{}]", v.join(", "));
    let mut out = Vec::new();
    let mut one = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} → {b}"));
        }
    };
    one("display name", opt(&o.display), opt(&n.display));
    one("startup", o.startup.clone(), n.startup.clone());
    one("active", o.active.clone(), n.active.clone());
    one("passive", o.passive.clone(), n.passive.clone());
    one("monitor", o.monitor.to_string(), n.monitor.to_string());
    one("manage", o.manage.to_string(), n.manage.to_string());
    one("after", list(&o.after), list(&n.after));
    one("on failure", list(&o.on_failure), list(&n.on_failure));
    one(
        "start timeout",
        secs(&o.start_timeout),
        secs(&n.start_timeout),
    );
    one("stop timeout", secs(&o.stop_timeout), secs(&n.stop_timeout));
    out
}

/// Every setting of a task that changed, as `name old → new`.
pub fn task_changes(o: &TaskEntry, n: &TaskEntry) -> Vec<String> {
    let line = |t: &TaskEntry| {
        std::iter::once(t.program.as_str())
            .chain(t.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = Vec::new();
    let mut one = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} → {b}"));
        }
    };
    one("at", o.kind.clone(), n.kind.clone());
    one(
        "every",
        o.every.clone().unwrap_or_else(|| "—".into()),
        n.every.clone().unwrap_or_else(|| "—".into()),
    );
    one("on", o.side.clone(), n.side.clone());
    one("run", format!("`{}`", line(o)), format!("`{}`", line(n)));
    one(
        "timeout",
        o.timeout.map_or("default".into(), |s| format!("{s} s")),
        n.timeout.map_or("default".into(), |s| format!("{s} s")),
    );
    out
}

fn same_service(a: &ServiceEntry, b: &ServiceEntry) -> bool {
    let strip = |s: &ServiceEntry| ServiceEntry {
        origin: String::new(),
        ..s.clone()
    };
    strip(a) == strip(b)
}

fn same_task(a: &TaskEntry, b: &TaskEntry) -> bool {
    let strip = |t: &TaskEntry| TaskEntry {
        origin: String::new(),
        ..t.clone()
    };
    strip(a) == strip(b)
}

/// Entries of two lists paired by key: those only in `new` (in its order), those only in `old`
/// (in its order), and the pairs. A key given twice pairs in order — a list compared with
/// itself pairs every entry with itself.
fn pair<'a, T, K: std::hash::Hash + Eq>(
    old: &'a [T],
    new: &'a [T],
    key: impl Fn(&T) -> K,
) -> (Vec<&'a T>, Vec<&'a T>, Vec<(&'a T, &'a T)>) {
    let mut unpaired: std::collections::HashMap<K, std::collections::VecDeque<usize>> =
        std::collections::HashMap::new();
    for (i, o) in old.iter().enumerate() {
        unpaired.entry(key(o)).or_default().push_back(i);
    }
    let mut paired = vec![false; old.len()];
    let (mut added, mut both) = (Vec::new(), Vec::new());
    for n in new {
        match unpaired.get_mut(&key(n)).and_then(|q| q.pop_front()) {
            Some(i) => {
                paired[i] = true;
                both.push((&old[i], n));
            }
            None => added.push(n),
        }
    }
    let removed = old
        .iter()
        .zip(&paired)
        .filter(|(_, p)| !**p)
        .map(|(o, _)| o)
        .collect();
    (added, removed, both)
}

pub fn server_diff(old: &Outputs, new: &Outputs) -> ServerDiff {
    let mut d = ServerDiff {
        server: new.server.clone(),
        ..Default::default()
    };
    if old.filters.release != new.filters.release {
        d.release = Some((old.filters.release.clone(), new.filters.release.clone()));
    }
    let key = |(list, e): &(String, &Entry)| (list.clone(), e.pattern.to_lowercase());
    let o = entries(&old.filters);
    let n = entries(&new.filters);
    let om: std::collections::BTreeMap<_, &Entry> = o.iter().map(|x| (key(x), x.1)).collect();
    let nm: std::collections::BTreeMap<_, &Entry> = n.iter().map(|x| (key(x), x.1)).collect();
    for (k, e) in &nm {
        match om.get(k) {
            None => d.filters_added.push(FilterChange {
                list: k.0.clone(),
                pattern: e.pattern.clone(),
                old: None,
                new: Some((*e).clone()),
            }),
            Some(o) if !same_meaning(o, e) => d.filters_changed.push(FilterChange {
                list: k.0.clone(),
                pattern: e.pattern.clone(),
                old: Some((*o).clone()),
                new: Some((*e).clone()),
            }),
            Some(_) => {}
        }
    }
    for (k, e) in &om {
        if !nm.contains_key(k) {
            d.filters_removed.push(FilterChange {
                list: k.0.clone(),
                pattern: e.pattern.clone(),
                old: Some((*e).clone()),
                new: None,
            });
        }
    }
    let (added, removed, both) = pair(
        &old.services.services,
        &new.services.services,
        |s: &ServiceEntry| s.name.to_ascii_lowercase(),
    );
    d.services_added = added.into_iter().cloned().collect();
    d.services_removed = removed.into_iter().cloned().collect();
    for (o, n) in both {
        if !same_service(o, n) {
            d.services_changed.push((o.clone(), n.clone()));
        }
    }
    let common = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter()
            .filter(|x| b.iter().any(|y| y.eq_ignore_ascii_case(x)))
            .cloned()
            .collect()
    };
    let (os, ns) = (&old.services.start_order, &new.services.start_order);
    let oc = common(os, ns);
    let nc = common(ns, os);
    if oc
        .iter()
        .map(|s| s.to_lowercase())
        .ne(nc.iter().map(|s| s.to_lowercase()))
    {
        d.start_order = Some((os.clone(), ns.clone()));
    }
    let (added, removed, both) = pair(&old.services.tasks, &new.services.tasks, |t: &TaskEntry| {
        (t.kind.clone(), t.name.clone())
    });
    d.tasks_added = added.into_iter().cloned().collect();
    d.tasks_removed = removed.into_iter().cloned().collect();
    for (o, n) in both {
        if !same_task(o, n) {
            d.tasks_changed.push((o.clone(), n.clone()));
        }
    }
    d.role = role_changes(old.cluster.as_ref(), new.cluster.as_ref());
    let (a, b) = (
        old.services.switchover_worst_case_seconds,
        new.services.switchover_worst_case_seconds,
    );
    if a != b {
        d.switchover_worst_case_seconds = Some((a, b));
    }
    d
}

/// Compare two trees of compiled outputs.
pub fn diff(old: &[Outputs], new: &[Outputs]) -> Diff {
    let mut d = Diff {
        format_version: DIFF_FORMAT_VERSION,
        ..Default::default()
    };
    // servers pair by name (in any case); a name given twice on both sides (a folder copied
    // under another name) pairs in order, so a tree compared with itself never differs
    let (added, removed, both) = pair(old, new, |o: &Outputs| o.server.to_ascii_lowercase());
    d.servers_added = added.into_iter().map(|n| n.server.clone()).collect();
    d.servers_removed = removed.into_iter().map(|o| o.server.clone()).collect();
    for (o, n) in both {
        let sd = server_diff(o, n);
        if sd.is_empty() {
            d.servers_unchanged += 1;
        } else {
            d.servers.push(sd);
        }
    }
    d
}
