//! Chapter 6, exercise 1: a barrier across threads.
//!
//! Implement [`Barrier`] with `ch02_scheduler::park` and
//! `ch06_many_cores::RemoteUnparker`. The task is in this exercise's
//! `README.md`; check your work with `cargo test -p ch06-ex-barrier`.

/// Holds tasklets, on any threads, until `n` of them have arrived.
#[derive(Clone)]
pub struct Barrier {
    // Replace this placeholder with your own fields.
    _todo: (),
}

impl Barrier {
    /// A barrier for rounds of `n` tasklets.
    pub fn new(n: usize) -> Barrier {
        let _ = n;
        todo!("a count and the waiters' RemoteUnparkers, behind an Arc<Mutex<..>>")
    }

    /// Waits until `n` tasklets (this one included) have called `wait` in
    /// this round.
    pub fn wait(&self) {
        todo!("park, or wake the whole round")
    }
}
