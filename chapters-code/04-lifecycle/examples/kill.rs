//! Killing tasklets: a blocked one, one that never started, and one that
//! catches the kill.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use ch02_scheduler::{TaskletExit, run, schedule, spawn};
use ch03_channels::Channel;
use ch04_lifecycle::Kill;

/// Says when it is dropped: a destructor stands for Stackless's `finally`.
struct Finally(&'static str);

impl Drop for Finally {
    fn drop(&mut self) {
        println!("  {}: destructor runs", self.0);
    }
}

// ANCHOR: blocked
/// A tasklet blocked on a channel is unwound where it waits, and taken off
/// the channel's queue.
fn kill_a_blocked_tasklet() {
    let jobs: Channel<u32> = Channel::new();
    let rx = jobs.clone();
    let worker = spawn(move || {
        let _finally = Finally("worker");
        println!("  worker: waiting for a job");
        let job = rx.receive();
        println!("  worker: got {job:?}"); // never printed
    });
    run().unwrap();
    println!("balance before the kill: {}", jobs.balance());
    worker.kill().unwrap();
    println!(
        "balance after the kill: {}, worker dead: {}",
        jobs.balance(),
        worker.is_dead()
    );
}
// ANCHOR_END: blocked

// ANCHOR: never_started
/// A tasklet killed before it started never runs its function; what it
/// captured is dropped.
fn kill_a_tasklet_that_never_started() {
    let finally = Finally("never started");
    let idle = spawn(move || {
        let _finally = finally;
        println!("  never started: running"); // never printed
    });
    idle.kill().unwrap();
    println!("never started is dead: {}", idle.is_dead());
}
// ANCHOR_END: never_started

// ANCHOR: stubborn
/// A tasklet may catch the kill, like any panic, and carry on: `kill`
/// returns when it next suspends, and it is still alive.
fn kill_a_tasklet_that_catches_it() {
    let stubborn = spawn(|| {
        if let Err(payload) = catch_unwind(AssertUnwindSafe(schedule)) {
            if !payload.is::<TaskletExit>() {
                resume_unwind(payload);
            }
            println!("  stubborn: caught the kill, carrying on");
        }
        schedule();
        println!("  stubborn: ends normally");
    });
    stubborn.run().unwrap(); // start it: it suspends in `schedule`
    stubborn.kill().unwrap();
    println!("stubborn dead after kill: {}", stubborn.is_dead());
    run().unwrap();
    println!("stubborn dead after run: {}", stubborn.is_dead());
}
// ANCHOR_END: stubborn

fn main() {
    kill_a_blocked_tasklet();
    kill_a_tasklet_that_never_started();
    kill_a_tasklet_that_catches_it();
}
