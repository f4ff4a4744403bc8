//! The smallest pool: workers on one channel of jobs, reports on another,
//! and a boss in two halves. No job numbers, no supervisor, no cancel:
//! chapter 5's `Pool` adds those.

use ch02_scheduler::spawn;
use ch03_channels::Channel;

// ANCHOR: first_pool
/// Squares the numbers `0..n` on `workers` worker tasklets; returns the
/// reports, (number, square), in the order they came in.
fn first_pool(workers: usize, n: u64) -> Vec<(u64, u64)> {
    let jobs: Channel<u64> = Channel::new();
    let reports: Channel<(u64, u64)> = Channel::new();
    for _ in 0..workers {
        let (jobs, reports) = (jobs.clone(), reports.clone());
        spawn(move || {
            for x in jobs {
                reports.send((x, x * x)).unwrap();
            }
        });
    }
    // The boss's first half submits, from a tasklet of its own...
    let submit = jobs.clone();
    spawn(move || {
        for x in 0..n {
            submit.send(x).unwrap();
        }
        submit.close();
    });
    // ...and its second half, the caller, collects.
    (0..n).map(|_| reports.receive().unwrap()).collect()
}
// ANCHOR_END: first_pool

fn main() {
    for (x, square) in first_pool(3, 6) {
        println!("{x} squared is {square}");
    }
}
