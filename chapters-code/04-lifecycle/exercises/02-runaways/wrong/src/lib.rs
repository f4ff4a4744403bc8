//! Chapter 4, exercise 2: killing runaways (a plausible wrong solution).
//!
//! The mistake: `if let` where `while let` belongs: only the first runaway
//! is killed, and the run stops there.

use ch02_scheduler::{Error, TaskletInfo, run_watchdog};
use ch04_lifecycle::Kill;

/// Runs the tasklets like `run`, killing every one that passes `budget`
/// switch points in a turn; returns who was killed, in order.
///
/// # Errors
///
/// What `run_watchdog` or `kill` return.
pub fn run_killing_runaways(budget: u64) -> Result<Vec<TaskletInfo>, Error> {
    let mut killed = Vec::new();
    if let Some(runaway) = run_watchdog(budget)? {
        killed.push(runaway.describe());
        runaway.kill()?;
    }
    Ok(killed)
}
