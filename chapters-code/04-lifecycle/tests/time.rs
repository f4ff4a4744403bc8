//! Sleep and timers, on a virtual clock: the tests check order and
//! outcome, never wall-clock durations.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::{State, run, schedule, spawn};
use ch04_lifecycle::Kill;
use ch04_lifecycle::time::{self, VirtualClock, sleep};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn virtual_clock() -> Rc<VirtualClock> {
    let clock = VirtualClock::new();
    time::set_clock(clock.clone());
    clock
}

#[test]
fn sleepers_wake_in_deadline_order_and_ties_in_sleep_order() {
    let _clock = virtual_clock();
    let woke: Rc<RefCell<Vec<(&str, Duration)>>> = Rc::default();
    for (name, delay) in [("c", 30), ("a", 10), ("b1", 20), ("b2", 20)] {
        let woke = Rc::clone(&woke);
        spawn(move || {
            sleep(ms(delay)).unwrap();
            woke.borrow_mut().push((name, time::now()));
        });
    }
    run().unwrap();
    assert_eq!(
        *woke.borrow(),
        [("a", ms(10)), ("b1", ms(20)), ("b2", ms(20)), ("c", ms(30))]
    );
}

#[test]
fn main_can_sleep_while_tasklets_sleep_too() {
    let _clock = virtual_clock();
    let woke = Rc::new(Cell::new(None));
    let w = Rc::clone(&woke);
    spawn(move || {
        sleep(ms(3)).unwrap();
        w.set(Some(time::now()));
    });
    sleep(ms(5)).unwrap();
    assert_eq!(woke.get(), Some(ms(3)), "the tasklet woke first");
    assert_eq!(time::now(), ms(5));
}

#[test]
fn a_busy_scheduler_still_wakes_a_sleeper() {
    let clock = virtual_clock();
    let woke = Rc::new(Cell::new(false));
    let w = Rc::clone(&woke);
    spawn(move || {
        sleep(ms(2)).unwrap();
        w.set(true);
    });
    // A tasklet that never blocks: it works 1 ms per turn and yields. The
    // sleeper must not wait until it is done.
    let (c, w) = (Rc::clone(&clock), Rc::clone(&woke));
    let busy = spawn(move || {
        let mut turns = 0;
        while !w.get() {
            c.advance(ms(1));
            schedule();
            turns += 1;
            assert!(turns < 1_000, "the sleeper was starved");
        }
    });
    run().unwrap();
    assert!(woke.get());
    assert_eq!(busy.state(), State::Dead);
}

#[test]
fn a_killed_sleeper_leaves_no_timer_behind() {
    let _clock = virtual_clock();
    let sleeper = spawn(|| sleep(Duration::from_secs(3600)).unwrap());
    run().unwrap_or_else(|e| panic!("{e}"));
    // `run` waited for the sleeper: the clock is an hour on.
    assert_eq!(time::now(), Duration::from_secs(3600));
    assert_eq!(sleeper.state(), State::Dead);

    let sleeper = spawn(|| sleep(Duration::from_secs(3600)).unwrap());
    sleeper.run().unwrap(); // it sleeps
    sleeper.kill().unwrap();
    run().unwrap();
    assert_eq!(
        time::now(),
        Duration::from_secs(3600),
        "run did not wait for a dead tasklet's timer"
    );
}

#[test]
fn sleeping_zero_just_yields() {
    let _clock = virtual_clock();
    let order: Rc<RefCell<Vec<&str>>> = Rc::default();
    let o = Rc::clone(&order);
    spawn(move || {
        o.borrow_mut().push("a1");
        sleep(Duration::ZERO).unwrap();
        o.borrow_mut().push("a2");
    });
    let o = Rc::clone(&order);
    spawn(move || o.borrow_mut().push("b"));
    run().unwrap();
    assert_eq!(*order.borrow(), ["a1", "b", "a2"]);
    assert_eq!(time::now(), Duration::ZERO);
}
