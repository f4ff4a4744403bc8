//! Chapter 4, exercise 3: a ticker (a plausible wrong solution).
//!
//! The mistake: after the last tick the channel is left open, so a
//! receiver iterating over it waits for a tick that never comes.

use std::time::Duration;

use ch02_scheduler::spawn;
use ch03_channels::Channel;
use ch04_lifecycle::{sleep, time};

/// A channel that receives the time `ticks` times, one tick every `period`
/// (measured from when each tick was due), then closes.
pub fn ticker(period: Duration, ticks: usize) -> Channel<Duration> {
    let channel = Channel::new();
    let tx = channel.clone();
    spawn(move || {
        let start = time::now();
        for k in 1..=ticks {
            let due = start + period * u32::try_from(k).expect("fewer than 2^32 ticks");
            sleep(due.saturating_sub(time::now())).expect("a ticker can always sleep");
            if tx.send(time::now()).is_err() {
                return;
            }
        }
    });
    channel
}
