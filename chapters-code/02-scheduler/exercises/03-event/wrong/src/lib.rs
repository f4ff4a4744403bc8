//! Chapter 2, exercise 3: an event (a plausible wrong solution).
//!
//! The mistake: `set` wakes only the first waiter, as a condition
//! variable's `notify_one` would; the others wait forever.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Unparker, WaitOn, Wake, park};

/// What the clones of an event share.
struct Inner {
    set: Cell<bool>,
    /// Waiters in the order they began to wait.
    waiters: RefCell<VecDeque<Unparker>>,
}

/// A flag that starts unset and, once [`set`](Event::set), stays set.
/// Tasklets [`wait`](Event::wait) for it.
///
/// Clones share the same event.
#[derive(Clone)]
pub struct Event {
    inner: Rc<Inner>,
}

impl Event {
    /// A new event, not set, with nobody waiting.
    pub fn new() -> Event {
        Event {
            inner: Rc::new(Inner {
                set: Cell::new(false),
                waiters: RefCell::new(VecDeque::new()),
            }),
        }
    }

    /// Whether the event has been set.
    pub fn is_set(&self) -> bool {
        self.inner.set.get()
    }

    /// Returns at once if the event is set; otherwise parks the current
    /// tasklet until [`set`](Event::set) wakes it.
    ///
    /// # Panics
    ///
    /// In the main tasklet: if a tasklet panics while main waits, the panic
    /// is re-raised here (rule 6); if nothing could ever set the event,
    /// this panics with the deadlock.
    pub fn wait(&self) {
        if self.is_set() {
            return;
        }
        park(WaitOn::new("event"), |unparker| {
            self.inner.waiters.borrow_mut().push_back(unparker);
        })
        .unwrap_or_else(|e| panic!("Event::wait: {e}"));
    }

    /// Sets the event and wakes every tasklet waiting for it, first come
    /// first woken. The caller goes on running.
    pub fn set(&self) {
        if self.inner.set.replace(true) {
            return;
        }
        let first = self.inner.waiters.borrow_mut().pop_front();
        if let Some(waiter) = first {
            waiter.unpark(Wake(0));
        }
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}
