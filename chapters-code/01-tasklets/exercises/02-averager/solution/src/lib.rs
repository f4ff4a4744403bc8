//! Chapter 1, exercise 2: a running average kept by a tasklet (reference
//! solution).

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
        // The first resume's input is the body's second argument; every
        // later one is what `suspend` returns.
        let tasklet = Tasklet::new(pool, |yielder, first: f64| {
            let mut sum = first;
            let mut count = 1.0;
            loop {
                let next = yielder.suspend(sum / count);
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
