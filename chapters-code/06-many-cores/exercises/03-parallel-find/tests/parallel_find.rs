//! Chapter 6, exercise 3: `parallel_find` finds what a plain `find` finds,
//! on any number of threads and chunk sizes.

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
fn the_smallest_of_several_matches_wins_whatever_order_they_finish_in() {
    // The match in the last chunk is quick to find, the first one slow.
    let found = parallel_find(2, 0..1_000, 500, |n| {
        if n == 499 {
            return true;
        }
        n == 500
    });
    assert_eq!(found, Some(499));
}

#[test]
#[should_panic(expected = "a chunk must hold at least one number")]
fn a_chunk_of_zero_is_refused() {
    parallel_find(2, 0..10, 0, |_| true);
}
