//! All integration tests, in one binary.

mod cli;
mod cluster;
mod compile;
mod coverage;
mod diagnostics;
mod diff;
mod discover;
mod docs;
mod fmt;
mod formats;
mod grammar;
mod hostile;
mod injection;
mod integrity;
mod known_issues;
mod lsp;
mod partition;
mod planted;
mod reference;
pub mod reference_model;
mod reuse;
mod scripts;
mod support;
mod switchover;
mod tutorial;
mod verify;
mod wine;
