//! Chapter 1, exercise 1: a generator (a plausible wrong solution).
//!
//! The mistake: when the tasklet finishes, `next` returns `None` but keeps
//! the tasklet, so the next call resumes a dead tasklet, which panics.

use std::panic::resume_unwind;

use ch01_tasklets::{StackPool, Step, Tasklet, Yielder};

/// An iterator over the values that a tasklet passes to
/// [`Yielder::suspend`].
pub struct Generator<T> {
    /// The tasklet, until it panics.
    tasklet: Option<Tasklet<(), T>>,
}

impl<T: 'static> Generator<T> {
    /// A generator whose items are the values `f` passes to
    /// [`Yielder::suspend`], taking its stack from `pool`. Nothing of `f`
    /// runs until the first call to `next`.
    ///
    /// # Panics
    ///
    /// Panics if `pool` cannot give a stack.
    pub fn new(pool: &StackPool, f: impl FnOnce(&Yielder<(), T>) + 'static) -> Generator<T> {
        let tasklet = Tasklet::new(pool, move |yielder, ()| f(yielder))
            .unwrap_or_else(|e| panic!("cannot create a generator: {e}"));
        Generator {
            tasklet: Some(tasklet),
        }
    }
}

impl<T: 'static> Iterator for Generator<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let tasklet = self.tasklet.as_mut()?;
        match tasklet.resume(()) {
            Step::Yielded(value) => Some(value),
            Step::Finished => None,
            Step::Panicked(payload) => {
                self.tasklet = None;
                resume_unwind(payload)
            }
        }
    }
}
