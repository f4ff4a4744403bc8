//! Chapter 2, exercise 3: implement `Event`, a one-shot flag: `wait` parks
//! the current tasklet until `set`; `set` wakes every waiter in the order
//! they began to wait (skipping stale unparkers) while the setter goes on
//! running, and makes every later `wait` return at once.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use ch02_ex_event::Event;
use ch02_scheduler::{State, Tasklet, run, schedule, spawn};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

/// Spawns a tasklet that logs, waits for `event`, and logs again.
fn waiter(name: &'static str, event: &Event, log: &Log) -> Tasklet {
    let (event, log) = (event.clone(), Rc::clone(log));
    spawn(move || {
        push(&log, format!("{name} waits"));
        event.wait();
        push(&log, format!("{name} woke"));
    })
}

#[test]
fn main_sets_and_the_waiters_wake_in_order() {
    let event = Event::new();
    let log = Log::default();
    let waiters = ["A", "B", "C"].map(|name| waiter(name, &event, &log));
    // Main gives up its turn once: each waiter runs once, and must then be
    // parked, not polling the flag.
    schedule();
    for waiter in &waiters {
        assert_eq!(waiter.state(), State::Blocked, "a waiter parks until `set`");
    }
    run().unwrap();
    assert!(!event.is_set());
    push(&log, "main sets");
    event.set();
    assert!(event.is_set());
    push(&log, "main goes on");
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "A waits",
            "B waits",
            "C waits",
            "main sets",
            "main goes on",
            "A woke",
            "B woke",
            "C woke"
        ]
    );
}

#[test]
fn a_wait_after_set_does_not_block() {
    let event = Event::default();
    let log = Log::default();
    event.set();
    // Main would deadlock if this parked.
    event.wait();
    // A tasklet must not even give up control: `Y` runs after it is done.
    waiter("X", &event, &log);
    {
        let log = Rc::clone(&log);
        spawn(move || push(&log, "Y runs"));
    }
    run().unwrap();
    assert_eq!(*log.borrow(), ["X waits", "X woke", "Y runs"]);
}

#[test]
fn the_setter_goes_on_before_the_woken_run() {
    let event = Event::new();
    let log = Log::default();
    waiter("A", &event, &log);
    waiter("B", &event, &log);
    {
        let (event, log) = (event.clone(), Rc::clone(&log));
        spawn(move || {
            push(&log, "S sets");
            event.set();
            // Setting twice changes nothing.
            event.set();
            push(&log, "S goes on");
            schedule();
            push(&log, "S again");
        });
    }
    waiter("C", &event, &log);
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "A waits",
            "B waits",
            "S sets",
            "S goes on",
            "C waits",
            "C woke",
            "A woke",
            "B woke",
            "S again"
        ]
    );
}

#[test]
fn a_stale_waiter_is_skipped() {
    let event = Event::new();
    let log = Log::default();
    {
        let log = Rc::clone(&log);
        spawn(move || {
            push(&log, "P panics");
            panic!("P gave up");
        });
    }
    // Main waits; P's panic interrupts the wait (rule 6), which leaves
    // main's unparker in the event's queue, stale.
    let payload =
        catch_unwind(AssertUnwindSafe(|| event.wait())).expect_err("P's panic ends main's wait");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"P gave up"));
    waiter("A", &event, &log);
    run().unwrap();
    push(&log, "main sets");
    event.set();
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["P panics", "A waits", "main sets", "A woke"]
    );
}
