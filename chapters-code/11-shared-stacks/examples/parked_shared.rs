//! Chapter 2's `parked` example, unchanged, with every tasklet on one
//! shared region: parks N tasklets at once (100,000 unless its argument
//! says otherwise), reports what one costs in resident memory, wakes them
//! all; then what the region kept for each, and the machine's memory.
//! Run it in release mode:
//! `cargo run --release -p ch11-shared-stacks --example parked_shared -- 10000000`

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::SharedStack;
use ch02_scheduler::shared::share_stacks_by_default;
use ch11_shared_stacks::shared_region::SharedRegion;

#[path = "../../02-scheduler/examples/parked.rs"]
mod parked;

thread_local! {
    /// The region this thread's tasklets share.
    static REGION: RefCell<Option<Rc<SharedRegion>>> = const { RefCell::new(None) };
}

/// Makes this thread's region, and keeps it for the report.
fn region() -> Rc<dyn SharedStack> {
    let region = SharedRegion::new(256 * 1024).expect("a region");
    REGION.set(Some(Rc::clone(&region)));
    region
}

fn main() {
    // SAFETY: the example's tasklets only park: none lends its stack.
    unsafe { share_stacks_by_default(region) };
    parked::main();
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let copied = REGION.with_borrow(|r| r.as_ref().map_or(0, |r| r.bytes_copied()));
    // Each tasklet was copied out once, when the next one took the region,
    // and back in once, to wake.
    println!(
        "stack kept while parked: {:.0} bytes per tasklet",
        copied as f64 / 2.0 / n as f64
    );
    println!(
        "the machine's memory: {:.1} GiB",
        machine_bytes() as f64 / (1 << 30) as f64
    );
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
