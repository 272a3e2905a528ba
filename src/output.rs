//! Writing a server's outputs atomically, and comparing them with what is on disk.
//!
//! Files are written into a temporary folder beside the destination, which then replaces the
//! server's folder by rename; a failed or interrupted run leaves the old folder (or, in the
//! instant between the two renames, a backup that the next run restores).

use crate::compile::Compiled;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const TMP_PREFIX: &str = ".amxc-tmp-";
const OLD_PREFIX: &str = ".amxc-old-";

fn unique(dir: &Path, prefix: &str, server: &str) -> PathBuf {
    dir.join(format!("{prefix}{server}-{}", std::process::id()))
}

/// Put back a server folder that an interrupted run left as a backup only.
pub fn recover(dir: &Path, server: &str) -> io::Result<()> {
    let fin = dir.join(server);
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for p in names {
        let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let owned = |prefix: &str| {
            name.strip_prefix(prefix)
                .and_then(|r| r.rsplit_once('-'))
                .is_some_and(|(s, _)| s == server)
        };
        if owned(OLD_PREFIX) {
            if fin.exists() {
                fs::remove_dir_all(&p)?;
            } else {
                fs::rename(&p, &fin)?;
            }
        } else if owned(TMP_PREFIX) {
            fs::remove_dir_all(&p)?;
        }
    }
    Ok(())
}

/// Replace `dir/<server>/` with exactly the compiled files.
pub fn write_server(dir: &Path, c: &Compiled) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    recover(dir, &c.server)?;
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
        let diff = similar::TextDiff::from_lines(old, new);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&a, &b)
                .to_string(),
        );
    }
    out
}
