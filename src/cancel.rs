//! Giving up work that a newer request supersedes: the language server checks each edit on a
//! worker, and a check whose text another edit has replaced should stop at once rather than
//! finish. A flag is set for the scope of one check ([`scope`]); parsing (between batches of
//! data chunks) and validation (between its passes, and between path environments) ask
//! [`requested`] where they can stop cheaply, and give back an incomplete result the caller
//! discards. The command line never sets a flag, so nothing it runs ever stops early.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static FLAG: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Run `f` with `flag` as the calling thread's cancellation flag.
pub fn scope<R>(flag: &Arc<AtomicBool>, f: impl FnOnce() -> R) -> R {
    let before = FLAG.with(|c| c.replace(Some(flag.clone())));
    let out = f();
    FLAG.with(|c| *c.borrow_mut() = before);
    out
}

/// Whether the work running on this thread has been given up.
pub fn requested() -> bool {
    FLAG.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_holds_for_its_scope_only() {
        let flag = Arc::new(AtomicBool::new(false));
        assert!(!requested());
        scope(&flag, || {
            assert!(!requested());
            flag.store(true, Ordering::Relaxed);
            assert!(requested());
        });
        assert!(!requested());
    }
}
