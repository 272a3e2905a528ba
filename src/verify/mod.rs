//! `amxc verify`: what a running server really has, captured with the standard tools, held
//! against what the policy compiles to for that server. Each drift is a diagnostic that points
//! at the capture's line (what the server has) or at the policy (what it lacks).
//!
//! - `services.rs`: `sc qc` / `sc qfailure` / `sc queryex` output — existence, startup type,
//!   Windows recovery and Windows dependencies of every managed service;
//! - `filters.rs`: the filter list as copied from the Management Client — filters missing,
//!   extra, or not effective;
//! - `registry.rs`: a `reg export` — registry inclusions that cover no key the server has, and
//!   the application's keys that no filter covers;
//! - `cluster.rs`: a clustered server's role as PowerShell lists its resources — resources,
//!   their settings, dependencies, checkpoints and possible owners against the role.
//!
//! A capture is read once (`Capture::read`, decoded as Windows writes text) into the source
//! map, so that every finding can point into it.

pub mod cluster;
pub mod filters;
pub mod registry;
pub mod services;

use crate::source::{FileId, Span};

/// A capture's text, in the source map.
pub struct Capture {
    pub file: FileId,
    pub text: String,
}

impl Capture {
    /// Decode `bytes` as Windows writes text (a byte order mark, else UTF-8, else
    /// Windows-1252) and add it to `sources` as `name`.
    pub fn read(
        sources: &mut crate::source::SourceMap,
        name: String,
        bytes: &[u8],
    ) -> Result<Capture, String> {
        let text = crate::encoding::decode(bytes)?;
        let file = sources.add(name, text.clone());
        Ok(Capture { file, text })
    }

    /// The span of line `n` (1-based), without its line break.
    pub fn line(&self, n: usize) -> Span {
        let mut start = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == n {
                let body = l.trim_end_matches(['\r', '\n']);
                return Span::new(start, start + body.len());
            }
            start += l.len();
        }
        Span::new(0, 0)
    }
}
