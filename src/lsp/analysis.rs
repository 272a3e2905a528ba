//! One policy checked as the command line checks it, from the editor's text: parsed, its
//! matrix found beside it (the open buffer when the matrix is open, else the file), validated
//! in every configuration — and kept, with its configurations, for hover, navigation and
//! completion.

use crate::ast::Policy;
use crate::checked::Loaded;
use crate::diagnostic::Diagnostic;
use crate::driver::files::TooLarge;
use crate::driver::inputs::{Disk, Inputs};
use crate::driver::load::load_from;
use crate::lower::{evaluate, start_order, Env};
use crate::matrix::{self, Claims, Matrix};
use crate::source::{FileId, SourceMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// The editor's open buffers over the files on disk: the function gives the text of a buffer
/// open at a path, the disk is read for the rest.
pub struct Buffers<'a>(pub &'a dyn Fn(&Path) -> Option<String>);

impl Inputs for Buffers<'_> {
    fn bytes(&self, path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
        match (self.0)(path) {
            Some(text) if text.len() > limit => Err(std::io::Error::other(TooLarge {
                size: text.len() as u64,
                limit,
            })),
            Some(text) => Ok(text.into_bytes()),
            None => Disk.bytes(path, limit),
        }
    }
}

/// A checked policy and what the editor asks about it.
pub struct Analysis {
    pub sources: SourceMap,
    pub file: FileId,
    pub policy: Option<Policy>,
    pub matrix: Option<Matrix>,
    /// Where the matrix is (whether or not it exists).
    pub matrix_path: PathBuf,
    pub matrix_file: Option<FileId>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings the policy acknowledges with `allow` (shown on hover over the statement).
    pub acknowledged: Vec<crate::validate::Acknowledged>,
    /// Every configuration the policy claims (none without a matrix).
    pub envs: Vec<Env>,
    /// The start order (the managed services' names) of the first [`MAX_ORDERS`]
    /// configurations, evaluated once, when a hover first asks for it.
    start_orders: OnceLock<Vec<Vec<String>>>,
    /// While the text does not parse (half typed): the policy as it last parsed, for the
    /// names completion offers. Its spans belong to the older text.
    pub last_parsed: Option<Policy>,
    /// The version of the document checked.
    pub version: i32,
}

impl Analysis {
    /// The policy whose names completion offers: this text's, or the last that parsed.
    pub fn names(&self) -> Option<&Policy> {
        self.policy.as_ref().or(self.last_parsed.as_ref())
    }

    /// The start order of each of the first [`MAX_ORDERS`] configurations, as the managed
    /// services' names: the policy is evaluated in each once per check, not once per hover.
    pub fn start_orders(&self) -> &[Vec<String>] {
        self.start_orders.get_or_init(|| {
            let Some(p) = &self.policy else {
                return Vec::new();
            };
            self.envs
                .iter()
                .take(MAX_ORDERS)
                .map(|env| {
                    let ev = evaluate(p, env);
                    start_order(&ev.services)
                        .into_iter()
                        .map(|i| ev.services[i].name.clone())
                        .collect()
                })
                .collect()
        })
    }
}

/// Configurations whose start order hover shows at most.
pub const MAX_ORDERS: usize = 256;

/// Configurations enumerated for hover at most: beyond, hover shows a sample.
const MAX_ENVS: usize = 4096;

/// Check `text`, the policy at `path`; `read` gives another file's text when it is open in
/// the editor (the disk is read otherwise).
pub fn analyse(path: &Path, text: &str, read: &dyn Fn(&Path) -> Option<String>) -> Analysis {
    check(path, text, read)
}

/// [`analyse`], given up (`None`) once `cancel` is set: parsing and validation stop at their
/// next cheap point (`crate::cancel`), and what they had is discarded.
pub fn analyse_until(
    path: &Path,
    text: &str,
    read: &dyn Fn(&Path) -> Option<String>,
    cancel: &Arc<AtomicBool>,
) -> Option<Analysis> {
    let a = crate::cancel::scope(cancel, || check(path, text, read));
    (!cancel.load(Ordering::Relaxed)).then_some(a)
}

/// The analysis (incomplete when the thread's check was given up).
fn check(path: &Path, text: &str, read: &dyn Fn(&Path) -> Option<String>) -> Analysis {
    let mut sources = SourceMap::new();
    let file = sources.add(path.to_string_lossy().into_owned(), text.to_string());
    // the command line's front door, through the open buffers
    let (mut loaded, unread) = load_from(&Buffers(read), &mut sources, file, path, None);
    let matrix_path = matrix::matrix_path_for(path);
    if let (Some(_), Some(p)) = (unread, &loaded.policy) {
        loaded
            .diagnostics
            .push(crate::driver::load::matrix_not_found(
                file,
                p.id.span,
                &matrix_path,
            ));
    }
    let whole = !crate::cancel::requested();
    let mut envs = Vec::new();
    let mut acknowledged = Vec::new();
    if whole {
        if let Some(v) = loaded.validate() {
            loaded.diagnostics.extend(v.diagnostics);
            acknowledged = v.acknowledged;
            if let (Some(p), Some(m)) = (&loaded.policy, &loaded.matrix) {
                if let Ok(space) = matrix::enumerate(m, &Claims::of(p, m), (file, p.id.span)) {
                    envs = space
                        .configs
                        .iter()
                        .take(MAX_ENVS)
                        .map(|c| Env::of_config(m, c))
                        .collect();
                }
            }
        }
    }
    let Loaded {
        policy,
        matrix: m,
        matrix_file,
        diagnostics,
        ..
    } = loaded;
    // half typed: the policy with the offending lines blanked, for the names completion offers
    let last_parsed = if policy.is_none() && whole {
        repaired(file, text)
    } else {
        None
    };
    Analysis {
        sources,
        file,
        policy,
        matrix: m,
        matrix_path,
        matrix_file,
        diagnostics,
        acknowledged,
        envs,
        start_orders: OnceLock::new(),
        last_parsed,
        version: 0,
    }
}

/// The text parsed again with each line a syntax error names blanked, a few times over.
fn repaired(file: FileId, text: &str) -> Option<Policy> {
    let mut text = text.to_string();
    for _ in 0..4 {
        let parsed = crate::parse::parse(file, &text);
        if let Some(p) = parsed.value {
            return Some(p);
        }
        let at = parsed
            .diagnostics
            .iter()
            .find_map(|d| d.primary.as_ref().map(|l| l.span.start()))?;
        let at = at.min(text.len());
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        if start >= end {
            return None;
        }
        let blank = " ".repeat(text[start..end].len());
        text.replace_range(start..end, &blank);
    }
    None
}
