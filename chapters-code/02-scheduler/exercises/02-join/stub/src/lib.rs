//! Chapter 2, exercise 2: join a tasklet and get its result.
//!
//! Implement [`spawn_join`] and [`JoinHandle::join`] on top of
//! `ch02_scheduler::spawn` and `ch02_scheduler::park`. The task is in this
//! exercise's `README.md`; check your work with `cargo test -p ch02-ex-join`.

use std::marker::PhantomData;

/// The right to wait for a tasklet started by [`spawn_join`] and to take its
/// result.
pub struct JoinHandle<T> {
    // Replace this placeholder with your own fields.
    _todo: PhantomData<T>,
}

/// Spawns a tasklet running `f` (at the end of the run queue, like
/// `ch02_scheduler::spawn`) and returns a handle to join it.
pub fn spawn_join<T: 'static>(f: impl FnOnce() -> T + 'static) -> JoinHandle<T> {
    let _ = f;
    todo!("spawn a tasklet that stores f's result and wakes the joiner")
}

impl<T> JoinHandle<T> {
    /// Whether the tasklet has finished, so that [`join`](JoinHandle::join)
    /// would return at once.
    pub fn is_finished(&self) -> bool {
        todo!("has the result arrived?")
    }

    /// Waits until the tasklet has finished and returns its result.
    ///
    /// If it has already finished, returns at once, without giving up
    /// control. Otherwise the caller parks (waiting on `"join"`) and the
    /// tasklet unparks it when it finishes. From the main tasklet, parking
    /// runs the other tasklets meanwhile.
    ///
    /// # Panics
    ///
    /// In the main tasklet: if the joined tasklet (or another) panics, the
    /// panic is re-raised here (rule 6); if nothing could ever wake main
    /// (the joined tasklet is blocked for good), this panics with the
    /// deadlock.
    pub fn join(self) -> T {
        todo!("take the result, or park until the tasklet stores it")
    }
}
