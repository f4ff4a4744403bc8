//! Chapter 4, exercise 3: a ticker.
//!
//! Implement [`ticker`] with `ch04_lifecycle::sleep`. The task is in this
//! exercise's `README.md`; check your work with
//! `cargo test -p ch04-ex-ticker`.

use std::time::Duration;

use ch03_channels::Channel;

/// A channel that receives the time `ticks` times, one tick every `period`
/// (measured from when each tick was due), then closes.
pub fn ticker(period: Duration, ticks: usize) -> Channel<Duration> {
    let _ = (period, ticks);
    todo!("spawn a tasklet that sleeps until each deadline and sends the time")
}
