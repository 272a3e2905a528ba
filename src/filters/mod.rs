//! Filter patterns and their relations: normalisation (case-insensitive, `*` one segment,
//! `**` any depth), subset and overlap of two patterns, and a trie over path segments so
//! that relations across many filters cost near-linear time, not all pairs.

mod glob;
mod pattern;
mod sym;
mod trie;

pub use glob::{overlaps, subset};
pub use pattern::{
    check_file, lower_hive, normalize_file, normalize_registry, short_hive, Pattern, PatternError,
    Seg, SegKind,
};
pub use sym::Sym;
pub use trie::Trie;
