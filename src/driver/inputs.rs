//! Reading input files into the source map: size limits and UTF-8 checked before any stage
//! sees the text, so that every later problem can point into the file.

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, SourceMap, Span};
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// No text to point into: the file could not be opened or read.
    Io(PathBuf, std::io::Error),
    /// The file was read but is unusable; the diagnostic points into it.
    Invalid(Box<Diagnostic>),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(p, e) => write!(f, "cannot read `{}`: {}", p.display(), io_words(e)),
            ReadError::Invalid(d) => f.write_str(&d.message),
        }
    }
}

/// An I/O error in words, the same on every platform and without the operating system's error
/// number: `no such file or folder`, `permission denied`.
pub fn io_words(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if let Some(inner) = e.get_ref() {
        if inner.is::<super::files::NotAFile>() || inner.is::<super::files::TooLarge>() {
            return inner.to_string();
        }
    }
    let words = match e.kind() {
        K::NotFound => "no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it exists already",
        K::IsADirectory => "it is a folder, not a file",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::StorageFull => "the disk is full",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::InvalidData => "the contents are not valid",
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            let mut c = text.chars();
            return match c.next() {
                Some(first) => first.to_lowercase().chain(c).collect(),
                None => "an unknown error".to_string(),
            };
        }
    };
    words.to_string()
}

/// Where the files a command reads come from: the one seam through which the command line
/// (the files on disk, [`Disk`]) and the language server (its open buffers over the disk)
/// load a policy and its matrix, so that both check the same text the same way.
pub trait Inputs {
    /// The bytes of the file at `path`: a regular file once links are resolved, at most
    /// `limit` bytes (more is an error carrying [`super::files::TooLarge`]).
    fn bytes(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>>;
}

/// The files on disk, read as [`super::files::read_input`] reads them.
pub struct Disk;

impl Inputs for Disk {
    fn bytes(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        super::files::read_input(path, limit)
    }
}

/// Read `path` (a regular file once links are resolved, at most `limit` bytes: see
/// [`super::files::read_input`]) as UTF-8 into `sources`.
pub fn read(sources: &mut SourceMap, path: &Path, limit: usize) -> Result<FileId, ReadError> {
    read_from(&Disk, sources, path, limit)
}

/// [`read`] through `inputs`: an editor's open buffer is read as its file would be.
pub fn read_from(
    inputs: &dyn Inputs,
    sources: &mut SourceMap,
    path: &Path,
    limit: usize,
) -> Result<FileId, ReadError> {
    let name = path.display().to_string();
    let bytes = match inputs.bytes(path, limit) {
        Ok(b) => b,
        Err(e) => {
            if let Some(big) = e
                .get_ref()
                .and_then(|i| i.downcast_ref::<super::files::TooLarge>())
            {
                return Err(too_large(
                    sources,
                    name,
                    format!("file is {} bytes, more than the limit of {limit}", big.size),
                    "this file",
                ));
            }
            return Err(ReadError::Io(path.to_path_buf(), e));
        }
    };
    add_bytes(sources, name, bytes)
}

/// The refusal of an input over its limit (TOO_LARGE), at the start of an empty file `name`.
fn too_large(sources: &mut SourceMap, name: String, message: String, what: &str) -> ReadError {
    let id = sources.add(name, String::new());
    ReadError::Invalid(Box::new(
        Diagnostic::new(codes::TOO_LARGE, message)
            .at(id, Span::new(0, 0), what)
            .with_help("split it; an input this large is almost certainly a mistake"),
    ))
}

/// Standard input, at most `limit` bytes, added to `sources` under `name` (where the text
/// says it is, for an editor's buffer; `-` reads as `<stdin>`).
pub fn read_stdin(sources: &mut SourceMap, name: &Path, limit: usize) -> Result<FileId, ReadError> {
    use std::io::Read;
    let shown = if name == Path::new("-") {
        "<stdin>".to_string()
    } else {
        name.display().to_string()
    };
    let mut bytes = Vec::new();
    let limit_u64 = u64::try_from(limit).unwrap_or(u64::MAX);
    if let Err(e) = std::io::stdin()
        .lock()
        .take(limit_u64.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        return Err(ReadError::Io(PathBuf::from("<stdin>"), e));
    }
    if bytes.len() > limit {
        return Err(too_large(
            sources,
            shown,
            format!("standard input is more than the limit of {limit} bytes"),
            "this input",
        ));
    }
    add_bytes(sources, shown, bytes)
}

/// Add bytes read elsewhere (tests, stdin) under `name`.
pub fn add_bytes(
    sources: &mut SourceMap,
    name: String,
    bytes: Vec<u8>,
) -> Result<FileId, ReadError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(name, text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let id = sources.add(name, text);
            Err(ReadError::Invalid(Box::new(
                Diagnostic::new(
                    codes::INVALID_UTF8,
                    format!(
                        "file is not UTF-8: invalid byte 0x{:02X} at offset {at}",
                        e.as_bytes()[at]
                    ),
                )
                .at(id, Span::new(at, at + 1), "not UTF-8")
                .with_help("save the file as UTF-8"),
            )))
        }
    }
}

/// `.amx` files under each path (folders recursively, never through a linked folder nor out
/// of the tree: [`super::files::walk`]), sorted, without duplicates.
pub fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    files_named(paths, &|p: &Path| p.extension().is_some_and(|x| x == "amx"))
}

/// Policy test files (`*.amxtest.yaml`) under `paths`, as [`policy_files`] finds policies.
pub fn test_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    files_named(paths, &|p: &Path| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".amxtest.yaml"))
    })
}

fn files_named(paths: &[PathBuf], keep: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, ReadError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            out.extend(super::files::walk(p, None, keep).map_err(|e| ReadError::Io(p.clone(), e))?);
        } else {
            if !p.exists() {
                return Err(ReadError::Io(
                    p.clone(),
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
                ));
            }
            out.push(p.clone());
        }
    }
    out.dedup();
    Ok(out)
}
