//! Chapter 4, exercise 2: killing runaways.
//!
//! Implement [`run_killing_runaways`] with `run_watchdog` and `kill`. The
//! task is in this exercise's `README.md`; check your work with
//! `cargo test -p ch04-ex-runaways`.

use ch02_scheduler::{Error, TaskletInfo};

/// Runs the tasklets like `run`, killing every one that passes `budget`
/// switch points in a turn; returns who was killed, in order.
///
/// # Errors
///
/// What `run_watchdog` or `kill` return.
pub fn run_killing_runaways(budget: u64) -> Result<Vec<TaskletInfo>, Error> {
    let _ = budget;
    todo!("run_watchdog until None; kill and record each interrupted tasklet")
}
