//! Parallel maps that stay on the calling thread for small inputs: starting rayon's pool
//! costs about a millisecond, more than a small policy takes to check.

use rayon::prelude::*;

/// Work items below which a map runs on the calling thread.
pub const MIN_PARALLEL: usize = 2048;

/// `items.map(f)`, in order; in parallel when there are at least `min` items.
pub fn map<T: Sync, R: Send>(items: &[T], min: usize, f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    map_init(items, min, || (), |_, t| f(t))
}

/// [`map`] with per-thread state made by `init`.
pub fn map_init<T: Sync, S, R: Send>(
    items: &[T],
    min: usize,
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < min {
        let mut state = init();
        items.iter().map(|t| f(&mut state, t)).collect()
    } else {
        items
            .par_iter()
            .with_min_len(min)
            .map_init(init, f)
            .collect()
    }
}
