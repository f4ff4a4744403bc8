//! The behaviour suite of chapters 2, 3, 4, 6 and 9, with every tasklet on
//! a shared stack: before any test runs, every thread's tasklets are made
//! to take turns on one region of its own (`share_stacks_by_default`).
//! Their tests are included unchanged; a test that is about a stack of a
//! tasklet's own (its guard page, its allocations) is left out, and a
//! tasklet that asks for a stack size gets a stack of its own.

// Each included suite loads its own helper modules, as in its own crate.
#![allow(clippy::duplicate_mod)]

use std::rc::Rc;

use ch02_scheduler::SharedStack;
use ch02_scheduler::shared::share_stacks_by_default;
use ch11_shared_stacks::shared_region::SharedRegion;

// ANCHOR: every_tasklet
/// Every thread's tasklets share one region of the default stack size.
#[ctor::ctor(unsafe)]
fn every_tasklet_on_a_shared_region() {
    let make = || -> Rc<dyn SharedStack> {
        SharedRegion::new(ch01_tasklets::DEFAULT_STACK_SIZE).expect("a region for this thread")
    };
    // SAFETY: no test of the suites lends a tasklet's stack: none starts a
    // scoped thread or gives a pointer into its stack away.
    unsafe { share_stacks_by_default(make) };
}
// ANCHOR_END: every_tasklet

#[path = "../../02-scheduler/tests/reliability.rs"]
mod ch02_reliability;
#[path = "../../02-scheduler/tests/rules.rs"]
mod ch02_rules;
#[path = "../../02-scheduler/tests/trace.rs"]
mod ch02_trace;
#[path = "../../03-channels/tests/reliability.rs"]
mod ch03_reliability;
#[path = "../../03-channels/tests/rules.rs"]
mod ch03_rules;
#[path = "../../04-lifecycle/tests/reliability.rs"]
mod ch04_reliability;
#[path = "../../04-lifecycle/tests/rules.rs"]
mod ch04_rules;
#[path = "../../04-lifecycle/tests/select.rs"]
mod ch04_select;
#[path = "../../04-lifecycle/tests/time.rs"]
mod ch04_time;
#[path = "../../04-lifecycle/tests/watchdog.rs"]
mod ch04_watchdog;
#[path = "../../06-many-cores/tests/deadlock.rs"]
mod ch06_deadlock;
#[path = "../../06-many-cores/tests/spread.rs"]
mod ch06_spread;
#[path = "../../06-many-cores/tests/threads.rs"]
mod ch06_threads;
#[path = "../../06-many-cores/tests/timers.rs"]
mod ch06_timers;
#[path = "../../09-stackless-io/tests/faults.rs"]
mod ch09_faults;
#[path = "../../09-stackless-io/tests/rules.rs"]
mod ch09_rules;
#[path = "../../09-stackless-io/tests/threads.rs"]
mod ch09_threads;
#[path = "../../09-stackless-io/tests/udp.rs"]
mod ch09_udp;

/// The suite above runs on shared stacks: two tasklets spawned as usual
/// find themselves on the same stack, with a guard page of its own.
#[test]
fn tasklets_spawned_as_usual_share_their_thread_s_region() {
    use std::cell::RefCell;

    use ch02_scheduler::{run, schedule, spawn, with_running_stack};

    let guards = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..2 {
        let guards = Rc::clone(&guards);
        spawn(move || {
            schedule();
            let guard = with_running_stack(|stack| stack.guard.clone()).unwrap();
            guards.borrow_mut().push(guard);
        });
    }
    run().unwrap();
    let guards = guards.borrow();
    assert_eq!(guards.len(), 2);
    assert_eq!(guards[0], guards[1], "both on one stack");
}
