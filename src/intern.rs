//! Interned names: a dimension is compared by a number, not by its name's bytes. A name is
//! interned once (when a condition is built, a matrix loaded, a profile read); evaluating a
//! condition in an environment then looks its dimension up by [`Sym`], with no string hashed
//! or compared. Symbols only stand for names: no output depends on their numbers, so the
//! order in which names were first seen never shows.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// An interned name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

/// Names interned at most; past it (an editor session that has seen millions of distinct
/// names) a name is [`Sym::OVERFLOW`], which no dimension of a matrix is.
const MAX_NAMES: usize = 1 << 20;

#[derive(Default)]
struct Table {
    ids: HashMap<&'static str, u32>,
    names: Vec<&'static str>,
}

fn table() -> &'static RwLock<Table> {
    static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

impl Sym {
    /// What every name past [`MAX_NAMES`] interns to.
    pub const OVERFLOW: Sym = Sym(u32::MAX);

    /// The symbol of `name`, the same for equal names.
    pub fn of(name: &str) -> Sym {
        if let Some(&id) = table()
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .ids
            .get(name)
        {
            return Sym(id);
        }
        let mut t = table().write().unwrap_or_else(|e| e.into_inner());
        if let Some(&id) = t.ids.get(name) {
            return Sym(id);
        }
        if t.names.len() >= MAX_NAMES {
            return Sym::OVERFLOW;
        }
        // interned names live as long as the process: a few bytes each, bounded above
        let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
        let id = t.names.len() as u32;
        t.names.push(leaked);
        t.ids.insert(leaked, id);
        Sym(id)
    }

    /// The name.
    pub fn as_str(self) -> &'static str {
        let t = table().read().unwrap_or_else(|e| e.into_inner());
        t.names.get(self.0 as usize).copied().unwrap_or("")
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_are_one_symbol_and_read_back() {
        let a = Sym::of("exchange");
        assert_eq!(a, Sym::of("exchange"));
        assert_ne!(a, Sym::of("Exchange"));
        assert_eq!(a.as_str(), "exchange");
        assert_eq!(Sym::OVERFLOW.as_str(), "");
    }
}
