//! All integration tests, in one binary.

mod cli;
mod diagnostics;
mod grammar;
mod hostile;
mod support;
