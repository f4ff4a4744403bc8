//! A channel's waits reuse their slots: once warm, passing values to a
//! receiver that waits again and again allocates nothing.
//!
//! Its own test binary, because it counts allocations with a global
//! allocator (per thread, so that the harness's other threads do not
//! count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;

struct Counting;

thread_local! {
    // Constant-initialised and without a destructor: reading it never
    // allocates, so the allocator may use it.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counter is a plain thread-local cell.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        // SAFETY: the caller's promises are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
    let before = ALLOCATIONS.get();
    for value in 0..1_000 {
        // The receiver is waiting: it takes the value and runs at once
        // (the receiver is preferred), then waits again.
        channel.send(value).unwrap();
    }
    let allocations = ALLOCATIONS.get() - before;
    channel.close();
    run().unwrap();
    assert_eq!(
        allocations, 0,
        "1,000 sends to a waiting receiver allocated"
    );
}
