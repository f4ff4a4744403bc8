//! Chapter 3, exercise 2: a fair semaphore: permits are taken while free,
//! waiters park and get released permits in order, handed straight over.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{run, schedule, spawn};
use ch03_ex_semaphore::Semaphore;

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

#[test]
fn free_permits_are_taken_without_waiting() {
    let s = Semaphore::new(2);
    assert!(s.try_acquire());
    s.acquire();
    assert_eq!(s.available(), 0);
    assert!(!s.try_acquire());
    s.release();
    assert_eq!(s.available(), 1);
}

#[test]
fn at_most_n_tasklets_hold_a_permit_at_once() {
    let s = Semaphore::new(2);
    let (inside, most) = (Rc::new(RefCell::new(0)), Rc::new(RefCell::new(0)));
    for _ in 0..6 {
        let (s, inside, most) = (s.clone(), Rc::clone(&inside), Rc::clone(&most));
        spawn(move || {
            s.acquire();
            *inside.borrow_mut() += 1;
            let now = *inside.borrow();
            most.replace_with(|&mut m| m.max(now));
            schedule();
            *inside.borrow_mut() -= 1;
            s.release();
        });
    }
    run().unwrap();
    assert_eq!(*most.borrow(), 2);
    assert_eq!(s.available(), 2);
}

#[test]
fn waiters_get_permits_in_order_and_latecomers_cannot_steal_them() {
    let s = Semaphore::new(1);
    s.acquire(); // main holds the only permit
    let log = Log::default();
    for name in ["A", "B"] {
        let (s, l) = (s.clone(), Rc::clone(&log));
        spawn(move || {
            s.acquire();
            push(&l, format!("{name} acquired"));
        });
    }
    run().unwrap();
    assert!(log.borrow().is_empty(), "both wait");
    s.release(); // handed to A, who has not run yet
    assert_eq!(s.available(), 0, "the permit went to A, not to the pool");
    assert!(!s.try_acquire(), "a latecomer cannot take A's permit");
    run().unwrap();
    assert_eq!(*log.borrow(), ["A acquired"]);
    s.release();
    run().unwrap();
    assert_eq!(*log.borrow(), ["A acquired", "B acquired"]);
}

#[test]
fn a_waiter_whose_wait_ended_otherwise_gets_no_permit() {
    let semaphore = Semaphore::new(0);
    // Main waits with nothing else runnable: its park fails (a deadlock),
    // and `acquire` panics, leaving a waiter whose park is over.
    let waited = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| semaphore.acquire()));
    assert!(waited.is_err(), "nobody could ever release: a deadlock");
    // That stale waiter must not swallow the permit.
    semaphore.release();
    assert_eq!(semaphore.available(), 1, "the permit goes back to the pool");
    assert!(semaphore.try_acquire());
}
