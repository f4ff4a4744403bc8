//! Chapter 2's `parked` example with every tasklet on one shared region:
//! parks N tasklets at once (100,000 unless its argument says otherwise),
//! reports what one costs in resident memory, then wakes them all.
//! Run it in release mode:
//! `cargo run --release -p ch11-shared-stacks --example parked_shared -- 10000000`

use std::cell::RefCell;
use std::process::ExitCode;
use std::rc::Rc;

use ch02_scheduler::{Builder, SharedStack, Unparker, WaitOn, Wake, park, run};
use ch11_shared_stacks::shared_region::SharedRegion;

// ANCHOR: main
fn parked_on_one_region(n: usize) {
    let shared_region = SharedRegion::new(256 * 1024).expect("a region");
    let region: Rc<dyn SharedStack> = shared_region.clone();
    let waiting: Rc<RefCell<Vec<Unparker>>> = Rc::default();
    let before = resident_bytes();
    let start = std::time::Instant::now();
    for _ in 0..n {
        let waiting = Rc::clone(&waiting);
        let park_here = move || {
            park(WaitOn::new("the signal"), |u| waiting.borrow_mut().push(u)).unwrap();
        };
        // SAFETY: the tasklet lends nothing of its stack: no scoped thread, no pointer given away.
        unsafe { Builder::new().spawn_on(Rc::clone(&region), park_here) }.unwrap();
    }
    run().unwrap(); // every tasklet runs until it parks, then is copied out
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
    // Each tasklet was copied out once, when the next one took the region.
    println!(
        "stack kept while parked: {:.0} bytes per tasklet",
        shared_region.bytes_copied() as f64 / n as f64
    );
    println!(
        "the machine's memory: {:.1} GiB",
        machine_bytes() as f64 / (1 << 30) as f64
    );
    for u in waiting.borrow_mut().drain(..) {
        u.unpark(Wake(0));
    }
    run().unwrap();
    println!("all {n} woke and finished");
}
// ANCHOR_END: main

fn main() -> ExitCode {
    match std::env::args().nth(1).map(|s| s.parse::<usize>()) {
        None => parked_on_one_region(100_000),
        Some(Ok(n)) if n > 0 => parked_on_one_region(n),
        _ => {
            eprintln!("usage: parked_shared [TASKLETS], a number at least 1");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// This process's resident set size, from `/proc/self/statm`.
fn resident_bytes() -> i64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux has /proc");
    let pages: i64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    // SAFETY: sysconf has no preconditions.
    pages * unsafe { libc::sysconf(libc::_SC_PAGESIZE) }
}

/// The machine's memory, from `/proc/meminfo`.
fn machine_bytes() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").expect("Linux has /proc");
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"));
    let kib: u64 = line
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .expect("MemTotal in /proc/meminfo");
    kib * 1024
}
