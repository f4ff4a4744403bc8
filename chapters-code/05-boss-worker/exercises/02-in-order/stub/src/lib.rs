//! Chapter 5, exercise 2: reports in the order of their jobs.
//!
//! Implement [`in_order`] with `Pool::submit`, `Pool::next_report` and
//! `Pool::close`. The task is in this exercise's `README.md`; check your
//! work with `cargo test -p ch05-ex-in-order`.

use std::rc::Rc;

use ch03_channels::Channel;
use ch05_boss_worker::{Outcome, Pool};

/// Runs `jobs` on `pool`; the returned channel carries their outcomes in
/// the order of the jobs, each as soon as all earlier ones are out, and is
/// closed after the last.
pub fn in_order<J: 'static, R: 'static>(pool: Rc<Pool<J, R>>, jobs: Vec<J>) -> Channel<Outcome<R>> {
    let _ = (pool, jobs);
    todo!("a tasklet that submits, and one that reorders the reports")
}
