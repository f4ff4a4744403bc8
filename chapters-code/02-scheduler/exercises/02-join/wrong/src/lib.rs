//! Chapter 2, exercise 2: join a tasklet and get its result (a plausible
//! wrong solution).
//!
//! The mistake: `join` always parks, even when the tasklet has finished
//! already, so nobody is left to wake it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ch02_scheduler::{Unparker, WaitOn, Wake, park, spawn};

/// What the joined tasklet and its handle share.
struct Shared<T> {
    /// The tasklet's result, once it has finished.
    result: RefCell<Option<T>>,
    /// Whether it has finished (the result may have been taken since).
    finished: Cell<bool>,
    /// Who waits for it, if anyone.
    joiner: RefCell<Option<Unparker>>,
}

/// The right to wait for a tasklet started by [`spawn_join`] and to take its
/// result.
pub struct JoinHandle<T> {
    shared: Rc<Shared<T>>,
}

/// Spawns a tasklet running `f` (at the end of the run queue, like
/// `ch02_scheduler::spawn`) and returns a handle to join it.
pub fn spawn_join<T: 'static>(f: impl FnOnce() -> T + 'static) -> JoinHandle<T> {
    let shared = Rc::new(Shared {
        result: RefCell::new(None),
        finished: Cell::new(false),
        joiner: RefCell::new(None),
    });
    let theirs = Rc::clone(&shared);
    spawn(move || {
        let value = f();
        *theirs.result.borrow_mut() = Some(value);
        theirs.finished.set(true);
        let joiner = theirs.joiner.borrow_mut().take();
        if let Some(joiner) = joiner {
            joiner.unpark(Wake(0));
        }
    });
    JoinHandle { shared }
}

impl<T> JoinHandle<T> {
    /// Whether the tasklet has finished, so that [`join`](JoinHandle::join)
    /// would return at once.
    pub fn is_finished(&self) -> bool {
        self.shared.finished.get()
    }

    /// Waits until the tasklet has finished and returns its result.
    ///
    /// # Panics
    ///
    /// In the main tasklet: if the joined tasklet (or another) panics, the
    /// panic is re-raised here (rule 6); if nothing could ever wake main
    /// (the joined tasklet is blocked for good), this panics with the
    /// deadlock.
    pub fn join(self) -> T {
        park(WaitOn::new("join"), |unparker| {
            *self.shared.joiner.borrow_mut() = Some(unparker);
        })
        .unwrap_or_else(|e| panic!("join: {e}"));
        self.shared
            .result
            .borrow_mut()
            .take()
            .expect("a joined tasklet has stored its result")
    }
}
