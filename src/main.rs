//! The `amxc` binary: parse the command line, run, map the result to an exit code.

use clap::Parser;

/// mimalloc: validation builds and drops large per-environment tables; glibc's allocator
/// spent a quarter of the time consolidating and re-zeroing pages for them. The feature
/// `system-alloc` keeps the system allocator, for heap profilers that hook malloc (heaptrack).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = amxc::cli::Cli::parse();
    #[cfg(not(feature = "system-alloc"))]
    if !matches!(cli.command, amxc::cli::Command::Discover(_)) {
        allocator::return_freed_memory_promptly();
    }
    amxc::cli::run(cli)
}

/// The one place the code calls into C: a setting of the allocator.
#[cfg(not(feature = "system-alloc"))]
mod allocator {
    /// `mi_option_purge_delay` in the `mi_option_t` of mimalloc's v2 line (`mimalloc.h`), which
    /// the sys crate does not name; the test below holds the number to it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

    /// How long a freed page stays resident before mimalloc returns it, in milliseconds.
    ///
    /// mimalloc's 10 ms is long for a run that parses, resolves and relates in stages of a few
    /// milliseconds each: every stage's freed memory was still resident when the next stage's
    /// peak came, and each thread keeps its own (the 100,000-filter check peaked at 69-71 MB, of
    /// which about 13 MB was memory already freed). One millisecond returns it by the next
    /// stage at no measurable cost; zero purges on every free and ran 15-35% slower.
    /// `discover` keeps mimalloc's delay: it frees and touches again much of its memory as it
    /// reads, and returning those pages in between cost it 10% (1,000,000 paths: 0.99-1.15 s
    /// instead of 0.89-0.96 s, 195,000 page faults instead of 134,000).
    const DELAY_MS: std::ffi::c_long = 1;

    /// Sets the purge delay, unless the environment sets `MIMALLOC_PURGE_DELAY` (which
    /// mimalloc has read already, and which stays the user's to choose). Called once, before
    /// the process starts any thread.
    #[allow(unsafe_code)]
    pub fn return_freed_memory_promptly() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: `mi_option_set` stores one option's value and has no other precondition
        // than the one mimalloc documents: it is not thread-safe. `main` calls it once, after
        // reading the command line and before the process starts any thread.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, DELAY_MS) }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        #[allow(unsafe_code)]
        fn the_option_set_is_the_purge_delay() {
            // mimalloc's documented default for the purge delay is 10 ms; no other option of
            // the v2 line numbered near it defaults to 10 (arena_purge_mult does, at 24)
            if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
                // SAFETY: reading an option has no precondition
                assert_eq!(unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }, 10);
            }
            // SAFETY: as above
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(14) }, 1); // eager_commit_delay
                                                                          // SAFETY: as above
            assert_eq!(unsafe { libmimalloc_sys::mi_option_get(16) }, 0); // use_numa_nodes
        }
    }
}
