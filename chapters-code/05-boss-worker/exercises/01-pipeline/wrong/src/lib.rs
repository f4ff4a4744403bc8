//! Chapter 5, exercise 1: a pipeline (a plausible wrong solution).
//!
//! The mistake: a stage whose input ends simply returns. Its output is
//! never closed, so closing the input stops the first stage and leaves
//! every later one, and whoever reads the pipeline, waiting for ever.

use ch02_scheduler::spawn;
use ch03_channels::Channel;

/// A stage's work.
pub type Stage = Box<dyn Fn(i64) -> i64>;

/// Chains `stages` after `input`, one tasklet each; returns the channel
/// the last stage sends on.
pub fn pipeline(input: Channel<i64>, stages: Vec<Stage>) -> Channel<i64> {
    stages.into_iter().fold(input, |before, stage| {
        let after = Channel::new();
        let out = after.clone();
        spawn(move || {
            for value in before {
                if out.send(stage(value)).is_err() {
                    return;
                }
            }
        });
        after
    })
}
