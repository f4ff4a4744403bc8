//! Parks N coroutines on one shared region, each suspended with a
//! shallow stack, and prints what each keeps: its saved slice, and the
//! process's resident memory divided among them.
//!
//! Usage: `parked_copied [N]` (default 100,000).

use std::process::ExitCode;

use ch11_shared_stacks::region::Region;

/// The process's resident memory, in bytes.
fn resident() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:"));
    let kib: usize = line
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    kib * 1024
}

fn main() -> ExitCode {
    let n = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 100_000,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("usage: parked_copied [N], N at least 1");
            return ExitCode::FAILURE;
        }
    };
    let region = match Region::new(256 * 1024) {
        Ok(region) => region,
        Err(e) => {
            eprintln!("parked_copied: {e}");
            return ExitCode::FAILURE;
        }
    };
    let before = resident();
    let mut parked = Vec::with_capacity(n);
    for _ in 0..n {
        // SAFETY: the coroutine lends nothing of its stack.
        let mut coroutine = unsafe { region.spawn(|suspend| suspend.suspend()) };
        coroutine.resume();
        parked.push(coroutine);
    }
    // The last one's bytes are still in the region: take another turn.
    // SAFETY: the coroutine lends nothing of its stack.
    let mut last = unsafe { region.spawn(|_| {}) };
    last.resume();
    let after = resident();
    let saved: usize = parked.iter().map(|c| c.saved_bytes()).sum();
    println!("{n} coroutines parked on one region");
    println!("saved slice: {} bytes each", saved / n);
    println!(
        "resident memory: {} bytes per parked coroutine",
        (after - before) / n
    );
    for coroutine in &mut parked {
        coroutine.resume();
    }
    println!("all {n} woke and finished");
    ExitCode::SUCCESS
}
