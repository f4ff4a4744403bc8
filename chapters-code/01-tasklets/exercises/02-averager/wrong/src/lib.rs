//! Chapter 1, exercise 2: a running average kept by a tasklet (a plausible
//! wrong solution).
//!
//! The mistake: the first number arrives as the body's second argument,
//! not from `suspend`; this body ignores it, so the first push is lost.

use ch01_tasklets::{StackPool, Step, Tasklet};

/// The running average of the numbers pushed so far, kept by a tasklet that
/// never finishes.
pub struct Averager {
    tasklet: Tasklet<f64, f64>,
}

impl Averager {
    /// A new averager, whose tasklet takes its stack from `pool`. It has
    /// seen no number yet.
    ///
    /// # Panics
    ///
    /// Panics if `pool` cannot give a stack.
    pub fn new(pool: &StackPool) -> Averager {
        let tasklet = Tasklet::new(pool, |yielder, _first: f64| {
            let mut sum = 0.0;
            let mut count = 0.0;
            loop {
                let average = if count == 0.0 { 0.0 } else { sum / count };
                let next = yielder.suspend(average);
                sum += next;
                count += 1.0;
            }
        })
        .unwrap_or_else(|e| panic!("cannot create an averager: {e}"));
        Averager { tasklet }
    }

    /// Adds `x` and returns the average of every number pushed so far,
    /// `x` included.
    pub fn push(&mut self, x: f64) -> f64 {
        match self.tasklet.resume(x) {
            Step::Yielded(average) => average,
            Step::Finished => unreachable!("the averager's loop never ends"),
            Step::Panicked(payload) => std::panic::resume_unwind(payload),
        }
    }
}
