//! Chapter 2, exercise 1: a value per tasklet (a plausible wrong solution).
//!
//! The mistake: one value for the whole thread, as a `thread_local!` would
//! keep it, so every tasklet sees and replaces the same one.

use std::cell::RefCell;

/// A value for each tasklet: what one tasklet [`set`](TaskletLocal::set)s,
/// only that tasklet [`with`](TaskletLocal::with)s or
/// [`take`](TaskletLocal::take)s. The main tasklet has its own value too.
///
/// The values of tasklets that end without taking theirs stay in the map
/// until the `TaskletLocal` is dropped.
pub struct TaskletLocal<T> {
    value: RefCell<Option<T>>,
}

impl<T> TaskletLocal<T> {
    /// A tasklet-local with no value for any tasklet.
    pub fn new() -> Self {
        TaskletLocal {
            value: RefCell::new(None),
        }
    }

    /// Sets the current tasklet's value, replacing any value it had.
    pub fn set(&self, value: T) {
        let old = self.value.borrow_mut().replace(value);
        // Dropped outside the borrow: its destructor may use this local.
        drop(old);
    }

    /// Calls `f` with the current tasklet's value (`None` if it has none)
    /// and returns what `f` returns.
    ///
    /// # Panics
    ///
    /// Panics if `f` calls [`set`](TaskletLocal::set) or
    /// [`take`](TaskletLocal::take) on the same tasklet-local.
    pub fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        f(self.value.borrow().as_ref())
    }

    /// Removes the current tasklet's value and returns it (`None` if it had
    /// none). Other tasklets' values are untouched.
    pub fn take(&self) -> Option<T> {
        self.value.borrow_mut().take()
    }
}

impl<T> Default for TaskletLocal<T> {
    fn default() -> Self {
        TaskletLocal::new()
    }
}
