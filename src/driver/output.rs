//! Writing a server's outputs atomically, and comparing them with what is on disk.
//!
//! Files are written into a temporary folder beside the destination, which then replaces the
//! server's folder by rename; a failed or interrupted run leaves the old folder (or, in the
//! instant between the two renames, a backup that the next run restores).

use crate::emit::Compiled;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const TMP_PREFIX: &str = ".amxc-tmp-";
const OLD_PREFIX: &str = ".amxc-old-";

fn unique(dir: &Path, prefix: &str, server: &str) -> PathBuf {
    dir.join(format!("{prefix}{server}-{}", std::process::id()))
}

/// Put back a server folder that an interrupted run left as a backup only, and remove its
/// unfinished temporary folder.
pub fn recover(dir: &Path, server: &str) -> io::Result<()> {
    recover_where(dir, |s| s == server)
}

/// [`recover`] for every server at once: one listing of `dir`, whatever the fleet's size.
pub fn recover_all(dir: &Path) -> io::Result<()> {
    recover_where(dir, |_| true)
}

/// The server a leftover folder of an interrupted run belongs to (`<prefix><server>-<pid>`).
fn leftover<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    name.strip_prefix(prefix)?.rsplit_once('-').map(|(s, _)| s)
}

fn recover_where(dir: &Path, wanted: impl Fn(&str) -> bool) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for p in names {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(server) = leftover(name, OLD_PREFIX).filter(|s| wanted(s)) {
            let fin = dir.join(server);
            if fin.exists() {
                fs::remove_dir_all(&p)?;
            } else {
                fs::rename(&p, &fin)?;
            }
        } else if leftover(name, TMP_PREFIX).is_some_and(&wanted) {
            // a server's unfinished folder, or a manifest's unfinished file
            if p.is_dir() {
                fs::remove_dir_all(&p)?;
            } else {
                fs::remove_file(&p)?;
            }
        }
    }
    Ok(())
}

/// Write one file by a temporary file beside it and a rename: a reader never sees half of it.
pub fn write_file_atomic(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!("{TMP_PREFIX}{name}-{}", std::process::id()));
    let result = fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Replace `dir/<server>/` with exactly the compiled files. What an interrupted run left
/// must have been recovered first ([`recover_all`] once for a fleet).
pub fn write_server(dir: &Path, c: &Compiled) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let tmp = unique(dir, TMP_PREFIX, &c.server);
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    fs::create_dir(&tmp)?;
    let result = (|| {
        for (name, text) in &c.files {
            fs::write(tmp.join(name), text)?;
        }
        let fin = dir.join(&c.server);
        if fin.exists() {
            let old = unique(dir, OLD_PREFIX, &c.server);
            fs::rename(&fin, &old)?;
            fs::rename(&tmp, &fin)?;
            fs::remove_dir_all(&old)
        } else {
            fs::rename(&tmp, &fin)
        }
    })();
    if result.is_err() && tmp.exists() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// A unified diff of what is on disk against what would be written; empty when up to date.
pub fn stale(dir: &Path, c: &Compiled) -> String {
    let folder = dir.join(&c.server);
    let mut on_disk: BTreeMap<String, String> = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(&folder) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_file() {
                let name = e.file_name().to_string_lossy().into_owned();
                on_disk.insert(
                    name,
                    String::from_utf8_lossy(&fs::read(&p).unwrap_or_default()).into_owned(),
                );
            }
        }
    }
    let mut names: Vec<&String> = on_disk.keys().chain(c.files.keys()).collect();
    names.sort();
    names.dedup();
    let mut out = String::new();
    for name in names {
        let old = on_disk.get(name).map_or("", String::as_str);
        let new = c.files.get(name).map_or("", String::as_str);
        if old == new {
            continue;
        }
        let a = format!("a/{}/{name}", c.server);
        let b = format!("b/{}/{name}", c.server);
        out.push_str(&super::textdiff::unified(&a, &b, old, new));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_an_interrupted_run_are_put_back_or_removed() {
        let dir = tempfile::tempdir().expect("temp");
        let d = dir.path();
        // a backup whose new folder never arrived, a backup beside its new folder, and an
        // unfinished temporary folder; server names may hold `-`
        fs::create_dir(d.join(".amxc-old-SRV-A-41")).expect("mk");
        fs::write(d.join(".amxc-old-SRV-A-41/filters.yaml"), "old").expect("w");
        fs::create_dir(d.join(".amxc-old-B-42")).expect("mk");
        fs::create_dir(d.join("B")).expect("mk");
        fs::create_dir(d.join(".amxc-tmp-C-43")).expect("mk");
        recover_all(d).expect("recover");
        let mut names: Vec<String> = fs::read_dir(d)
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["B", "SRV-A"]);
        assert_eq!(
            fs::read_to_string(d.join("SRV-A/filters.yaml")).expect("r"),
            "old"
        );
    }
}
