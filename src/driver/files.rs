//! The one way amxc touches a repository's files. amxc runs on repositories other people write
//! (pull requests, pre-commit hooks, editors), so nothing planted in one — a link, a FIFO, a
//! device, a `/proc` file, a folder that contains itself — may make it write, read or wait
//! where it should not:
//!
//! - [`read_input`]: every input (policy, matrix, profile, listing, evidence, manifest, output
//!   read back, a document the editor did not send) is a regular file once links are
//!   resolved, opened without blocking (a FIFO never hangs a run) and read with a bound (a
//!   file whose size the file system does not know, such as `/proc/self/environ`, is refused).
//! - [`replace`] and [`create_new`]: a file is written only by creating a new one exclusively
//!   (`O_EXCL`, never through a link) under a random name, then renaming it into place; the
//!   rename replaces the directory entry, never what a link there points at.
//! - [`walk`]: folder walks never follow a linked folder and never leave the tree they start
//!   in, so no link makes a walk loop or reach outside.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// An input that is not a regular file: named in the error, never read.
#[derive(Debug)]
pub struct NotAFile {
    pub what: &'static str,
}

impl std::fmt::Display for NotAFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "it is {}, not a regular file", self.what)
    }
}

impl std::error::Error for NotAFile {}

/// An input larger than its limit (at least `size` bytes).
#[derive(Debug)]
pub struct TooLarge {
    pub size: u64,
    pub limit: usize,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it is {} bytes, more than the limit of {}",
            self.size, self.limit
        )
    }
}

impl std::error::Error for TooLarge {}

fn what(t: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a file on a disk"
    }
}

/// File systems whose files are made up as they are read: their sizes are not their contents.
#[cfg(target_os = "linux")]
const PSEUDO_ROOTS: [&str; 3] = ["/proc", "/sys", "/dev"];

fn pseudo(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        if let Ok(real) = fs::canonicalize(path) {
            return PSEUDO_ROOTS.iter().any(|r| real.starts_with(r));
        }
    }
    let _ = path;
    false
}

/// Open `path` for reading if it is a regular file once links are resolved; without blocking,
/// so that a FIFO put there between the check and the open cannot hang the run. For inputs
/// read as a stream (a Process Monitor trace); others use [`read_input`].
pub fn open_input(path: &Path) -> io::Result<fs::File> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other(NotAFile {
            what: what(meta.file_type()),
        }));
    }
    if pseudo(path) {
        return Err(io::Error::other(NotAFile {
            what: "a file of the operating system (/proc, /sys, /dev)",
        }));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    // what was opened, not what was looked at: it may have been replaced in between
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(NotAFile {
            what: what(meta.file_type()),
        }));
    }
    Ok(file)
}

/// Read the regular file `path`, at most `limit` bytes.
pub fn read_input(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = open_input(path)?;
    let size = file.metadata()?.len();
    if size > limit as u64 {
        return Err(io::Error::other(TooLarge { size, limit }));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(io::Error::other(TooLarge {
            size: bytes.len() as u64,
            limit,
        }));
    }
    if bytes.len() as u64 != size {
        // a file that grows as it is read, or one the file system makes up
        return Err(io::Error::other(NotAFile {
            what: "a file whose size changed as it was read",
        }));
    }
    Ok(bytes)
}

/// [`read_input`] as UTF-8 text.
pub fn read_input_text(path: &Path, limit: usize) -> io::Result<String> {
    String::from_utf8(read_input(path, limit)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The limit for inputs that have no limit of their own (manifests, outputs read back).
pub const DEFAULT_LIMIT: usize = 256 * 1024 * 1024;

/// Create `path` as a new file, exclusively: it fails if anything — a file, a link, a link to
/// nowhere — is there already, and never follows a link.
pub fn create_new(path: &Path) -> io::Result<fs::File> {
    no_follow(fs::OpenOptions::new().write(true).create_new(true)).open(path)
}

/// `options` that never open through a link at the path's last name.
fn no_follow(options: &mut fs::OpenOptions) -> &mut fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Write `bytes` into the new file `path` ([`create_new`]).
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = create_new(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Open (or create) a file that must not be a link, for writing without truncating it.
pub fn open_no_follow(path: &Path) -> io::Result<fs::File> {
    no_follow(
        fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false),
    )
    .open(path)
}

/// Replace the file `path` with `bytes`: written into a new file of a random name in the same
/// folder (created exclusively), then renamed over `path`. A reader never sees half of it, and
/// a link at `path` is replaced itself, never followed.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(d) => d,
        None => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".amxc-tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Folders a walk never enters, wherever they are: build outputs and installed packages.
const SKIPPED: [&str; 2] = ["target", "node_modules"];

/// The files under `root` that `keep` accepts, sorted, to `depth` folders down (`None`: any
/// depth), walked as ripgrep and ruff walk (the `ignore` crate): hidden entries, folders named
/// in [`SKIPPED`] and what the repository's `.gitignore` files ignore are left out (the user's
/// global ignore file is not read, so a walk is the same on every machine). A linked folder is
/// never entered (so no link loops a walk); a linked file is taken only when it resolves inside
/// `root`; nothing that is not a file or folder is taken.
pub fn walk(
    root: &Path,
    depth: Option<usize>,
    keep: &dyn Fn(&Path) -> bool,
) -> io::Result<Vec<PathBuf>> {
    let real_root = fs::canonicalize(root)?;
    let mut b = ignore::WalkBuilder::new(root);
    b.follow_links(false)
        .git_global(false)
        .max_depth(depth.map(|d| d + 1))
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED.iter().any(|s| e.file_name() == *s))
        });
    let mut out = Vec::new();
    for entry in b.build() {
        let entry = match entry {
            Ok(e) => e,
            // an unreadable folder below the root is left out, as before; the root's own
            // error is the walk's
            Err(e) => match e.io_error().map(|i| i.kind()) {
                Some(_) if e.depth().unwrap_or(1) == 0 => {
                    return Err(io::Error::other(e.to_string()));
                }
                _ => continue,
            },
        };
        let p = entry.path();
        let Some(t) = entry.file_type() else {
            continue;
        };
        if t.is_file() {
            if keep(p) {
                out.push(p.to_path_buf());
            }
        } else if t.is_symlink() {
            let inside = fs::canonicalize(p).is_ok_and(|r| r.starts_with(&real_root));
            if inside && fs::metadata(p).is_ok_and(|m| m.is_file()) && keep(p) {
                out.push(p.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Subfolders of `dir` that are real folders (not links), sorted.
pub fn subfolders(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
        .collect();
    v.sort();
    Ok(v)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_fifo_a_device_and_proc_files_are_refused_without_waiting() {
        let dir = tempfile::tempdir().expect("test setup");
        let fifo = dir.path().join("p.amx");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let e = read_input(&fifo, 1000).expect_err("refused");
        assert!(e.to_string().contains("a FIFO"), "{e}");
        let e = read_input(Path::new("/dev/zero"), 1000).expect_err("refused");
        assert!(e.to_string().contains("device"), "{e}");
        let e = read_input(Path::new("/proc/self/environ"), 1000).expect_err("refused");
        assert!(e.to_string().contains("operating system"), "{e}");
        // through a link too
        let link = dir.path().join("env.amx");
        symlink("/proc/self/environ", &link).expect("test setup");
        assert!(read_input(&link, 1000).is_err());
    }

    #[test]
    fn inputs_are_bounded() {
        let dir = tempfile::tempdir().expect("test setup");
        let f = dir.path().join("big");
        fs::write(&f, vec![b'x'; 2000]).expect("test setup");
        let e = read_input(&f, 1000).expect_err("refused");
        assert!(e
            .get_ref()
            .expect("test setup")
            .downcast_ref::<TooLarge>()
            .is_some());
        assert_eq!(read_input(&f, 2000).expect("test setup").len(), 2000);
    }

    #[test]
    fn replacing_a_link_replaces_the_link_never_its_target() {
        let dir = tempfile::tempdir().expect("test setup");
        let victim = dir.path().join("bashrc");
        fs::write(&victim, "keep me").expect("test setup");
        let policy = dir.path().join("p.amx");
        symlink(&victim, &policy).expect("test setup");
        replace(&policy, b"new").expect("test setup");
        assert_eq!(fs::read_to_string(&victim).expect("test setup"), "keep me");
        assert_eq!(fs::read_to_string(&policy).expect("test setup"), "new");
        assert!(!fs::symlink_metadata(&policy)
            .expect("test setup")
            .is_symlink());
        // no temporary file is left behind
        assert_eq!(fs::read_dir(dir.path()).expect("test setup").count(), 2);
    }

    #[test]
    fn new_files_are_never_opened_through_a_link() {
        let dir = tempfile::tempdir().expect("test setup");
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep me").expect("test setup");
        let marker = dir.path().join(".marker");
        symlink(&victim, &marker).expect("test setup");
        assert!(write_new(&marker, b"").is_err());
        assert!(open_no_follow(&marker).is_err());
        // a dangling link is no way to create a file either
        let dangling = dir.path().join(".dangling");
        symlink(dir.path().join("nowhere"), &dangling).expect("test setup");
        assert!(write_new(&dangling, b"x").is_err());
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(fs::read_to_string(&victim).expect("test setup"), "keep me");
    }

    #[test]
    fn walks_never_loop_and_never_leave_the_tree() {
        let outside = tempfile::tempdir().expect("test setup");
        fs::write(outside.path().join("secret.amx"), "").expect("test setup");
        let dir = tempfile::tempdir().expect("test setup");
        let root = dir.path();
        fs::create_dir(root.join("a")).expect("test setup");
        fs::write(root.join("a/p.amx"), "").expect("test setup");
        symlink(".", root.join("loop")).expect("test setup");
        symlink(root.join("a"), root.join("a/back")).expect("test setup");
        symlink(outside.path(), root.join("out")).expect("test setup");
        symlink(outside.path().join("secret.amx"), root.join("s.amx")).expect("test setup");
        symlink(root.join("a/p.amx"), root.join("inside.amx")).expect("test setup");
        let amx = |p: &Path| p.extension().is_some_and(|x| x == "amx");
        let found = walk(root, None, &amx).expect("test setup");
        assert_eq!(found, vec![root.join("a/p.amx"), root.join("inside.amx")]);
    }
}
