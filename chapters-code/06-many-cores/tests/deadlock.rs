//! A deadlock across threads is reported only when no thread can move.
//! In a test binary of its own: every thread of a process that uses
//! cross-thread channels counts, and other tests' threads would keep the
//! world from ever being stuck.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;
use ch06_many_cores::{XChannel, map_on_threads, spawn_thread};

#[path = "support/limit.rs"]
mod limit;
use limit::within_limit;

#[test]
fn a_deadlock_is_reported_only_when_no_thread_can_move() {
    let outcome = within_limit(|| {
        let (nobody_sends, nor_here) = (XChannel::<u32>::new(), XChannel::<u32>::new());
        let rx = nobody_sends.clone();
        let other = spawn_thread(move || {
            spawn(move || drop(rx.receive()));
            run().unwrap(); // returns once the deadlock is declared
        })
        .unwrap();
        let outcome = nor_here.receive();
        other.join().unwrap();
        outcome.map_err(|e| e.to_string())
    });
    let message = outcome.expect_err("main cannot receive");
    assert!(message.contains("deadlock"), "{message}");
}

#[test]
fn a_job_blocked_for_ever_is_a_deadlock_and_its_thread_runs_no_more_jobs() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = Arc::clone(&ran);
    let outcome = within_limit(move || {
        let work = move |job: u64| {
            r.fetch_add(1, Ordering::Relaxed);
            if job == 0 {
                let nobody: Channel<u8> = Channel::new();
                let _ = nobody.receive(); // blocks until the thread exits
            }
            job
        };
        map_on_threads(1, 1, work, 0..3u64)
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    let message = outcome.expect_err("job 0 never finishes");
    assert!(message.contains("deadlock"), "{message}");
    assert_eq!(
        ran.load(Ordering::Relaxed),
        1,
        "no job ran while its thread exited"
    );
}
