//! Interned segment names. A policy of 100,000 filters repeats a few thousand folder names;
//! each is stored once for the life of the process, and a segment is a 32-bit handle to it
//! that also says what kind of segment its text makes: resolved patterns and tries stay small
//! (half the size of a pointer each) and equal names compare as numbers.
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
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

/// A handle to an interned name: equal names have the same handle, of 32 bits — the number of
/// the name in the table, and in its two top bits the name's [`Shape`], which a trie asks of
/// every segment without looking the name up. Hashes, orders and prints as its text, so that
/// maps keyed by names iterate alike on every run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sym(u32);

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

/// Where a handle keeps its shape; the bits below number the name.
const SHAPE_SHIFT: u32 = 30;
const NUMBER: u32 = (1 << SHAPE_SHIFT) - 1;

/// Shards of the index by text, so that threads normalising patterns rarely wait for each
/// other.
const SHARDS: usize = 16;

type Shard = Mutex<FxHashMap<&'static str, Sym>>;

static INDEX: LazyLock<Vec<Shard>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Mutex::default()).collect());

/// The names by number, in blocks that double in size (1,024 names, then 2,048, …), each
/// allocated once and never moved: a handle is read without a lock.
const FIRST_BLOCK_BITS: u32 = 10;
const BLOCKS: usize = (SHAPE_SHIFT - FIRST_BLOCK_BITS + 1) as usize;
type Block = Box<[OnceLock<&'static str>]>;
static NAMES: [OnceLock<Block>; BLOCKS] = [const { OnceLock::new() }; BLOCKS];
/// The number the next new name takes.
static NEXT: AtomicU32 = AtomicU32::new(0);

/// The block of name number `n`, and its place there.
fn place(n: u32) -> (usize, usize) {
    let j = n as usize + (1 << FIRST_BLOCK_BITS);
    let block = (usize::BITS - 1 - j.leading_zeros() - FIRST_BLOCK_BITS) as usize;
    (block, j - (1 << (FIRST_BLOCK_BITS as usize + block)))
}

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
        let shard = &INDEX[(h.finish() as usize) % SHARDS];
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
        // a process that interns more than a billion names has long run out of memory
        let n = NEXT.fetch_add(1, Ordering::Relaxed).min(NUMBER);
        let stored: &'static str = Box::leak(text.into());
        let (block, at) = place(n);
        let names = NAMES[block].get_or_init(|| {
            (0..1usize << (FIRST_BLOCK_BITS as usize + block))
                .map(|_| OnceLock::new())
                .collect()
        });
        let _ = names[at].set(stored);
        let s = Sym(n | (shape as u32) << SHAPE_SHIFT);
        map.insert(stored, s);
        s
    }

    pub fn as_str(&self) -> &'static str {
        let (block, at) = place(self.0 & NUMBER);
        NAMES[block]
            .get()
            .and_then(|names| names[at].get())
            .copied()
            .unwrap_or_default()
    }

    /// The handle as a number (see [`crate::filters::Seg::number`]).
    pub fn number(&self) -> u32 {
        self.0
    }

    pub fn shape(&self) -> Shape {
        match self.0 >> SHAPE_SHIFT {
            0 => Shape::Lit,
            1 => Shape::Glob,
            _ => Shape::Any,
        }
    }
}

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
        assert_eq!(a.0, b.0);
        assert_eq!(a, b);
        assert_ne!(a, Sym::new("program files (x86)"));
        assert_eq!(a, "program files");
        assert_eq!(a.shape(), Shape::Lit);
        assert_eq!(Sym::new("*.log").shape(), Shape::Glob);
        assert_eq!(Sym::new("**").shape(), Shape::Any);
    }

    #[test]
    fn blocks_number_every_name_once() {
        assert_eq!(place(0), (0, 0));
        assert_eq!(place(1023), (0, 1023));
        assert_eq!(place(1024), (1, 0));
        assert_eq!(place(3071), (1, 2047));
        assert_eq!(place(3072), (2, 0));
        assert_eq!(place(NUMBER), (BLOCKS - 1, 1023)); // the last block is never filled
                                                       // names past the first blocks read back as themselves, from another thread too
        let syms: Vec<Sym> = (0..5000).map(|i| Sym::new(&format!("name {i}"))).collect();
        let texts = std::thread::spawn(move || {
            syms.iter()
                .map(|s| s.as_str().to_string())
                .collect::<Vec<_>>()
        })
        .join()
        .unwrap_or_default();
        assert_eq!(texts.len(), 5000);
        assert!(texts
            .iter()
            .enumerate()
            .all(|(i, t)| *t == format!("name {i}")));
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
