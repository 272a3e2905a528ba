//! Writing a server's outputs atomically, and comparing them with what is on disk.
//!
//! Files are written into a temporary folder beside the destination, which then replaces the
//! server's folder by rename; a failed or interrupted run leaves the old folder (or, in the
//! instant between the two renames, a backup that the next run restores).
//!
//! The output folder is amxc's alone: nothing in it is followed (a symlink, device or FIFO
//! where a server's folder or file belongs is an error that names it, and is left as it is);
//! recovery touches only leftovers that carry amxc's marker and belong to a server of the
//! fleet; a run holds `OUT/.amxc-lock` (an operating-system lock, released when the process
//! ends however it ends), so a second run on the same folder fails at once.

use super::files::write_new;
use crate::emit::Compiled;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const TMP_PREFIX: &str = ".amxc-tmp-";
const OLD_PREFIX: &str = ".amxc-old-";
/// The file inside a temporary folder or backup that proves amxc made it.
const MARKER: &str = ".amxc-leftover";
/// The lock file of an output folder.
pub const LOCK: &str = ".amxc-lock";

/// Something in the output folder amxc did not write, where it would write or read.
#[derive(Debug)]
pub struct NotOurs {
    pub path: PathBuf,
    pub what: &'static str,
}

impl std::fmt::Display for NotOurs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is {}, not what amxc writes there",
            self.path.display(),
            self.what
        )
    }
}

impl std::error::Error for NotOurs {}

/// What a path is, without following it: `None` when it does not exist.
fn kind(path: &Path) -> Option<&'static str> {
    let m = fs::symlink_metadata(path).ok()?;
    let t = m.file_type();
    Some(if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a file"
    } else {
        "a device, FIFO or socket"
    })
}

fn not_ours(path: PathBuf, what: &'static str) -> io::Error {
    io::Error::other(NotOurs { path, what })
}

/// A held lock on an output folder; released when dropped (the file goes too, so that it is
/// never committed with the outputs), or when the process ends however it ends.
pub struct OutputLock {
    _file: fs::File,
    path: PathBuf,
    /// The output folder, when this run created it: removed again if nothing was written.
    created: Option<PathBuf>,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        if let Some(dir) = &self.created {
            let _ = fs::remove_dir(dir); // only when empty
        }
    }
}

/// Lock `dir` for one run: a second run on the same folder fails at once.
pub fn lock(dir: &Path) -> io::Result<OutputLock> {
    let created = (kind(dir).is_none()).then(|| dir.to_path_buf());
    fs::create_dir_all(dir)?;
    let path = dir.join(LOCK);
    if let Some(k) = kind(&path).filter(|k| *k != "a file") {
        return Err(not_ours(path, k));
    }
    let file = super::files::open_no_follow(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(OutputLock {
            _file: file,
            path,
            created,
        }),
        Err(fs::TryLockError::WouldBlock) => Err(io::Error::other(format!(
            "another amxc is writing into `{}` (it holds `{}`); run one compile per output folder at a time",
            dir.display(),
            path.display()
        ))),
        Err(fs::TryLockError::Error(e)) => Err(e),
    }
}

fn unique(dir: &Path, prefix: &str, server: &str) -> PathBuf {
    dir.join(format!("{prefix}{server}-{}", std::process::id()))
}

/// Put back a server folder that an interrupted run left as a backup only, and remove its
/// unfinished temporary folder.
pub fn recover(dir: &Path, server: &str) -> io::Result<()> {
    recover_where(dir, |s| s == server)
}

/// [`recover`] for every server of a fleet at once: one listing of `dir`, whatever the
/// fleet's size. A leftover of a server outside `servers` is left alone.
pub fn recover_all(dir: &Path, servers: &[String]) -> io::Result<()> {
    let set: std::collections::HashSet<&str> = servers.iter().map(String::as_str).collect();
    recover_where(dir, |s| set.contains(s))
}

/// Whether `p` is a real folder (not a link) holding amxc's marker.
fn marked(p: &Path) -> bool {
    kind(p) == Some("a folder") && kind(&p.join(MARKER)) == Some("a file")
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
        // only what amxc can prove it made: a marked folder of a server it writes
        if let Some(server) = leftover(name, OLD_PREFIX).filter(|s| wanted(s)) {
            if !marked(&p) {
                continue;
            }
            let fin = dir.join(server);
            if kind(&fin).is_some() {
                fs::remove_dir_all(&p)?;
            } else {
                fs::remove_file(p.join(MARKER))?;
                fs::rename(&p, &fin)?;
            }
        } else if leftover(name, TMP_PREFIX).is_some_and(&wanted) && marked(&p) {
            fs::remove_dir_all(&p)?;
        } else if wanted(name) && marked(&p) {
            // a run killed between marking a folder and moving it aside
            fs::remove_file(p.join(MARKER))?;
        }
    }
    Ok(())
}

/// Write one file by a new temporary file beside it and a rename: a reader never sees half of
/// it, and nothing at its place or beside it is followed ([`super::files::replace`]).
pub fn write_file_atomic(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    super::files::replace(path, text.as_bytes())
}

/// Replace `dir/<server>/` with exactly the compiled files. What an interrupted run left
/// must have been recovered first ([`recover_all`] once for a fleet).
pub fn write_server(dir: &Path, c: &Compiled) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let fin = dir.join(&c.server);
    // the server's place must hold a folder, or nothing: anything else is not amxc's to move
    match kind(&fin) {
        None | Some("a folder") => {}
        Some(k) => return Err(not_ours(fin, k)),
    }
    // a link planted as the marker of the server's folder is refused before anything is written
    match kind(&fin.join(MARKER)) {
        None | Some("a file") => {}
        Some(k) => return Err(not_ours(fin.join(MARKER), k)),
    }
    let tmp = unique(dir, TMP_PREFIX, &c.server);
    match kind(&tmp) {
        None => {}
        Some(_) if marked(&tmp) => fs::remove_dir_all(&tmp)?,
        Some(k) => return Err(not_ours(tmp, k)),
    }
    fs::create_dir(&tmp)?;
    let result = (|| {
        // every file is created new (never through a link, even in a folder made just now)
        write_new(&tmp.join(MARKER), b"")?;
        for (name, text) in &c.files {
            write_new(&tmp.join(name), text.as_bytes())?;
        }
        fs::remove_file(tmp.join(MARKER))?;
        if kind(&fin).is_some() {
            let old = unique(dir, OLD_PREFIX, &c.server);
            if kind(&old).is_some() {
                return Err(not_ours(old, "in the way of the backup"));
            }
            // marked before it is moved aside: a run killed in between leaves a backup the
            // next run can prove is amxc's
            // inside a folder that is not amxc's alone until it is moved: a link planted as
            // the marker is refused, never written through
            let marker = fin.join(MARKER);
            match kind(&marker) {
                None => {}
                Some("a file") => fs::remove_file(&marker)?,
                Some(k) => return Err(not_ours(marker, k)),
            }
            write_new(&marker, b"")?;
            fs::rename(&fin, &old)?;
            fs::rename(&tmp, &fin)?;
            fs::remove_dir_all(&old)
        } else {
            fs::rename(&tmp, &fin)
        }
    })();
    // the temporary folder was made by this run (`create_dir` fails on anything already there)
    if result.is_err() && kind(&tmp) == Some("a folder") {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// A unified diff of what is on disk against what would be written; empty when up to date.
pub fn stale(dir: &Path, c: &Compiled) -> String {
    let folder = dir.join(&c.server);
    let mut on_disk: BTreeMap<String, String> = BTreeMap::new();
    // never followed: a link, device or FIFO is named, not read
    match kind(&folder) {
        None | Some("a folder") => {}
        Some(k) => {
            return format!(
                "{}\n",
                NotOurs {
                    path: folder,
                    what: k
                }
            )
        }
    }
    if let Ok(entries) = fs::read_dir(&folder) {
        for e in entries.flatten() {
            let p = e.path();
            match kind(&p) {
                Some("a file") => {}
                Some("a folder") | None => continue,
                Some(k) => {
                    let name = e.file_name().to_string_lossy().into_owned();
                    on_disk.insert(
                        name,
                        format!(
                            "({})\n",
                            NotOurs {
                                path: p.clone(),
                                what: k
                            }
                        ),
                    );
                    continue;
                }
            }
            {
                let name = e.file_name().to_string_lossy().into_owned();
                on_disk.insert(
                    name,
                    String::from_utf8_lossy(
                        &super::files::read_input(&p, super::files::DEFAULT_LIMIT)
                            .unwrap_or_default(),
                    )
                    .into_owned(),
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
        for leftover in [".amxc-old-SRV-A-41", ".amxc-old-B-42", ".amxc-tmp-C-43"] {
            fs::create_dir(d.join(leftover)).expect("mk");
            fs::write(d.join(leftover).join(MARKER), "").expect("marker");
        }
        fs::write(d.join(".amxc-old-SRV-A-41/filters.yaml"), "old").expect("w");
        fs::create_dir(d.join("B")).expect("mk");
        let fleet: Vec<String> = ["SRV-A", "B", "C"].iter().map(|s| s.to_string()).collect();
        recover_all(d, &fleet).expect("recover");
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
        assert!(
            !d.join("SRV-A").join(MARKER).exists(),
            "the marker goes with recovery"
        );
    }

    #[test]
    fn recovery_leaves_what_it_cannot_prove_it_made() {
        let dir = tempfile::tempdir().expect("temp");
        let d = dir.path();
        // unmarked, a file, and a server outside the fleet
        fs::create_dir(d.join(".amxc-old-X-1")).expect("mk");
        fs::write(d.join(".amxc-tmp-Y-2"), "").expect("file");
        fs::create_dir(d.join(".amxc-old-Z-3")).expect("mk");
        fs::write(d.join(".amxc-old-Z-3").join(MARKER), "").expect("marker");
        let fleet: Vec<String> = ["X", "Y"].iter().map(|s| s.to_string()).collect();
        recover_all(d, &fleet).expect("recover");
        for n in [".amxc-old-X-1", ".amxc-tmp-Y-2", ".amxc-old-Z-3"] {
            assert!(d.join(n).exists(), "{n} was touched");
        }
        assert!(!d.join("X").exists() && !d.join("Z").exists());
    }

    #[test]
    fn a_second_run_on_one_folder_fails_at_once_and_the_lock_goes_with_the_first() {
        let dir = tempfile::tempdir().expect("temp");
        let first = lock(dir.path()).expect("first");
        let second = lock(dir.path()).err().expect("the second fails");
        assert!(
            second.to_string().contains("another amxc is writing"),
            "{second}"
        );
        drop(first);
        lock(dir.path()).expect("free again");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_planted_as_the_marker_of_a_server_folder_is_refused_never_written_through() {
        let dir = tempfile::tempdir().expect("temp");
        let d = dir.path();
        let victim = d.join("victim");
        fs::write(&victim, "keep me").expect("w");
        let out = d.join("out");
        fs::create_dir_all(out.join("SRV")).expect("mk");
        std::os::unix::fs::symlink(&victim, out.join("SRV").join(MARKER)).expect("link");
        let c = Compiled {
            server: "SRV".into(),
            files: [("filters.yaml".to_string(), "x: 1\n".to_string())]
                .into_iter()
                .collect(),
        };
        let e = write_server(&out, &c).expect_err("refused");
        assert!(e.to_string().contains("a symbolic link"), "{e}");
        assert_eq!(fs::read_to_string(&victim).expect("r"), "keep me");
        // and nothing half-written is left: no temporary folder
        let left: Vec<_> = fs::read_dir(&out).expect("ls").flatten().collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }
}
