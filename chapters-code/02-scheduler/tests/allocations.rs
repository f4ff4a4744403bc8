//! A tasklet's record and stack are one unit, reused together: once the
//! pool is warm, starting a tasklet and running it to its end allocates
//! nothing.
//!
//! Its own test binary, because it counts allocations with a global
//! allocator (per thread, so that the harness's other threads do not
//! count).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use ch02_scheduler::{run, spawn};

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
fn a_warm_spawn_and_run_allocates_nothing() {
    // Warm up: the stack pool, the registry and the run queue.
    for _ in 0..10 {
        spawn(|| black_box(()));
        run().unwrap();
    }
    let before = ALLOCATIONS.get();
    for i in 0..1_000u64 {
        // Its closure lives on its stack, its record at the top of it.
        spawn(move || {
            black_box(i);
        });
        run().unwrap();
    }
    let allocations = ALLOCATIONS.get() - before;
    assert_eq!(
        allocations, 0,
        "1,000 warm spawns allocated {allocations} times"
    );
}
