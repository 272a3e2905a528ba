//! Stage 4, emit: evaluated policies rendered as files and tables.

mod space_table;

pub use space_table::space_table;
