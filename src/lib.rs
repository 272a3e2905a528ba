//! amxc compiles `.amx` policies — the Application Module eXtensions that teach an
//! active/passive high-availability pair how to protect one application — into filter sets,
//! service scripts and review pages, after checking them against the vendor's version matrix
//! in every supported configuration.
//!
//! The pipeline (see ARCHITECTURE.md): [`parse`] → [`validate`] → [`lower`] → [`emit`].

pub mod ast;
pub mod check;
pub mod cli;
pub mod compile;
pub mod coverage;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod engine;
pub mod filters;
pub mod fleet;
pub mod format;
pub mod inputs;
pub mod lower;
pub mod matrix;
pub mod output;
pub mod par;
pub mod parse;
pub mod schema;
pub mod source;
pub mod target;
pub mod validate;
pub mod yaml;
