//! Chapter 3, exercise 2: a fair semaphore.
//!
//! Implement [`Semaphore`] with `ch02_scheduler::park` and `Unparker`. The
//! task is in this exercise's `README.md`; check your work with
//! `cargo test -p ch03-ex-semaphore`.

/// Permits that tasklets take and give back, handed out first come, first
/// served. Clones share the same semaphore.
#[derive(Clone)]
pub struct Semaphore {
    // Replace this placeholder with your own fields.
    _todo: (),
}

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Semaphore {
        let _ = permits;
        todo!("a count of free permits and an empty queue of waiters")
    }

    /// Takes a permit, parking until one is handed over if none is free.
    pub fn acquire(&self) {
        todo!()
    }

    /// Takes a permit if one is free; never waits.
    pub fn try_acquire(&self) -> bool {
        todo!()
    }

    /// Gives a permit back: to the first tasklet still waiting, or to the
    /// pool if nobody waits.
    pub fn release(&self) {
        todo!()
    }

    /// How many permits are free in the pool.
    pub fn available(&self) -> usize {
        todo!()
    }
}
