//! Chapter 2, exercise 1: a value per tasklet.
//!
//! Implement [`TaskletLocal`], the tasklets' answer to `thread_local!`: one
//! value for each tasklet, found by the id of the tasklet that asks. The
//! task is in this exercise's `README.md`; check your work with
//! `cargo test -p ch02-ex-tasklet-local`.

use std::marker::PhantomData;

/// A value for each tasklet: what one tasklet [`set`](TaskletLocal::set)s,
/// only that tasklet [`with`](TaskletLocal::with)s or
/// [`take`](TaskletLocal::take)s. The main tasklet has its own value too.
///
/// The running tasklet is `ch02_scheduler::current()`, and its
/// `id()` is the key. Share a `TaskletLocal` between tasklets with an `Rc`.
pub struct TaskletLocal<T> {
    // Replace this placeholder with your own fields.
    _todo: PhantomData<T>,
}

impl<T> TaskletLocal<T> {
    /// A tasklet-local with no value for any tasklet.
    pub fn new() -> Self {
        todo!("an empty map from tasklet id to value")
    }

    /// Sets the current tasklet's value, replacing any value it had.
    pub fn set(&self, value: T) {
        let _ = value;
        todo!("store `value` under the current tasklet's id")
    }

    /// Calls `f` with the current tasklet's value (`None` if it has none)
    /// and returns what `f` returns.
    ///
    /// # Panics
    ///
    /// May panic if `f` calls [`set`](TaskletLocal::set) or
    /// [`take`](TaskletLocal::take) on the same tasklet-local.
    pub fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let _ = f;
        todo!("look up the current tasklet's value and pass it to `f`")
    }

    /// Removes the current tasklet's value and returns it (`None` if it had
    /// none). Other tasklets' values are untouched.
    pub fn take(&self) -> Option<T> {
        todo!("remove the current tasklet's value")
    }
}

impl<T> Default for TaskletLocal<T> {
    fn default() -> Self {
        TaskletLocal::new()
    }
}
