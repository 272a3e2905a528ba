//! The lowered model: what holds in one environment (`evaluated.rs`), what each role does to
//! the services (`roles.rs`) and the switchover timelines (`timeline.rs`). `lower/` makes it;
//! validation, planning and the emitters read it — an emitter needs nothing else to render.

mod evaluated;
mod roles;
pub mod timeline;

pub use evaluated::{EvData, EvFilter, EvService, EvTask, EvUnprotected, Evaluated, Origin, Text};
pub use roles::{stops_with_earlier, Change, Roles, ServiceStep};
