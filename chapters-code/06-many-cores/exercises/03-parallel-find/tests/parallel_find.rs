//! Chapter 6, exercise 3: `parallel_find` finds what a plain `find` finds,
//! on any number of threads and chunk sizes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ch02_scheduler::schedule;
use ch06_ex_parallel_find::parallel_find;

fn is_interesting(n: u64) -> bool {
    n > 10 && n % 7 == 3 && n % 11 == 5
}

#[test]
fn it_finds_the_same_first_match_as_a_loop() {
    let expected = (0..10_000).find(|&n| is_interesting(n));
    for (threads, chunk) in [(1, 1_000), (2, 37), (3, 10_000), (2, 1)] {
        assert_eq!(
            parallel_find(threads, 0..10_000, chunk, is_interesting),
            expected,
            "{threads} threads, chunks of {chunk}"
        );
    }
}

#[test]
fn no_match_is_none() {
    assert_eq!(parallel_find(2, 0..5_000, 100, |n| n == 99_999), None);
}

#[test]
fn the_smallest_match_wins_even_when_a_later_chunk_reports_first() {
    // One thread, so its two workers take turns: the worker searching the
    // first chunk yields (`schedule`) until the second chunk's match has
    // been seen, so the second chunk's report comes in first.
    let seen_500 = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&seen_500);
    let found = parallel_find(1, 0..1_000, 500, move |n| {
        if n == 500 {
            seen.store(true, Ordering::SeqCst);
            return true;
        }
        if n == 0 {
            let mut turns = 0;
            while !seen.load(Ordering::SeqCst) {
                turns += 1;
                assert!(
                    turns < 1_000_000,
                    "the second chunk never ran: run two workers per thread"
                );
                schedule();
            }
        }
        n == 499
    });
    assert_eq!(found, Some(499));
    assert!(seen_500.load(Ordering::SeqCst));
}

#[test]
#[should_panic(expected = "a chunk must hold at least one number")]
fn a_chunk_of_zero_is_refused() {
    parallel_find(2, 0..10, 0, |_| true);
}
