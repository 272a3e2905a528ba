//! Stage 3, lower: a policy evaluated in one environment — a configuration of the matrix or a
//! real server — giving the services, filters, tasks and advisories that hold there, with
//! every path resolved and every entry's origin.

mod cond;
mod env;
mod evaluate;
mod order;
mod paths;
pub mod roles;
pub mod switchover;

pub use crate::model::{
    EvData, EvFilter, EvService, EvTask, EvUnprotected, Evaluated, Origin, Text,
};
pub use cond::{eval, holds};
pub use env::{DimVal, Env};
pub use evaluate::{
    applying_exceptions, evaluate, exception_applies, looks_like_registry, pattern_kind, Resolver,
};
pub use order::start_order;
pub use paths::{VarError, Vars};
