//! The driver: what sits around the pipeline — reading input files into the source map,
//! loading policies, matrices and target profiles, compiling fleets, and writing (or
//! comparing) output folders. The stages never touch the file system.

pub mod files;
pub mod fleet;
pub mod inputs;
pub mod load;
pub mod merge;
pub mod output;
pub mod partition;
pub mod readback;
pub mod scope;
pub mod settings;
pub mod textdiff;
