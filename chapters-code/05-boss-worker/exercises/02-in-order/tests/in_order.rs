//! Chapter 5, exercise 2: `in_order` passes each outcome on in the order of
//! the jobs, as soon as the earlier ones are out, and then closes.

use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::spawn;
use ch04_lifecycle::sleep;
use ch04_lifecycle::time::{self, VirtualClock};
use ch05_boss_worker::{Outcome, Pool, PoolError};
use ch05_ex_in_order::in_order;

/// A pool whose job `ms` sleeps `ms` milliseconds and returns `ms`.
fn sleepers() -> Rc<Pool<u64, u64>> {
    time::set_clock(VirtualClock::new());
    Rc::new(Pool::new(3, |ms: u64| {
        sleep(Duration::from_millis(ms)).unwrap();
        ms
    }))
}

/// Receives everything, noting when each outcome came out.
fn drain(channel: &ch03_channels::Channel<Outcome<u64>>) -> Vec<(u64, u128)> {
    let mut seen = Vec::new();
    while let Ok(outcome) = channel.receive() {
        let Outcome::Done(ms) = outcome else {
            panic!("a job failed: {outcome:?}")
        };
        seen.push((ms, time::now().as_millis()));
    }
    seen
}

#[test]
fn outcomes_come_out_in_the_order_of_the_jobs() {
    let out = in_order(sleepers(), vec![30, 10, 20]);
    // Jobs finish at 10 (job 1), 20 (job 2) and 30 (job 0): nothing can
    // come out before job 0 is done.
    assert_eq!(drain(&out), [(30, 30), (10, 30), (20, 30)]);
}

#[test]
fn each_outcome_comes_out_as_soon_as_the_earlier_ones_are_out() {
    let out = in_order(sleepers(), vec![10, 30, 20]);
    // Job 0 is out at 10; job 2 (done at 20) waits for job 1 (done at 30).
    assert_eq!(drain(&out), [(10, 10), (30, 30), (20, 30)]);
}

#[test]
fn the_channel_closes_after_the_last_outcome() {
    let out = in_order(sleepers(), vec![5]);
    let done = out.clone();
    spawn(move || drop(drain(&done)));
    ch02_scheduler::run().unwrap();
    assert!(out.is_closed());
}

#[test]
fn more_jobs_than_workers_all_come_out_and_the_pool_is_closed() {
    let pool = sleepers();
    let out = in_order(Rc::clone(&pool), vec![10, 10, 10, 10, 10, 10]);
    // Three workers: jobs 0 to 2 end at 10, jobs 3 to 5 at 20. The boss
    // must collect while it still submits, or the pool stops.
    assert_eq!(
        drain(&out),
        [(10, 10), (10, 10), (10, 10), (10, 20), (10, 20), (10, 20)]
    );
    assert!(
        matches!(pool.submit(1), Err(PoolError::Closed)),
        "in_order closes the pool once every job is submitted"
    );
}
