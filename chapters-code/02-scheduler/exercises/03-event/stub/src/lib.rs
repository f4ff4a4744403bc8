//! Chapter 2, exercise 3: an event.
//!
//! Implement [`Event`], a one-shot flag that tasklets wait on, with
//! `ch02_scheduler::park` and `Unparker`. The task is in this exercise's
//! `README.md`; check your work with `cargo test -p ch02-ex-event`.

/// A flag that starts unset and, once [`set`](Event::set), stays set.
/// Tasklets [`wait`](Event::wait) for it.
///
/// Clones share the same event, so that the setter and the waiters can each
/// hold one.
#[derive(Clone)]
pub struct Event {
    // Replace this placeholder with your own fields.
    _todo: (),
}

impl Event {
    /// A new event, not set, with nobody waiting.
    pub fn new() -> Event {
        todo!("an unset flag and an empty queue of waiters, shared")
    }

    /// Whether the event has been set.
    pub fn is_set(&self) -> bool {
        todo!("read the flag")
    }

    /// Returns at once, without giving up control, if the event is set;
    /// otherwise parks the current tasklet (waiting on `"event"`) until
    /// [`set`](Event::set) wakes it.
    ///
    /// # Panics
    ///
    /// In the main tasklet: if a tasklet panics while main waits, the panic
    /// is re-raised here (rule 6); if nothing could ever set the event,
    /// this panics with the deadlock.
    pub fn wait(&self) {
        todo!("park, leaving an Unparker in the queue of waiters")
    }

    /// Sets the event and wakes every tasklet waiting for it, in the order
    /// they began to wait (first come, first woken), at the end of the run
    /// queue. The caller goes on running. Waiters whose park has gone stale
    /// are skipped. Setting an event that is already set does nothing.
    pub fn set(&self) {
        todo!("set the flag and unpark the waiters in order")
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}
