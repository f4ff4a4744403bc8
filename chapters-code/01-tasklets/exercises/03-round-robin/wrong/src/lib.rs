//! Chapter 1, exercise 3: a round-robin loop over manually driven tasklets
//! (a plausible wrong solution).
//!
//! The mistake: a tasklet that yielded goes back to the *front* of the
//! queue, so each one runs to its end before the next starts.

use std::collections::VecDeque;
use std::panic::resume_unwind;

use ch01_tasklets::{Step, Tasklet};

/// Runs `tasks` round-robin until every one has finished, and returns the
/// values they yielded, in the order they were yielded.
///
/// # Panics
///
/// If a tasklet panics, its panic goes on in the caller.
pub fn round_robin(tasks: Vec<Tasklet<(), &'static str>>) -> Vec<&'static str> {
    let mut queue = VecDeque::from(tasks);
    let mut yielded = Vec::new();
    while let Some(mut tasklet) = queue.pop_front() {
        match tasklet.resume(()) {
            Step::Yielded(value) => {
                yielded.push(value);
                queue.push_front(tasklet);
            }
            // Dropped here: its stack goes back to its pool.
            Step::Finished => {}
            Step::Panicked(payload) => resume_unwind(payload),
        }
    }
    yielded
}
