//! Chapter 5, exercise 1: a pipeline.
//!
//! Implement [`pipeline`]. The task is in this exercise's `README.md`;
//! check your work with `cargo test -p ch05-ex-pipeline`.

use ch03_channels::Channel;

/// A stage's work.
pub type Stage = Box<dyn Fn(i64) -> i64>;

/// Chains `stages` after `input`, one tasklet each; returns the channel
/// the last stage sends on.
pub fn pipeline(input: Channel<i64>, stages: Vec<Stage>) -> Channel<i64> {
    let _ = (input, stages);
    todo!("one tasklet per stage, each between two channels")
}
