//! Chapter 1, exercise 2: a running average kept by a tasklet.
//!
//! Implement [`Averager`]: the numbers go *into* a tasklet through
//! `resume`, and the running average comes *out* through `suspend`. The task
//! is in this exercise's `README.md`; check your work with
//! `cargo test -p ch01-ex-averager`.

use ch01_tasklets::StackPool;

/// The running average of the numbers pushed so far, kept by a tasklet
/// (a `ch01_tasklets::Tasklet<f64, f64>`) that never finishes: each
/// [`push`](Averager::push) resumes it with a number, and it suspends with
/// the average of every number it has received.
pub struct Averager {
    // Replace this placeholder with your own fields.
    _todo: (),
}

impl Averager {
    /// A new averager, whose tasklet takes its stack from `pool`. It has
    /// seen no number yet.
    ///
    /// # Panics
    ///
    /// Panics if `pool` cannot give a stack.
    pub fn new(pool: &StackPool) -> Averager {
        let _ = pool;
        todo!("create the tasklet that keeps the sum and the count")
    }

    /// Adds `x` and returns the average of every number pushed so far,
    /// `x` included.
    pub fn push(&mut self, x: f64) -> f64 {
        let _ = x;
        todo!("resume the tasklet with `x` and return what it yields")
    }
}
