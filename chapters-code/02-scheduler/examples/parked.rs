//! Parks 100,000 tasklets at once (or as many as its argument says) and
//! reports what one costs in resident memory. Run it in release mode:
//! `cargo run --release -p ch02-scheduler --example parked -- 1000000`
//! (Chapter 11's `parked_shared` runs this `main` with every tasklet on a
//! shared stack.)

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{Unparker, WaitOn, Wake, park, run, spawn};

/// Parks the tasklets, reports, wakes them (public for chapter 11).
// ANCHOR: main
pub fn main() {
    let n: usize = match std::env::args().nth(1).map(|s| s.parse()) {
        None => 100_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("usage: parked [TASKLETS]: {e}");
            std::process::exit(2);
        }
    };
    let waiting: Rc<RefCell<Vec<Unparker>>> = Rc::default();
    let before = resident_bytes();
    let start = std::time::Instant::now();
    for _ in 0..n {
        let waiting = Rc::clone(&waiting);
        spawn(move || {
            park(WaitOn::new("the signal"), |u| waiting.borrow_mut().push(u)).unwrap();
        });
    }
    run().unwrap(); // every tasklet runs until it parks
    let took = start.elapsed();
    let parked = resident_bytes();
    println!(
        "{n} tasklets spawned and parked in {:.2} s",
        took.as_secs_f64()
    );
    println!(
        "resident memory: {:.1} MiB more, {:.0} bytes per parked tasklet",
        (parked - before) as f64 / (1 << 20) as f64,
        (parked - before) as f64 / n as f64
    );
    for u in waiting.borrow_mut().drain(..) {
        u.unpark(Wake(0));
    }
    run().unwrap();
    println!("all {n} woke and finished");
}
// ANCHOR_END: main

/// This process's resident set size, from `/proc/self/statm`.
fn resident_bytes() -> i64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux has /proc");
    let pages: i64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) }
}
