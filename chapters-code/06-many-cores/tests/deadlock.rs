//! A deadlock across threads is reported only when no thread can move.
//! In a test binary of its own: every thread of a process that uses
//! cross-thread channels counts, and other tests' threads would keep the
//! world from ever being stuck.

use ch02_scheduler::{run, spawn};
use ch06_many_cores::{XChannel, spawn_thread};

#[path = "support/limit.rs"]
mod limit;
use limit::within_limit;

#[test]
fn a_deadlock_is_reported_only_when_no_thread_can_move() {
    let outcome = within_limit(|| {
        let (nobody_sends, nor_here) = (XChannel::<u32>::new(), XChannel::<u32>::new());
        let rx = nobody_sends.clone();
        let other = spawn_thread(move || {
            spawn(move || drop(rx.receive()));
            run().unwrap(); // returns once the deadlock is declared
        })
        .unwrap();
        let outcome = nor_here.receive();
        other.join().unwrap();
        outcome.map_err(|e| e.to_string())
    });
    let message = outcome.expect_err("main cannot receive");
    assert!(message.contains("deadlock"), "{message}");
}
