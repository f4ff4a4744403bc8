//! Chapter 4, exercise 1: a select with a default branch.
//!
//! Implement [`try_select`]. The task is in this exercise's `README.md`;
//! check your work with `cargo test -p ch04-ex-try-select`.

use ch03_channels::{Channel, ChannelError};

/// The first of `channels` that is ready, with its index, or `None` if no
/// channel is ready; never waits.
pub fn try_select<T>(channels: &[&Channel<T>]) -> Option<(usize, Result<T, ChannelError<T>>)> {
    let _ = channels;
    todo!("try each channel in order without blocking")
}
