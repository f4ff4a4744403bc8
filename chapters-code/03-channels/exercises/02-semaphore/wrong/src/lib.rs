//! Chapter 3, exercise 2: a fair semaphore (a plausible wrong solution).
//!
//! The mistake: `release` always adds a permit, and also wakes the first
//! waiter, whose `acquire` returns without taking one: a permit is counted
//! twice.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Unparker, WaitOn, Wake, park};

struct State {
    free: usize,
    waiters: VecDeque<Unparker>,
}

/// Permits that tasklets take and give back, handed out first come, first
/// served. Clones share the same semaphore.
#[derive(Clone)]
pub struct Semaphore {
    state: Rc<RefCell<State>>,
}

/// What a released permit was handed to.
const HANDED_OVER: Wake = Wake(0);

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Semaphore {
        Semaphore {
            state: Rc::new(RefCell::new(State {
                free: permits,
                waiters: VecDeque::new(),
            })),
        }
    }

    /// Takes a permit, parking until one is handed over if none is free.
    pub fn acquire(&self) {
        if self.try_acquire() {
            return;
        }
        // `release` hands the permit over with the wake: nothing to take.
        park(WaitOn::new("semaphore"), |unparker| {
            self.state.borrow_mut().waiters.push_back(unparker);
        })
        .expect("acquire could wait forever");
    }

    /// Takes a permit if one is free; never waits.
    pub fn try_acquire(&self) -> bool {
        let mut state = self.state.borrow_mut();
        if state.free > 0 {
            state.free -= 1;
            true
        } else {
            false
        }
    }

    /// Gives a permit back: to the first tasklet still waiting, or to the
    /// pool if nobody waits.
    pub fn release(&self) {
        loop {
            let waiter = self.state.borrow_mut().waiters.pop_front();
            self.state.borrow_mut().free += 1;
            match waiter {
                Some(waiter) if waiter.unpark(HANDED_OVER) => return,
                Some(_) => continue, // a stale waiter: try the next
                None => return,
            }
        }
    }

    /// How many permits are free in the pool.
    pub fn available(&self) -> usize {
        self.state.borrow().free
    }
}
