//! Chapter 6, exercise 3: the first match, searched on several threads (a
//! plausible wrong solution).
//!
//! The mistake: the first match *reported* is taken as the first match.
//! Reports come in the order their jobs finish, not the order of the range.

use std::ops::Range;

use ch05_boss_worker::Outcome;
use ch06_many_cores::map_on_threads;

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
    assert!(chunk > 0, "a chunk must hold at least one number");
    let chunks: Vec<Range<u64>> = (range.start..range.end)
        .step_by(usize::try_from(chunk).unwrap_or(usize::MAX))
        .map(|start| start..start.saturating_add(chunk).min(range.end))
        .collect();
    let reports = map_on_threads(
        threads,
        2,
        move |r: Range<u64>| r.into_iter().find(|&n| test(n)),
        chunks,
    )
    .expect("the search threads run to the end");
    reports.into_iter().find_map(|report| match report.outcome {
        Outcome::Done(found) => found,
        Outcome::Failed(message) => panic!("a chunk failed: {message}"),
    })
}
