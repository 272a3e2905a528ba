//! Relating data rules: the filter semantics of a policy, stated once. [`Relations`] finds, for
//! every data rule in one path environment, the few rules it can relate to (tries, classes of
//! equal patterns); [`Holding`] says, for the rules that hold in a group of configurations or
//! on one server, which are replaced, protected, covered, carved or ignored. Validation turns
//! that into findings; planning into a server's effective filter set.

mod flat;
mod holding;
mod lowered;
mod relations;
mod writes;

pub use holding::{Holding, Override, State};
pub use lowered::{lowered, Lowered, Overridden};
pub use relations::{data_items, vetoed_roots, DataRef, Relations, Role};
pub use writes::{replicated, write_items, Replicated, WriteRef, Writer};
