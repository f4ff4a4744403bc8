//! Each workload lands where the README's rule says.

use std::cell::Cell;
use std::rc::Rc;

use ch02_scheduler::{run, with_running_stack};
use ch11_ex_pick_a_stack::{Workload, spawn_for};
use ch11_shared_stacks::shared_region::SharedRegion;

/// Where a tasklet ran: on the region or not, and its stack's size.
fn placed(region: &Rc<SharedRegion>, deepest: usize, kept_across_switches: usize) -> (bool, usize) {
    let seen = Rc::new(Cell::new((false, 0)));
    let (found, bottom) = (Rc::clone(&seen), region.usable().start);
    let workload = Workload {
        deepest,
        kept_across_switches,
    };
    let body = move || {
        let (guard, size) = with_running_stack(|s| (s.guard.clone(), s.size)).unwrap();
        found.set((guard.end == bottom, size));
    };
    // SAFETY: the body lends nothing of its stack.
    unsafe { spawn_for(region, workload, body) }.unwrap();
    run().unwrap();
    seen.get()
}

#[test]
fn shallow_tasklets_that_keep_little_share_the_region() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    assert!(placed(&region, 4096, 512).0);
    // The limits themselves still count as fitting.
    assert!(placed(&region, 16 * 1024, 4096).0);
    // A quarter of a larger region is more.
    let larger = SharedRegion::new(256 * 1024).unwrap();
    assert!(placed(&larger, 64 * 1024, 0).0);
    assert!(!placed(&larger, 64 * 1024 + 1, 0).0);
}

#[test]
fn a_deep_tasklet_gets_a_stack_of_its_size() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    let (on_region, size) = placed(&region, 16 * 1024 + 1, 0);
    assert!(!on_region);
    assert!(size > 16 * 1024, "a stack of {size} bytes");
    let (on_region, size) = placed(&region, 512 * 1024, 0);
    assert!(!on_region && size >= 512 * 1024, "a stack of {size} bytes");
}

#[test]
fn a_tasklet_that_keeps_much_across_switches_gets_its_own_stack() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    assert!(!placed(&region, 8 * 1024, 4097).0);
    let (on_region, size) = placed(&region, 12 * 1024, 8 * 1024);
    assert!(!on_region && size >= 12 * 1024, "a stack of {size} bytes");
}
