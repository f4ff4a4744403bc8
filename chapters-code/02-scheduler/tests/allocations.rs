//! A tasklet's record and stack are one unit, reused together: once the
//! pool is warm, starting a tasklet and running it to its end allocates
//! nothing.
//!
//! Its own test binary, because it counts allocations with a global
//! allocator (`counting_alloc.rs`).

use ch02_scheduler::{run, spawn};
use std::hint::black_box;

#[path = "../../counting_alloc.rs"]
mod counting;

#[test]
fn a_warm_spawn_and_run_allocates_nothing() {
    // Warm up: the stack pool, the registry and the run queue.
    for _ in 0..10 {
        spawn(|| black_box(()));
        run().unwrap();
    }
    let before = counting::allocations();
    for i in 0..1_000u64 {
        // Its closure lives on its stack, its record at the top of it.
        spawn(move || {
            black_box(i);
        });
        run().unwrap();
    }
    let allocations = counting::allocations() - before;
    assert_eq!(
        allocations, 0,
        "1,000 warm spawns allocated {allocations} times"
    );
}
