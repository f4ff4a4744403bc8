//! Chapter 2's tasklets on shared regions, mixed with tasklets that own
//! their stacks, under one scheduler.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{Builder, run, schedule, spawn};
use ch11_shared_stacks::shared_region::SharedRegion;

type Log = Rc<RefCell<Vec<String>>>;

/// A tasklet that keeps a local array and a pointer into it across its
/// switches, and logs what it finds after each.
fn worker(name: &'static str, log: &Log, turns: usize) -> impl FnOnce() + 'static {
    let log = Rc::clone(log);
    move || {
        let mut local = [0u64; 32];
        let first = &raw mut local[0];
        for turn in 0..turns {
            local[turn % 32] = turn as u64 + 1;
            schedule();
            // SAFETY: `first` points into `local`, alive in this frame.
            let seen = unsafe { *first };
            let sum: u64 = local.iter().sum();
            log.borrow_mut().push(format!("{name}{turn}:{seen}:{sum}"));
        }
    }
}

#[test]
fn tasklets_on_one_region_keep_their_frames_and_interleave_exactly() {
    let log = Log::default();
    let region = SharedRegion::new(64 * 1024).unwrap();
    for name in ["a", "b", "c"] {
        Builder::new()
            .spawn_on(region.clone(), worker(name, &log, 3))
            .unwrap();
    }
    spawn(worker("own", &log, 3));
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "a0:1:1", "b0:1:1", "c0:1:1", "own0:1:1", //
            "a1:1:3", "b1:1:3", "c1:1:3", "own1:1:3", //
            "a2:1:6", "b2:1:6", "c2:1:6", "own2:1:6",
        ]
    );
    assert!(region.swaps() >= 9, "{} swaps", region.swaps());
}
