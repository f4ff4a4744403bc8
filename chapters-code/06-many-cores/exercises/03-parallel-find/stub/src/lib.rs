//! Chapter 6, exercise 3: the first match, searched on several threads.
//!
//! Implement [`parallel_find`] with `ch06_many_cores::map_on_threads`. The
//! task is in this exercise's `README.md`; check your work with
//! `cargo test -p ch06-ex-parallel-find`.

use std::ops::Range;

/// The smallest number in `range` for which `test` holds, searched in
/// chunks of `chunk` numbers on `threads` threads.
///
/// # Panics
///
/// If `chunk` is 0.
pub fn parallel_find(
    threads: usize,
    range: Range<u64>,
    chunk: u64,
    test: impl Fn(u64) -> bool + Send + Sync + 'static,
) -> Option<u64> {
    let _ = (threads, range, chunk, test);
    todo!("one job per chunk; the smallest match wins")
}
