//! A thread waits on a timer and on another thread at once: either may
//! wake it, and it is never taken for deadlocked while a timer is pending.
//! In a test binary of its own, so that no other test's thread can keep
//! the world from looking stuck.

use std::time::Duration;

use ch02_scheduler::{run, schedule, spawn};
use ch04_lifecycle::sleep;
use ch06_many_cores::XChannel;

#[path = "support/limit.rs"]
mod limit;
use limit::within_limit;

#[test]
fn a_sleeping_tasklet_keeps_its_thread_from_being_taken_for_deadlocked() {
    let got = within_limit(|| {
        // A tasklet waits on the cross-thread channel; the one that will
        // send sleeps first.
        let channel: XChannel<u32> = XChannel::new();
        let (tx, rx) = (channel.clone(), channel.clone());
        spawn(move || {
            sleep(Duration::from_millis(20)).unwrap();
            tx.send(1).unwrap();
        });
        let receiver = spawn(move || assert_eq!(rx.receive().unwrap(), 1));
        run().unwrap();
        assert!(ch04_lifecycle::Kill::is_dead(&receiver));
        // Main itself waits on the channel while the sender sleeps.
        let tx = channel.clone();
        spawn(move || {
            sleep(Duration::from_millis(20)).unwrap();
            tx.send(2).unwrap();
        });
        schedule(); // the sender parks on its timer first
        channel.receive().map_err(|e| e.to_string())
    });
    assert_eq!(got, Ok(2));
}
