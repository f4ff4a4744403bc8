//! A channel's waits reuse their slots: once warm, passing values to a
//! receiver that waits again and again allocates nothing.
//!
//! Its own test binary, because it counts allocations with a global
//! allocator (`counting_alloc.rs`).

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;

#[path = "../../counting_alloc.rs"]
mod counting;

#[test]
fn a_receiver_that_waits_again_and_again_allocates_nothing() {
    let channel = Channel::<u64>::new();
    let receiver = channel.clone();
    spawn(move || while receiver.receive().is_ok() {});
    run().unwrap(); // the receiver now waits
    // Warm up: the run queue, the channel's queue and its spare slots
    // reach their size.
    for value in 0..10 {
        channel.send(value).unwrap();
    }
    let before = counting::allocations();
    for value in 0..1_000 {
        // The receiver is waiting: it takes the value and runs at once
        // (the receiver is preferred), then waits again.
        channel.send(value).unwrap();
    }
    let allocations = counting::allocations() - before;
    channel.close();
    run().unwrap();
    assert_eq!(
        allocations, 0,
        "1,000 sends to a waiting receiver allocated"
    );
}
