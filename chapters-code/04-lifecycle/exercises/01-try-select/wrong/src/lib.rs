//! Chapter 4, exercise 1: a select with a default branch (a plausible
//! wrong solution).
//!
//! The mistake: only values count as ready; a closed channel, or an error
//! a sender sent, is skipped as if nothing were there.

use ch03_channels::{Channel, ChannelError};

/// The first of `channels` that is ready, with its index, or `None` if no
/// channel is ready; never waits.
pub fn try_select<T>(channels: &[&Channel<T>]) -> Option<(usize, Result<T, ChannelError<T>>)> {
    channels
        .iter()
        .enumerate()
        .find_map(|(index, channel)| match channel.try_receive() {
            Some(Ok(value)) => Some((index, Ok(value))),
            _ => None,
        })
}
