//! From evidence to a proposed policy a person reviews: the application's files and keys as
//! rules with classes, folded to folders where a folder holds many, paths written with
//! variables again; temporary folders as `unprotected`; system locations, vetoed folders and
//! other processes left out, each named with why; every rule with the evidence it comes from.
//!
//! Thresholds (documented in `amxc discover --help` and the README):
//! - a folder whose files the application wrote [`FOLD_FILES`] or more of becomes `folder\**`;
//!   fewer files sharing an extension become `folder\*.ext`; a single file stays itself;
//! - a registry key becomes its application's subtree: `HKLM\SOFTWARE\Vendor\Product\**`;
//! - a folder named like temporary storage (`temp`, `tmp`, `cache`, `scratch`, `spool`) is
//!   proposed as unprotected, never replicated.

use super::evidence::{Evidence, Seen, Sources};
use crate::engine::Engine;
use crate::filters::{check_file, normalize_file, subset, Trie};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Written files in one folder from which the folder is proposed whole.
pub const FOLD_FILES: usize = 3;

const TEMP_NAMES: [&str; 6] = ["temp", "tmp", "cache", "caches", "scratch", "spool"];
const CONFIG_EXTENSIONS: [&str; 9] = [
    "ini",
    "xml",
    "config",
    "cfg",
    "json",
    "yaml",
    "yml",
    "conf",
    "properties",
];

/// One proposed rule.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rule {
    /// `files include`, `registry include` or `unprotected`.
    pub statement: &'static str,
    pub pattern: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    /// What it was proposed from.
    pub evidence: String,
    /// The pattern as the evidence wrote it (no variables; registry keys in the 32-bit view's
    /// name), to match the evidence against.
    #[serde(skip)]
    pub concrete: String,
}

/// A location seen and not proposed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LeftOut {
    pub location: String,
    pub events: u64,
    pub why: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ProposedService {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    pub after: Vec<String>,
    pub evidence: String,
}

/// The proposal.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Proposal {
    pub name: String,
    pub release: String,
    /// Whether the evidence shows a 32-bit application on x64 (`Program Files (x86)`,
    /// `Wow6432Node`).
    pub bits32: bool,
    /// `Install = '…'`, when the application has one folder under Program Files.
    pub install: Option<String>,
    /// The server's system drive as the evidence shows it (`Evidence::system_drive`).
    #[serde(skip)]
    pub system_drive: String,
    pub services: Vec<ProposedService>,
    pub rules: Vec<Rule>,
    pub left_out: Vec<LeftOut>,
    pub sources: Vec<String>,
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
        && (s.len() == prefix.len() || s.as_bytes()[prefix.len()] == b'\\')
}

/// A path with its built-in folder written as a variable (`folders`: the engine's
/// [`crate::engine::windows::folder_variables`] on the evidence's system drive).
pub(crate) fn with_variables(path: &str, folders: &[(String, &str)]) -> String {
    for (prefix, var) in folders {
        if starts_with_ci(path, prefix) {
            return format!("%{var}%{}", &path[prefix.len()..]);
        }
    }
    path.to_string()
}

fn parent(path: &str) -> &str {
    path.rfind('\\').map_or("", |i| &path[..i])
}

fn leaf(path: &str) -> &str {
    path.rfind('\\').map_or(path, |i| &path[i + 1..])
}

fn extension(path: &str) -> Option<String> {
    let l = leaf(path);
    l.rfind('.')
        .filter(|&i| i > 0)
        .map(|i| l[i + 1..].to_ascii_lowercase())
}

/// A rotated copy's name (`cb.log.1`, `cb.log.old`, `cb.log.bak`): the name it was rotated
/// from (`cb.log`) and that name's extension (`log`). Rotation keeps the extension and adds a
/// number or `old`/`bak` after it; a name whose own extension is a number is not one.
fn rotated(name: &str) -> Option<(&str, String)> {
    let (base, suffix) = name.rsplit_once('.')?;
    let rotation =
        (!suffix.is_empty() && suffix.len() <= 3 && suffix.chars().all(|c| c.is_ascii_digit()))
            || suffix.eq_ignore_ascii_case("old")
            || suffix.eq_ignore_ascii_case("bak");
    let (stem, ext) = base.rsplit_once('.')?;
    (rotation
        && !stem.is_empty()
        && !ext.is_empty()
        && ext.chars().any(|c| c.is_ascii_alphabetic()))
    .then(|| (base, ext.to_ascii_lowercase()))
}

fn class_of(path: &str) -> &'static str {
    let ext = rotated(leaf(path)).map_or_else(|| extension(path), |(_, e)| Some(e));
    if in_logs(path) || ext.as_deref() == Some("log") {
        "log"
    } else if ext.is_some_and(|e| CONFIG_EXTENSIONS.contains(&e.as_str())) {
        "config"
    } else {
        "data"
    }
}

/// Whether a path has a folder named `log` or `logs`.
fn in_logs(path: &str) -> bool {
    path.split('\\')
        .any(|s| s.eq_ignore_ascii_case("log") || s.eq_ignore_ascii_case("logs"))
}

/// The temporary folder a path is in, if any: the path up to the first name that is one.
fn temp_folder(path: &str) -> Option<String> {
    let mut end = 0;
    for (i, seg) in path.split('\\').enumerate() {
        end += seg.len();
        if TEMP_NAMES.iter().any(|t| seg.eq_ignore_ascii_case(t)) {
            return (i > 0).then(|| path[..end].to_string());
        }
        end += 1;
    }
    None
}

/// `n` things, `what` in the plural unless one.
fn count(n: u64, what: &str) -> impl std::fmt::Display + '_ {
    struct Count<'a>(u64, &'a str);
    impl std::fmt::Display for Count<'_> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let s = if self.0 == 1 { "" } else { "s" };
            write!(f, "{} {}{s}", self.0, self.1)
        }
    }
    Count(n, what)
}

/// Why a location the evidence names cannot be written as a pattern that means it alone: a
/// pattern reads `*` and `?` as wildcards and `%name%` as a variable, and Windows resolves
/// `.`, `..`, empty names and trailing dots or spaces to another location. Such a location is
/// left out with this reason, never widened or turned into a variable (a key `%SystemRoot%`
/// once became `…\Contoso\C:\Windows\**`).
fn not_literal(location: &str) -> Option<String> {
    wildcard_or_variable(location).or_else(|| {
        location
            .split('\\')
            // `C:` or the hive
            .skip(1)
            .any(resolves_elsewhere)
            .then(|| RESOLVES_ELSEWHERE.into())
    })
}

/// [`not_literal`] of a name in a folder that is itself literal.
fn not_literal_name(name: &str) -> Option<String> {
    wildcard_or_variable(name)
        .or_else(|| resolves_elsewhere(name).then(|| RESOLVES_ELSEWHERE.into()))
}

fn wildcard_or_variable(location: &str) -> Option<String> {
    let c = location
        .bytes()
        .find(|c| matches!(c, b'*' | b'?' | b'%'))
        .map(char::from)?;
    Some(format!(
        "its name holds `{c}`, which a pattern would read as a {}: add a rule by hand if it belongs to the application",
        if c == '%' { "variable" } else { "wildcard" }
    ))
}

fn resolves_elsewhere(name: &str) -> bool {
    name.is_empty() || name == "." || name == ".." || name.ends_with(['.', ' '])
}

const RESOLVES_ELSEWHERE: &str = "a name in it is empty, `.`, `..` or ends with a dot or space, which Windows resolves to another location";

/// The engine's vetoed and dangerous file locations on the evidence's system drive, built
/// once for a proposal into a trie that a path walks segment by segment (no pattern is built
/// for the path, and it meets only the locations on its way).
struct Unfit {
    roots: Trie,
    why: Vec<String>,
    /// The user profile folders on the system drive (`C:\\Users`, `C:\\Documents and Settings`).
    profiles: [String; 2],
}

impl Unfit {
    fn new(system_drive: &str) -> Unfit {
        let engine = crate::engine::Neverfail;
        let vetoed = engine
            .vetoed_roots(system_drive)
            .into_iter()
            .map(|v| (v.root, format!("{} (the HA product vetoes it)", v.why)));
        let dangerous = engine
            .dangerous(system_drive)
            .into_iter()
            .map(|d| (d.root, d.why.to_string()));
        let mut unfit = Unfit {
            roots: Trie::new(),
            why: Vec::new(),
            profiles: [
                format!("{system_drive}\\Users"),
                format!("{system_drive}\\Documents and Settings"),
            ],
        };
        for (root, why) in vetoed.chain(dangerous) {
            unfit.roots.insert(&root.segs, unfit.why.len());
            unfit.why.push(why);
        }
        unfit
    }

    /// Whether a path lies in a user profile (the all-users application data excepted).
    fn in_profile(&self, path: &str) -> bool {
        self.profiles.iter().any(|p| starts_with_ci(path, p))
            && !path
                .to_ascii_lowercase()
                .contains("\\all users\\application data")
    }

    /// Whether some vetoed or dangerous location lies in or below a literal folder.
    fn below(&self, folder: &str) -> bool {
        let lower = folder.to_lowercase();
        let segs: Vec<&str> = lower.trim_end_matches('\\').split('\\').collect();
        self.roots.below(&segs)
    }

    /// Why a literal path lies in a vetoed or dangerous location, the first such location the
    /// engine lists.
    fn why(&self, path: &str) -> Option<String> {
        thread_local! {
            // the lower-case path and the trie's work list, reused: a million paths ask without
            // allocating
            static LOWER: std::cell::RefCell<(String, Vec<(usize, usize)>)> =
                const { std::cell::RefCell::new((String::new(), Vec::new())) };
        }
        LOWER.with_borrow_mut(|(lower, stack)| {
            lower.clear();
            if path.is_ascii() {
                lower.push_str(path);
                lower.make_ascii_lowercase();
            } else {
                lower.push_str(&path.to_lowercase());
            }
            let segs: smallvec::SmallVec<[&str; 16]> =
                lower.trim_end_matches('\\').split('\\').collect();
            let mut first: Option<usize> = None;
            self.roots.matching_in(&segs, stack, |id| {
                first = Some(first.map_or(id, |f| f.min(id)));
                false
            });
            first.map(|i| self.why[i].clone())
        })
    }
}

/// Where a file the evidence names lies, for a proposal.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// No pattern means this path alone, and why.
    NotLiteral(String),
    /// In a location not proposed (its first folders name it), and why.
    Unfit(String),
    /// In a temporary folder (the folder).
    Temp(String),
    /// The application's own.
    Own,
}

fn place_of(path: &str, unfit: &Unfit) -> Place {
    if let Some(why) = not_literal(path) {
        return Place::NotLiteral(why);
    }
    if let Some(why) = excluded_file(path, unfit) {
        return Place::Unfit(why);
    }
    match temp_folder(path) {
        Some(t) => Place::Temp(t),
        None => Place::Own,
    }
}

/// [`place_of`], looking at the folder once for a run of paths in it: `folder` is the last
/// folder looked at and whether it is clean ([`clean_folder`]).
fn place_by_folder(path: &str, folder: &mut (String, bool), unfit: &Unfit) -> Place {
    let (dir, name) = path.rsplit_once('\\').unwrap_or(("", path));
    if dir != folder.0 {
        folder.0.clear();
        folder.0.push_str(dir);
        folder.1 = clean_folder(dir, unfit);
    }
    if folder.1 {
        place_in(path, name, unfit)
    } else {
        place_of(path, unfit)
    }
}

/// Why a file location is not proposed, if it is not.
fn excluded_file(path: &str, unfit: &Unfit) -> Option<String> {
    if path.starts_with("\\Device\\HarddiskVolume") {
        return Some("a volume without a drive letter in Process Monitor's view, which neither the volumes nor the listing map to one folder: give --volumes (mountvol, or the device map) or --listing of the server's drives".into());
    }
    if path.split('\\').any(super::resolve::is_short) {
        return Some(SHORT_NAME.into());
    }
    if !on_a_drive(path) {
        return Some("not a file on a drive (a device, pipe or network path)".into());
    }
    if unfit.in_profile(path) {
        return Some(IN_PROFILE.into());
    }
    unfit.why(path)
}

const SHORT_NAME: &str =
    "an 8.3 short name that no listing resolves to one long path: give --listing of the folders";
const IN_PROFILE: &str = "a user profile, which belongs to each user and server";

/// Whether a path starts with a drive (`C:\`).
fn on_a_drive(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && &b[1..3] == b":\\"
}

/// Whether nothing in a folder's own names makes a file in it other than the application's
/// own (the files of such a folder need only their names looked at, [`place_in`]): a literal
/// folder on a drive, without short or temporary names, outside the user profiles, and with
/// no vetoed or dangerous location in or below it.
fn clean_folder(folder: &str, unfit: &Unfit) -> bool {
    on_a_drive(&format!("{folder}\\"))
        && not_literal(folder).is_none()
        && !folder.split('\\').any(super::resolve::is_short)
        && !unfit.profiles.iter().any(|p| starts_with_ci(folder, p))
        && temp_folder(folder).is_none()
        && !unfit.below(folder)
}

/// [`place_of`] a file whose folder is clean ([`clean_folder`]): by its name alone (and a
/// folder named as a user profile, for a file that names a profile itself).
fn place_in(path: &str, name: &str, unfit: &Unfit) -> Place {
    if let Some(why) = not_literal_name(name) {
        return Place::NotLiteral(why);
    }
    if super::resolve::is_short(name) {
        return Place::Unfit(SHORT_NAME.into());
    }
    if unfit.in_profile(path) {
        return Place::Unfit(IN_PROFILE.into());
    }
    if TEMP_NAMES.iter().any(|t| name.eq_ignore_ascii_case(t)) {
        return Place::Temp(path.to_string());
    }
    Place::Own
}

fn excluded_key(key: &str) -> Option<String> {
    let lower = key.to_ascii_lowercase();
    if lower.starts_with("hklm\\system\\currentcontrolset\\services\\")
        || lower.starts_with("hklm\\system\\controlset")
    {
        return Some("a service's own configuration, which the services block sets".into());
    }
    if lower.starts_with("hkcu") || lower.starts_with("hku") {
        return Some("a user hive, loaded per logged-on user".into());
    }
    if !lower.starts_with("hklm\\software\\") {
        return Some("the server's own configuration, outside HKLM\\SOFTWARE".into());
    }
    let segs: Vec<&str> = lower.split('\\').collect();
    let vendor = if segs.get(2) == Some(&"wow6432node") {
        segs.get(3)
    } else {
        segs.get(2)
    };
    match vendor {
        Some(&"microsoft") | Some(&"classes") | Some(&"policies") | None => {
            Some("Windows' own settings, shared by every application".into())
        }
        _ => None,
    }
}

/// `HKLM\SYSTEM\CurrentControlSet\Services\<service>\Parameters` when `key` lies in it
/// and the service is one of the application's own.
fn service_parameters(key: &str, own: &[String]) -> Option<String> {
    let service = crate::engine::windows::service_parameters_of(key)?;
    own.contains(&service.to_ascii_lowercase())
        .then(|| format!("HKLM\\SYSTEM\\CurrentControlSet\\Services\\{service}\\Parameters"))
}

/// `HKLM\SOFTWARE\Vendor\Product` of a key (in the 32-bit view's name), and whether it was
/// under `Wow6432Node`.
fn key_subtree(key: &str) -> Option<(String, bool)> {
    let (plain, wow) = crate::engine::windows::without_wow6432node(key);
    let segs: Vec<&str> = plain.split('\\').collect();
    let rest: Vec<&str> = segs.get(2..).unwrap_or_default().to_vec();
    if rest.is_empty() {
        return None;
    }
    let take = rest.len().min(2);
    Some((format!("HKLM\\SOFTWARE\\{}", rest[..take].join("\\")), wow))
}

/// The rules for the written files of one folder: the folder whole when it holds
/// [`FOLD_FILES`] or more, else by extension, else each file (pattern, class, writes, files,
/// evidence files).
fn folder_rules(
    ev: &Evidence,
    files: &[(&str, &String, &Seen)],
) -> Vec<(String, &'static str, u64, usize, String)> {
    let dir = files[0].0;
    let mut rules = Vec::new();
    let writes: u64 = files.iter().map(|(_, _, s)| s.writes).sum();
    let mut all = Sources::default();
    for (_, _, s) in files {
        all.extend(&s.sources);
    }
    let srcs = ev.names(&all);
    if files.len() >= FOLD_FILES {
        rules.push((
            format!("{dir}\\**"),
            // a file of no extension in it
            if in_logs(dir) { "log" } else { "data" },
            writes,
            files.len(),
            srcs,
        ));
        return rules;
    }
    // by extension, a rotated copy (`cb.log.1`) with the file it was rotated from
    let mut by_ext: BTreeMap<Option<String>, Vec<(&String, &Seen)>> = BTreeMap::new();
    for &(_, f, s) in files {
        let ext = rotated(leaf(f)).map_or_else(|| extension(f), |(_, e)| Some(e));
        by_ext.entry(ext).or_default().push((f, s));
    }
    for (ext, fs) in by_ext {
        let w: u64 = fs.iter().map(|(_, s)| s.writes).sum();
        let rotation = fs.iter().any(|(f, _)| rotated(leaf(f)).is_some());
        let star = if rotation { "*" } else { "" };
        match ext {
            Some(e) if fs.len() >= 2 => rules.push((
                format!("{dir}\\*.{e}{star}"),
                class_of(&format!("{dir}\\x.{e}")),
                w,
                fs.len(),
                srcs.clone(),
            )),
            _ => {
                for (f, s) in fs {
                    // a rotated copy alone: the file it was rotated from and its copies
                    let pattern = match rotated(leaf(f)) {
                        Some((base, _)) => format!("{}\\{base}*", parent(f)),
                        None => f.clone(),
                    };
                    rules.push((pattern, class_of(f), s.writes, 1, srcs.clone()));
                }
            }
        }
    }
    rules
}

/// Which of the proposed file patterns to keep: each that is a pattern ([`check_file`]) and
/// that no other covers (of equal ones, the first). A proposed pattern has its wildcards in
/// its last name only (`dir\**`, `dir\*.ext`, `dir\name*` or a file's path), so another can
/// cover it only from the same folder, or as a `dir\**` at or above it (`dir\**` holds `dir`
/// too): those few are compared as patterns, and the others — nearly all, on a server — are
/// only checked, with no pattern built for them.
fn uncovered(patterns: &[&str]) -> Vec<bool> {
    /// A pattern's names as they compare (lower case, `Windows\Sysnative` as
    /// `Windows\System32`), and where its folder ends.
    struct Key {
        names: String,
        dir: usize,
        any: bool,
    }
    let key = |p: &str| {
        let p = p.trim();
        let lower = p.to_ascii_lowercase();
        // most paths: ASCII, one `\\` between names, no Sysnative
        let names = if p.is_ascii()
            && !p.contains('/')
            && !p.contains("\\\\")
            && !p.ends_with('\\')
            && !lower.contains("\\windows\\sysnative")
        {
            lower
        } else {
            let parts: Vec<&str> = p.split(['\\', '/']).filter(|s| !s.is_empty()).collect();
            let mut names = String::with_capacity(p.len());
            for (k, part) in parts.iter().enumerate() {
                if k > 0 {
                    names.push('\\');
                }
                let lower = part.to_lowercase();
                let sysnative =
                    lower == "sysnative" && k > 0 && parts[k - 1].eq_ignore_ascii_case("windows");
                names.push_str(if sysnative { "system32" } else { &lower });
            }
            names
        };
        Key {
            dir: names.rfind('\\').unwrap_or(0),
            any: names.ends_with("\\**"),
            names,
        }
    };
    let keys: Vec<Option<Key>> = patterns
        .par_iter()
        .map(|p| check_file(p).ok().map(|()| key(p)))
        .collect();
    // (folder, names in order — a `dir\**` as `dir\`, before all it holds —, whether `dir\**`, number)
    let valid: Vec<(&str, &str, bool, u32)> = keys
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let k = k.as_ref()?;
            let order = if k.any {
                &k.names[..k.names.len() - 2]
            } else {
                &k.names[..]
            };
            Some((&k.names[..k.dir], order, k.any, i as u32))
        })
        .collect();
    let mut candidate = vec![false; keys.len()];
    if valid.iter().any(|v| v.0.contains(['*', '?'])) {
        // a folder with a wildcard: every pattern compared with every other
        candidate.iter_mut().for_each(|c| *c = true);
    } else {
        // in the same folder
        let mut by_folder = valid.clone();
        by_folder.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        for run in by_folder.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                run.iter().for_each(|v| candidate[v.3 as usize] = true);
            }
        }
        // a file whose path is a `dir\**`'s folder
        let anys: Vec<(&str, u32)> = by_folder
            .iter()
            .filter(|v| v.2)
            .map(|v| (v.0, v.3))
            .collect();
        for v in valid.iter().filter(|v| !v.2) {
            if let Ok(at) = anys.binary_search_by(|a| a.0.cmp(v.1)) {
                candidate[v.3 as usize] = true;
                candidate[anys[at].1 as usize] = true;
            }
        }
        // under a `dir\**`
        let mut by_name = valid;
        by_name.par_sort_unstable_by(|a, b| a.1.cmp(b.1));
        let mut above: Vec<(&str, u32)> = Vec::new();
        for &(_, order, any, i) in &by_name {
            while above.last().is_some_and(|a| !order.starts_with(a.0)) {
                above.pop();
            }
            if !above.is_empty() {
                candidate[i as usize] = true;
                above.iter().for_each(|a| candidate[a.1 as usize] = true);
            }
            if any {
                above.push((order, i));
            }
        }
    }
    // the candidates compared as patterns
    let pats: Vec<Option<crate::filters::Pattern>> = patterns
        .par_iter()
        .zip(candidate.par_iter())
        .map(|(p, &c)| if c { normalize_file(p).ok() } else { None })
        .collect();
    let mut trie = Trie::new();
    for (i, p) in pats.iter().enumerate() {
        if let Some(p) = p {
            trie.insert(&p.segs, i);
        }
    }
    (0..patterns.len())
        .into_par_iter()
        .map(|i| {
            if keys[i].is_none() {
                return false;
            }
            let Some(a) = &pats[i] else { return true };
            let mut covered = false;
            trie.covering(&a.segs, |j, exact| {
                let Some(b) = &pats[j] else { return false };
                covered = j != i
                    && (exact || subset(&a.segs, &b.segs))
                    && (!subset(&b.segs, &a.segs) || j < i);
                covered
            });
            !covered
        })
        .collect()
}

/// Build the proposal.
pub fn propose(ev: &Evidence, name: &str, release: &str, sources: Vec<String>) -> Proposal {
    let mut p = Proposal {
        name: name.to_string(),
        release: release.to_string(),
        sources,
        ..Proposal::default()
    };
    // by location as Windows compares it (`HKLM\System` is `HKLM\SYSTEM`), shown as first seen
    let mut left: BTreeMap<String, (String, u64, String)> = BTreeMap::new();
    let mut leave = |loc: &str, n: u64, why: String| {
        let e = left
            .entry(loc.to_ascii_lowercase())
            .or_insert((loc.to_string(), 0, why));
        e.1 += n;
    };
    // files: what the application wrote; what it only read or what only exists is evidence for
    // folding, not a rule of its own
    let mut written: Vec<(&String, &Seen)> = Vec::new();
    let system_drive = ev.system_drive();
    p.system_drive = system_drive.clone();
    let folders = crate::engine::windows::folder_variables(&system_drive);
    let unfit = Unfit::new(&system_drive);
    let mut temps: BTreeMap<String, u64> = BTreeMap::new();
    // each path on its own (on every core), then taken in order
    // (a folder's files follow each other: a folder is looked at once for a run of them)
    let places: Vec<Place> = ev
        .files
        .par_iter()
        .map_init(
            || (String::new(), false),
            |folder, (path, _)| place_by_folder(path, folder, &unfit),
        )
        .collect();
    for ((path, seen), place) in ev.files.iter().zip(places) {
        match place {
            Place::NotLiteral(why) => leave(path, seen.writes + seen.reads, why),
            Place::Unfit(why) => {
                let root = path.split('\\').take(3).collect::<Vec<_>>().join("\\");
                leave(&root, seen.writes + seen.reads, why);
            }
            Place::Temp(t) => *temps.entry(t).or_default() += seen.writes,
            Place::Own if seen.writes > 0 => written.push((path, seen)),
            Place::Own => {}
        }
    }
    let x86 = format!("{system_drive}\\Program Files (x86)");
    p.bits32 = written.iter().any(|(f, _)| starts_with_ci(f, &x86))
        || ev.keys.keys().any(|k| {
            k.to_ascii_lowercase()
                .starts_with("hklm\\software\\wow6432node\\")
        });
    // per folder (the files in path order, so a folder's files are in order), each folder on
    // its own and on every core, the rules in folder order
    let mut in_dirs: Vec<(&str, &String, &Seen)> =
        written.iter().map(|(f, s)| (parent(f), *f, *s)).collect();
    in_dirs.par_sort_by(|a, b| a.0.cmp(b.0));
    let by_dir: Vec<&[(&str, &String, &Seen)]> = in_dirs.chunk_by(|a, b| a.0 == b.0).collect();
    let rules: Vec<(String, &'static str, u64, usize, String)> = by_dir // pattern, class, writes, files, sources
        .par_iter()
        .flat_map_iter(|files| folder_rules(ev, files))
        .collect();
    // nothing wider than the evidence, and nothing covered twice
    let keep = uncovered(&rules.iter().map(|r| r.0.as_str()).collect::<Vec<_>>());
    let rules: Vec<_> = rules
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(r, _)| r)
        .collect();
    // the application's folder under Program Files: the longest folder all its rules there share
    let under_pf: Vec<String> = rules
        .iter()
        .map(|r| with_variables(&r.0, &folders))
        .filter(|v| v.starts_with("%ProgramFiles%\\"))
        .collect();
    if under_pf.len() >= 2 {
        let split: Vec<Vec<&str>> = under_pf.iter().map(|v| v.split('\\').collect()).collect();
        let mut common = Vec::new();
        for (i, seg) in split[0].iter().enumerate() {
            if seg.contains('*')
                || !split.iter().all(|s| {
                    s.get(i).is_some_and(|x| x.eq_ignore_ascii_case(seg)) && s.len() > i + 1
                })
            {
                break;
            }
            common.push(*seg);
        }
        if common.len() >= 3 {
            p.install = Some(common.join("\\"));
        }
    }
    let var = |path: &str| {
        let v = with_variables(path, &folders);
        match &p.install {
            Some(i) if starts_with_ci(&v, i) => format!("%Install%{}", &v[i.len()..]),
            _ => v,
        }
    };
    p.rules = rules
        .into_par_iter()
        .map(|(pattern, class, writes, files, srcs)| Rule {
            statement: "files include",
            pattern: var(&pattern),
            class: Some(class.to_string()),
            because: None,
            evidence: format!(
                "procmon: {} in {} ({srcs})",
                count(writes, "write"),
                count(files as u64, "file")
            ),
            concrete: pattern,
        })
        .collect();
    for (t, writes) in &temps {
        if excluded_file(t, &unfit).is_some() {
            continue;
        }
        p.rules.push(Rule {
            statement: "unprotected",
            pattern: var(&format!("{t}\\**")),
            class: None,
            because: Some(format!(
                "temporary files the application rebuilds ({} seen)",
                count(*writes, "write")
            )),
            evidence: "a temporary folder by its name".into(),
            concrete: format!("{t}\\**"),
        });
    }
    // registry: each key to its application's subtree
    let mut subtrees: BTreeMap<String, (u64, u64, Sources)> = BTreeMap::new();
    let own: Vec<String> = ev
        .services
        .iter()
        .map(|s| s.name.to_ascii_lowercase())
        .collect();
    for (k, seen) in &ev.keys {
        if let Some(why) = not_literal(k) {
            leave(k, seen.writes + seen.reads, why);
            continue;
        }
        // an own service's Parameters (ports, paths): the application's data, which the
        // services block cannot set; ControlSet001 is the CurrentControlSet Windows boots
        if let Some(params) = service_parameters(k, &own) {
            let e = subtrees.entry(params).or_default();
            e.0 += seen.writes;
            e.1 += 1;
            e.2.extend(&seen.sources);
            continue;
        }
        if let Some(why) = excluded_key(k) {
            let root = k.split('\\').take(4).collect::<Vec<_>>().join("\\");
            leave(&root, seen.writes + seen.reads, why);
            continue;
        }
        if seen.writes == 0
            && !seen
                .sources
                .iter()
                .any(|s| ev.source_name(s).to_ascii_lowercase().ends_with(".reg"))
        {
            continue;
        }
        if let Some((sub, _)) = key_subtree(k) {
            let e = subtrees.entry(sub).or_default();
            e.0 += seen.writes;
            e.1 += 1;
            e.2.extend(&seen.sources);
        }
    }
    for (sub, (writes, keys, srcs)) in subtrees {
        p.rules.push(Rule {
            statement: "registry include",
            concrete: format!("{sub}\\**"),
            pattern: format!("{sub}\\**"),
            class: Some("config".into()),
            because: None,
            evidence: format!(
                "{} and {} below it ({})",
                count(writes, "registry write"),
                count(keys, "key"),
                ev.names(&srcs)
            ),
        });
    }
    for (process, n) in &ev.other_processes {
        leave(
            &format!("process {process}"),
            *n,
            "another process's activity".into(),
        );
    }
    p.left_out = left
        .into_values()
        .map(|(location, events, why)| LeftOut {
            location,
            events,
            why,
        })
        .collect();
    // services, with dependencies among them
    let names: Vec<String> = ev
        .services
        .iter()
        .map(|s| s.name.to_ascii_lowercase())
        .collect();
    for s in &ev.services {
        let (inside, outside): (Vec<&String>, Vec<&String>) = s
            .dependencies
            .iter()
            .partition(|d| names.contains(&d.to_ascii_lowercase()));
        let mut evidence = format!("sc ({})", s.source);
        if let Some(t) = &s.start_type {
            let _ = write!(evidence, ": {t}");
        }
        if let Some(a) = &s.account {
            let _ = write!(evidence, ", runs as {a}");
        }
        if !outside.is_empty() {
            let list: Vec<&str> = outside.iter().map(|d| d.as_str()).collect();
            let _ = write!(evidence, "; depends on {} (not protected)", list.join(", "));
        }
        p.services.push(ProposedService {
            name: s.name.clone(),
            display: s.display.clone(),
            after: inside.into_iter().cloned().collect(),
            evidence,
        });
    }
    p
}

fn quote(s: &str) -> String {
    format!("'{}'", doubled(s))
}

/// A `'…'` literal's text: its quotes doubled.
fn doubled(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\'') {
        s.replace('\'', "''").into()
    } else {
        s.into()
    }
}

/// A double-quoted string: `\\`, `\"` and control characters escaped.
fn dq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if breaks(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A character that ends or breaks a line somewhere: a control character, or Unicode's line
/// and paragraph separators.
fn breaks(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Text for a `//` comment: one line.
fn comment(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(breaks) {
        s.chars()
            .map(|c| if breaks(c) { ' ' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// A name or path evidence gave that a policy can hold as a `'…'` literal: no control
/// characters (Windows allows none in names and paths).
fn writable(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(breaks)
}

/// Lines of a policy in `amxc fmt`'s layout: four spaces a level.
#[derive(Default)]
struct Lines {
    out: String,
    depth: usize,
}

impl Lines {
    /// A line at the current depth; one ending in `{` opens a level.
    fn line(&mut self, text: std::fmt::Arguments<'_>) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        let start = self.out.len();
        let _ = self.out.write_fmt(text);
        let opens = self.out[start..].ends_with('{');
        self.out.push('\n');
        if opens {
            self.depth += 1;
        }
    }

    /// The `}` that closes a level.
    fn close(&mut self) {
        self.depth -= 1;
        self.line(format_args!("}}"));
    }
}

/// The proposal as a policy, in `amxc fmt`'s layout (written so: formatting a large proposal
/// again would take as long as proposing it).
pub fn policy_text(p: &Proposal) -> String {
    let mut s = Lines::default();
    s.line(format_args!(
        "// Proposed by amxc discover from {}.",
        comment(&p.sources.join(", "))
    ));
    s.line(format_args!(
        "// Review every rule: each says what it was proposed from."
    ));
    for l in &p.left_out {
        s.line(format_args!(
            "// Seen and left out: {} ({}): {}.",
            comment(&l.location),
            count(l.events, "event"),
            l.why
        ));
    }
    s.line(format_args!("amx {} {{", dq(&p.name)));
    if p.bits32 {
        s.line(format_args!("application {} {{", dq(&p.name)));
        s.line(format_args!(
            "// Program Files (x86) or Wow6432Node: a 32-bit application"
        ));
        s.line(format_args!("bits 32"));
        s.close();
    }
    s.line(format_args!("versions {}", p.release));
    if let Some(i) = &p.install {
        s.line(format_args!("paths {{"));
        s.line(format_args!("Install = {}", quote(i)));
        s.close();
    }
    if !p.services.is_empty() {
        s.line(format_args!("services {{"));
        s.line(format_args!("startup manual"));
        for sv in p.services.iter().filter(|sv| writable(&sv.name)) {
            s.line(format_args!("// {}", comment(&sv.evidence)));
            let display = sv
                .display
                .as_deref()
                .map(|d| format!(" {}", dq(d)))
                .unwrap_or_default();
            if sv.after.is_empty() {
                s.line(format_args!("service {}{display}", quote(&sv.name)));
            } else {
                let after: Vec<String> = sv
                    .after
                    .iter()
                    .filter(|a| writable(a))
                    .map(|a| quote(a))
                    .collect();
                s.line(format_args!("service {}{display} {{", quote(&sv.name)));
                s.line(format_args!("after {}", after.join(", ")));
                s.close();
            }
        }
        s.close();
    }
    if !p.rules.is_empty() {
        s.line(format_args!("data {{"));
        // the rules' lines on every core, a run of rules to a text, then in order
        let depth = s.depth;
        let parts: Vec<String> = p
            .rules
            .par_iter()
            .filter(|r| writable(&r.pattern))
            .fold(String::new, |out, r| {
                let mut l = Lines { out, depth };
                l.line(format_args!("// {}", comment(&r.evidence)));
                let (class, c) = r.class.as_ref().map_or(("", ""), |c| (" as ", c.as_str()));
                let (because, b) = match &r.because {
                    Some(b) => (" because ", dq(b)),
                    None => ("", String::new()),
                };
                l.line(format_args!(
                    "{} '{}'{class}{c}{because}{b}",
                    r.statement,
                    doubled(&r.pattern)
                ));
                l.out
            })
            .collect();
        s.out.reserve(parts.iter().map(String::len).sum());
        for part in parts {
            s.out.push_str(&part);
        }
        s.close();
    }
    s.close();
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names that make a path other than the application's own, or a pattern other than
    /// plain — or look as if they could — in any folder of a generated path.
    fn names() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "Data",
            "data",
            "Windows",
            "windows",
            "System32",
            "Sysnative",
            "Users",
            "All Users",
            "Application Data",
            "Documents and Settings",
            "temp",
            "Cache",
            "Logs",
            "log",
            "PROGRA~1",
            "cb.log",
            "cb.log.1",
            "x.txt",
            "a.",
            "b ",
            "%x%",
            "a*b",
            "pagefile.sys",
            "System Volume Information",
            "$Recycle.Bin",
            "(x)",
            "d!",
            "con",
            "f:s",
            "",
        ])
    }

    fn paths() -> impl proptest::strategy::Strategy<Value = Vec<String>> {
        use proptest::prelude::*;
        let drive =
            proptest::sample::select(vec!["C:", "D:", "c:", "\\Device\\HarddiskVolume2", "x"]);
        proptest::collection::vec((drive, proptest::collection::vec(names(), 0..5)), 1..24)
            .prop_map(|ps| {
                let mut v: Vec<String> = ps
                    .into_iter()
                    .map(|(d, n)| std::iter::once(d).chain(n).collect::<Vec<_>>().join("\\"))
                    .collect();
                v.sort();
                v.dedup();
                v
            })
    }

    proptest::proptest! {
        /// A folder looked at once for the paths in it places every path as looking at the
        /// whole path does, on either system drive.
        #[test]
        fn a_folder_looked_at_once_places_as_each_path(paths in paths(), d in proptest::bool::ANY) {
            let unfit = Unfit::new(if d { "D:" } else { "C:" });
            let mut folder = (String::new(), false);
            for p in &paths {
                proptest::prop_assert_eq!(place_by_folder(p, &mut folder, &unfit), place_of(p, &unfit), "{}", p);
            }
        }

        /// The rules kept are those that are patterns and that no other covers (of equal ones
        /// the first), as comparing every rule with every other finds.
        #[test]
        fn kept_rules_are_those_no_other_covers(
            rules in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["C:", "c:", "D:"]),
                    proptest::collection::vec(names(), 0..4),
                    proptest::sample::select(vec!["**", "*.log", "*.log*", "cb.log*", "x.txt", "Data", "a.", "f:s"]),
                ),
                1..20,
            )
        ) {
            let patterns: Vec<String> = rules
                .iter()
                .map(|(d, n, l)| std::iter::once(*d).chain(n.iter().copied()).chain([*l]).collect::<Vec<_>>().join("\\"))
                .collect();
            let refs: Vec<&str> = patterns.iter().map(String::as_str).collect();
            let pats: Vec<_> = refs.iter().map(|p| normalize_file(p).ok()).collect();
            let expected: Vec<bool> = (0..pats.len())
                .map(|i| {
                    let Some(a) = &pats[i] else { return false };
                    !(0..pats.len()).any(|j| {
                        pats[j].as_ref().is_some_and(|b| {
                            j != i && subset(&a.segs, &b.segs) && (!subset(&b.segs, &a.segs) || j < i)
                        })
                    })
                })
                .collect();
            proptest::prop_assert_eq!(uncovered(&refs), expected, "{:?}", patterns);
        }
    }

    #[test]
    fn a_file_named_as_a_folder_below_is_covered_by_it() {
        let kept = uncovered(&[
            "C:\\Data\\x",
            "C:\\DATA\\x\\**",
            "C:\\Data\\(y)\\f.dat",
            "C:\\Data\\**",
            "C:\\Windows\\Sysnative\\a\\**",
            "C:\\Windows\\System32\\a\\b.log",
            "C:\\Data\\f.txt:stream",
        ]);
        assert_eq!(kept, [false, false, false, true, true, false, false]);
    }

    /// The text is written in `amxc fmt`'s layout rather than formatted: every statement it
    /// writes comes out as `fmt` would write it.
    #[test]
    fn the_policy_text_is_in_fmt_layout() {
        let rule = |statement: &'static str,
                    pattern: &str,
                    class: Option<&str>,
                    because: Option<&str>| Rule {
            statement,
            pattern: pattern.into(),
            class: class.map(Into::into),
            because: because.map(Into::into),
            evidence: "procmon: 2 writes in 2 files (trace.csv)".into(),
            concrete: pattern.into(),
        };
        let p = Proposal {
            name: "contoso-backup".into(),
            release: "2021-06-15".into(),
            bits32: true,
            install: Some("%ProgramFiles%\\Contoso's".into()),
            system_drive: "C:".into(),
            services: vec![
                ProposedService {
                    name: "CBSvc".into(),
                    display: Some("Contoso \"Backup\"".into()),
                    after: vec!["CBIndex".into(), "CB'Q".into()],
                    evidence: "sc (sc.txt): AUTO_START".into(),
                },
                ProposedService {
                    name: "CBIndex".into(),
                    display: None,
                    after: vec![],
                    evidence: "sc (sc.txt)\nsecond line".into(),
                },
            ],
            rules: vec![
                rule("files include", "%Install%\\Data\\**", Some("data"), None),
                rule(
                    "unprotected",
                    "%Install%\\Temp\\**",
                    None,
                    Some("temporary \"files\""),
                ),
                rule(
                    "registry include",
                    "HKLM\\SOFTWARE\\Contoso\\**",
                    Some("config"),
                    None,
                ),
            ],
            left_out: vec![LeftOut {
                location: "C:\\Windows".into(),
                events: 3,
                why: "the Windows folder".into(),
            }],
            sources: vec!["trace.csv (Process Monitor)".into()],
        };
        let text = policy_text(&p);
        assert_eq!(crate::format::format_file(&text), text);
        let parsed = crate::parse::parse(0, &text);
        assert!(
            !parsed
                .diagnostics
                .iter()
                .any(crate::diagnostic::Diagnostic::is_error),
            "{text}"
        );
        let empty = Proposal {
            name: "empty".into(),
            release: "2021-06-15".into(),
            ..Proposal::default()
        };
        let text = policy_text(&empty);
        assert_eq!(crate::format::format_file(&text), text);
    }

    #[test]
    fn rotated_copies_are_known_by_a_number_or_old_bak_after_their_extension() {
        assert_eq!(rotated("cb.log.1"), Some(("cb.log", "log".to_string())));
        assert_eq!(rotated("cb.LOG.old"), Some(("cb.LOG", "log".to_string())));
        assert_eq!(
            rotated("audit.log.bak"),
            Some(("audit.log", "log".to_string()))
        );
        for plain in ["cb.log", "set1.db", "v1.2", "release.2021", "a.1", ".log.1"] {
            assert_eq!(rotated(plain), None, "{plain}");
        }
    }
}
