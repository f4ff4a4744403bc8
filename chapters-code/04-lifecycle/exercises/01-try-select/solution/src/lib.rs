//! Chapter 4, exercise 1: a select with a default branch (reference
//! solution).

use ch03_channels::{Channel, ChannelError};

/// The first of `channels` that is ready, with its index, or `None` if no
/// channel is ready; never waits.
pub fn try_select<T>(channels: &[&Channel<T>]) -> Option<(usize, Result<T, ChannelError<T>>)> {
    channels
        .iter()
        .enumerate()
        .find_map(|(index, channel)| channel.try_receive().map(|result| (index, result)))
}
