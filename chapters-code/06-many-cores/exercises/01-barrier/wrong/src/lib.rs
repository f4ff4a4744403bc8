//! Chapter 6, exercise 1: a barrier across threads (a plausible wrong
//! solution).
//!
//! The mistake, an off-by-one: the round is full when `n` tasklets are
//! *already* waiting, so the `n`-th arrival waits too, for an arrival that
//! belongs to the next round.

use std::sync::{Arc, Mutex};

use ch02_scheduler::{WaitOn, Wake, park};
use ch06_many_cores::RemoteUnparker;

struct Round {
    n: usize,
    waiting: Vec<RemoteUnparker>,
}

/// Holds tasklets, on any threads, until `n` of them have arrived.
#[derive(Clone)]
pub struct Barrier {
    round: Arc<Mutex<Round>>,
}

impl Barrier {
    /// A barrier for rounds of `n` tasklets.
    pub fn new(n: usize) -> Barrier {
        Barrier {
            round: Arc::new(Mutex::new(Round {
                n,
                waiting: Vec::new(),
            })),
        }
    }

    /// Waits until `n` tasklets (this one included) have called `wait` in
    /// this round.
    pub fn wait(&self) {
        let mut released = None;
        park(WaitOn::new("barrier"), |unparker| {
            let mut round = self.round.lock().expect("no panic while holding it");
            if round.waiting.len() >= round.n {
                released = Some(std::mem::take(&mut round.waiting));
                unparker.unpark(Wake(0)); // the last one goes on at once
            } else {
                round.waiting.push(RemoteUnparker::new(unparker));
            }
        })
        .expect("a barrier's round always completes");
        for waiter in released.into_iter().flatten() {
            waiter.unpark(Wake(0));
        }
    }
}
