//! Paths as Process Monitor writes them, made the paths a policy names, with the listing's
//! and the volume captures' help: a volume without a letter in Process Monitor's view
//! (`\Device\HarddiskVolume3\…`) is the folder a device map names for it, or else the one
//! drive or `mountvol` mount point under which the listing has the same path; an 8.3 short name
//! (`C:\PROGRA~2\Contoso\…`) is the long name whose full path the listing has. What the
//! listing cannot resolve to exactly one path is left as it is, and left out of the proposal
//! with the reason.

use super::Evidence;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The listing, for lookups: every path (lower case) and each folder's children.
struct Listing {
    paths: HashSet<String>,
    children: HashMap<String, Vec<String>>,
}

impl Listing {
    fn new(listed: &[String]) -> Listing {
        let mut paths = HashSet::new();
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        for p in listed {
            let p = p.trim_end_matches('\\');
            paths.insert(p.to_ascii_lowercase());
            // every folder on the way is listed too, implicitly
            let mut at = p;
            while let Some((parent, name)) = at.rsplit_once('\\') {
                let entry = children.entry(parent.to_ascii_lowercase()).or_default();
                if !entry.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    entry.push(name.to_string());
                }
                paths.insert(parent.to_ascii_lowercase());
                at = parent;
            }
        }
        Listing { paths, children }
    }
}

/// Whether a name is an 8.3 short name (`PROGRA~2`, `CBSVC~1.INI`).
pub fn is_short(name: &str) -> bool {
    if !name.contains('~') {
        return false;
    }
    let (base, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let Some((stem, n)) = base.rsplit_once('~') else {
        return false;
    };
    !stem.is_empty()
        && base.len() <= 8
        && ext.len() <= 3
        && !n.is_empty()
        && n.chars().all(|c| c.is_ascii_digit())
}

/// Whether `long` could have the short name `short`: the short name's stem begins the long
/// name's (without spaces and dots, upper case), and their extensions begin alike.
fn could_be(short: &str, long: &str) -> bool {
    let (sbase, sext) = short.rsplit_once('.').unwrap_or((short, ""));
    let stem = sbase
        .rsplit_once('~')
        .map_or(sbase, |(s, _)| s)
        .to_ascii_uppercase();
    let (lbase, lext) = match long.rsplit_once('.') {
        Some((b, e)) if !b.is_empty() => (b, e),
        _ => (long, ""),
    };
    let squeezed: String = lbase
        .chars()
        .filter(|c| *c != ' ' && *c != '.')
        .collect::<String>()
        .to_ascii_uppercase();
    let lext: String = lext
        .chars()
        .filter(|c| *c != ' ')
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase();
    squeezed.starts_with(&stem) && lext.starts_with(&sext.to_ascii_uppercase())
}

/// The long paths `path` (with short names in it) can be, that the listing has.
fn expand(l: &Listing, path: &str) -> Vec<String> {
    let mut segs = path.split('\\');
    let Some(first) = segs.next() else {
        return Vec::new();
    };
    let mut at = vec![first.to_string()];
    for seg in segs {
        let mut next = Vec::new();
        for p in &at {
            if is_short(seg) {
                for child in l
                    .children
                    .get(&p.to_ascii_lowercase())
                    .into_iter()
                    .flatten()
                {
                    if could_be(seg, child) {
                        next.push(format!("{p}\\{child}"));
                    }
                }
                // the short name may also be the name itself
                next.push(format!("{p}\\{seg}"));
            } else {
                next.push(format!("{p}\\{seg}"));
            }
        }
        next.truncate(64);
        at = next;
    }
    at.into_iter()
        .filter(|p| l.paths.contains(&p.to_ascii_lowercase()))
        .collect()
}

/// The drive or mount point under which the listing has `tail` (`\Catalog\…`), when exactly
/// one has it. A mount point in a folder hides what the drive holds there, so the drive's own
/// path under it does not count.
fn drive_of(l: &Listing, mount_points: &[String], tail: &str) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    let roots = (b'A'..=b'Z')
        .map(|d| format!("{}:", d as char))
        .chain(mount_points.iter().filter(|m| m.len() > 2).cloned());
    for root in roots {
        let p = format!("{root}{tail}");
        let lower = p.to_ascii_lowercase();
        let hidden = mount_points.iter().any(|m| {
            m.len() > 2
                && !m.eq_ignore_ascii_case(&root)
                && lower.starts_with(&format!("{}\\", m.to_ascii_lowercase()))
        });
        if l.paths.contains(&lower) && !hidden && !found.iter().any(|f| f.eq_ignore_ascii_case(&p))
        {
            found.push(p);
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

impl Evidence {
    /// Rewrite the traced files' paths that the listing resolves (see the module's text).
    pub fn resolve_paths(&mut self) {
        if self.listed.is_empty() && self.volumes.is_empty() {
            return;
        }
        let l = Listing::new(&self.listed);
        let mut resolved: BTreeMap<String, super::evidence::Seen> = BTreeMap::new();
        for (path, seen) in std::mem::take(&mut self.files) {
            let mut p = path.clone();
            if let Some(at) = p
                .strip_prefix("\\Device\\HarddiskVolume")
                .and_then(|r| r.find('\\'))
            {
                let cut = "\\Device\\HarddiskVolume".len() + at;
                let (device, rest) = p.split_at(cut);
                let mapped = match self.volumes.folder_of(device) {
                    Some(folder) => Some(format!("{folder}{rest}")),
                    None => drive_of(&l, &self.volumes.mount_points, rest),
                };
                if let Some(m) = mapped {
                    p = m;
                }
            }
            if p.split('\\').any(is_short) {
                let found = expand(&l, &p);
                if found.len() == 1 {
                    p = found[0].clone();
                }
            }
            resolved.entry(p).or_default().absorb(seen);
        }
        self.files = resolved;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_and_volume_paths_resolve_through_the_listing() {
        let mut ev = Evidence {
            listed: [
                "C:\\Program Files\\Other\\x.ini",
                "C:\\Program Files (x86)\\Contoso\\Backup\\cbsvc.ini",
                "D:\\Catalog\\set0.db",
                "D:\\Catalog\\set1.db",
            ]
            .map(String::from)
            .to_vec(),
            ..Evidence::default()
        };
        for p in [
            "C:\\PROGRA~2\\Contoso\\Backup\\cbsvc.ini",
            "\\Device\\HarddiskVolume4\\Catalog\\set1.db",
            "C:\\PROGRA~1\\Nowhere\\y.ini",
        ] {
            ev.files.entry(p.to_string()).or_default().writes += 1;
        }
        ev.resolve_paths();
        let keys: Vec<&String> = ev.files.keys().collect();
        assert_eq!(
            keys,
            [
                "C:\\PROGRA~1\\Nowhere\\y.ini",
                "C:\\Program Files (x86)\\Contoso\\Backup\\cbsvc.ini",
                "D:\\Catalog\\set1.db",
            ]
        );
        assert!(is_short("CBSVC~1.INI") && !is_short("cb.log.1") && !is_short("a~b"));
    }
}
