//! How much stack does a tasklet really use? Run one on a fresh stack (the
//! kernel hands out zeroed pages), then look for the lowest byte it wrote.
//!
//! `cargo run --release -p ch01-tasklets --example stack_usage`

use std::process::Command;

use ch01_tasklets::{StackPool, Tasklet};
use corosensei::stack::Stack;

// ANCHOR: high_water
/// Runs `f` as a tasklet on a fresh 256 KiB stack and returns how many
/// bytes of that stack it touched.
fn high_water(f: impl FnOnce() + 'static) -> usize {
    let pool = StackPool::new(256 * 1024);
    let mut t = Tasklet::<(), ()>::new(&pool, move |_, ()| f()).unwrap();
    t.resume(());
    drop(t);
    let stack = pool.get().unwrap(); // the same stack, given back
    let (bottom, top) = (stack.usable_bottom(), stack.base().get());
    // SAFETY: `bottom..top` is this stack's usable memory, and nothing runs
    // on it now.
    let bytes = unsafe { std::slice::from_raw_parts(bottom as *const u8, top - bottom) };
    let first_written = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.len() - first_written
}
// ANCHOR_END: high_water

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--panic-only") {
        // Run by the parent below, with RUST_BACKTRACE set as it wishes;
        // the default panic hook prints to standard error, as usual.
        println!("{}", high_water(|| panic!("measured")));
        return;
    }
    println!(
        "a tasklet that returns at once: {}",
        size(high_water(|| {}))
    );
    for backtrace in ["0", "1"] {
        let out = Command::new(std::env::current_exe().unwrap())
            .arg("--panic-only")
            .env("RUST_BACKTRACE", backtrace)
            .output()
            .unwrap();
        let used: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        println!(
            "a tasklet that panics, RUST_BACKTRACE={backtrace}: {}",
            size(used)
        );
    }
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}
