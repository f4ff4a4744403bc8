//! Chapter 6, exercise 3: `parallel_find` finds what a plain `find` finds,
//! on any number of threads and chunk sizes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ch02_scheduler::schedule;
use ch06_ex_parallel_find::parallel_find;

#[path = "../../../tests/support/limit.rs"]
mod limit;
use limit::within_limit;

fn is_interesting(n: u64) -> bool {
    n > 10 && n % 7 == 3 && n % 11 == 5
}

#[test]
fn it_finds_the_same_first_match_as_a_loop() {
    let expected = (0..10_000).find(|&n| is_interesting(n));
    for (threads, chunk) in [(1, 1_000), (2, 37), (3, 10_000), (2, 1)] {
        assert_eq!(
            within_limit(move || parallel_find(threads, 0..10_000, chunk, is_interesting)),
            expected,
            "{threads} threads, chunks of {chunk}"
        );
    }
}

#[test]
fn a_range_that_does_not_start_at_zero_is_searched_as_it_is() {
    // Chunks of 300 from 3: 3..303, 303..603, 603..903, 903..1000. Numbers
    // outside the range must never be tested, let alone found.
    let outside = within_limit(|| parallel_find(2, 3..1_000, 300, |n| !(3..1_000).contains(&n)));
    assert_eq!(outside, None);
    assert_eq!(
        within_limit(|| parallel_find(2, 3..1_000, 300, |n| n % 2 == 0)),
        Some(4)
    );
    assert_eq!(
        within_limit(|| parallel_find(2, 3..1_000, 300, |n| n == 999)),
        Some(999)
    );
}

#[test]
fn no_match_is_none() {
    assert_eq!(
        within_limit(|| parallel_find(2, 0..5_000, 100, |n| n == 99_999)),
        None
    );
}

#[test]
fn the_smallest_match_wins_even_when_a_later_chunk_reports_first() {
    // One thread, so its two workers take turns: the worker searching the
    // first chunk yields (`schedule`) until the second chunk's match has
    // been seen, so the second chunk's report comes in first.
    let seen_500 = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&seen_500);
    let found = within_limit(move || {
        parallel_find(1, 0..1_000, 500, move |n| {
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
        })
    });
    assert_eq!(found, Some(499));
    assert!(seen_500.load(Ordering::SeqCst));
}

#[test]
#[should_panic(expected = "a chunk must hold at least one number")]
fn a_chunk_of_zero_is_refused() {
    parallel_find(2, 0..10, 0, |_| true);
}
