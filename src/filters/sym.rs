//! Interned segment names. A policy of 100,000 filters repeats a few thousand folder names;
//! each is stored once for the life of the process, with what kind of segment its text
//! makes, and a segment is a one-word handle to it: resolved patterns and tries stay small
//! and equal names compare by address.
//!
//! The table only grows: it holds the distinct lower-cased names of the patterns a process
//! has normalised (names looked up by text, such as listed paths, are never added), and the
//! names of dimensions and components, which conditions and environments hold as symbols.

use rustc_hash::{FxHashMap, FxHasher};
use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{LazyLock, Mutex, PoisonError};

/// A handle to an interned name: equal names have the same handle. Hashes, orders and prints
/// as its text, so that maps keyed by names iterate alike on every run.
#[derive(Clone, Copy)]
pub struct Sym(&'static Entry);

/// What a name stands for as a path segment, told by its text alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A literal name.
    Lit,
    /// A name with `*` or `?`.
    Glob,
    /// `**`.
    Any,
}

struct Entry {
    text: Box<str>,
    shape: Shape,
}

/// Shards of the table, so that threads normalising patterns rarely wait for each other.
const SHARDS: usize = 16;

type Shard = Mutex<FxHashMap<&'static str, Sym>>;

static TABLE: LazyLock<Vec<Shard>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Mutex::default()).collect());

thread_local! {
    /// The names this thread has interned, looked up without taking a lock.
    static SEEN: RefCell<FxHashMap<&'static str, Sym>> = RefCell::default();
}

impl Sym {
    /// The handle of `text`, adding it to the table if it is new.
    pub fn new(text: &str) -> Sym {
        if let Some(s) = SEEN.with(|seen| seen.borrow().get(text).copied()) {
            return s;
        }
        let s = Sym::shared(text);
        SEEN.with(|seen| seen.borrow_mut().insert(s.as_str(), s));
        s
    }

    /// [`Sym::new`] through the table all threads share.
    fn shared(text: &str) -> Sym {
        let mut h = FxHasher::default();
        text.hash(&mut h);
        let shard = &TABLE[(h.finish() as usize) % SHARDS];
        let mut map = shard.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&s) = map.get(text) {
            return s;
        }
        let shape = if text == "**" {
            Shape::Any
        } else if text.contains(['*', '?']) {
            Shape::Glob
        } else {
            Shape::Lit
        };
        let stored: &'static Entry = Box::leak(Box::new(Entry {
            text: text.into(),
            shape,
        }));
        let s = Sym(stored);
        map.insert(&stored.text, s);
        s
    }

    pub fn as_str(&self) -> &'static str {
        &self.0.text
    }

    pub fn shape(&self) -> Shape {
        self.0.shape
    }
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Sym {}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for Sym {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Sym) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Sym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_handle() {
        let a = Sym::new("program files");
        let b = Sym::new(&String::from("program files"));
        assert!(std::ptr::eq(a.0, b.0));
        assert_eq!(a, b);
        assert_ne!(a, Sym::new("program files (x86)"));
        assert_eq!(a, "program files");
        assert_eq!(a.shape(), Shape::Lit);
        assert_eq!(Sym::new("*.log").shape(), Shape::Glob);
        assert_eq!(Sym::new("**").shape(), Shape::Any);
    }

    #[test]
    fn names_hash_and_order_as_their_text() {
        let hash = |x: &dyn Fn(&mut FxHasher)| {
            let mut h = FxHasher::default();
            x(&mut h);
            h.finish()
        };
        let s = Sym::new("bench");
        assert_eq!(hash(&|h| s.hash(h)), hash(&|h| "bench".hash(h)));
        assert!(Sym::new("a") < Sym::new("b"));
        let mut m: FxHashMap<Sym, u32> = FxHashMap::default();
        m.insert(s, 7);
        assert_eq!(m.get("bench"), Some(&7));
    }
}
