//! Waiting on several channels at once, with an optional timeout.

use std::fmt;
use std::time::Duration;

use ch02_scheduler::{Error, WaitOn, park, switch_point};
use ch03_channels::{Channel, ChannelError, Enlisted};

use crate::time;

/// Why a [`select`] or a [`receive_timeout`] returned no value.
#[derive(Debug)]
pub enum SelectError<T> {
    /// The timeout passed before any channel had a value.
    TimedOut,
    /// Channel `index` was closed and drained, or its sender sent an error.
    Channel {
        /// Which channel, in the order given.
        index: usize,
        /// What it reported.
        error: ChannelError<T>,
    },
    /// The wait itself failed: main waiting forever with no timeout
    /// ([`Error::Deadlock`]), or a tasklet that is unwinding.
    Scheduler(Error),
}

impl<T> fmt::Display for SelectError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::TimedOut => write!(f, "timed out before any channel had a value"),
            SelectError::Channel { index, error } => {
                write!(f, "channel {index} of the select: {error}")
            }
            SelectError::Scheduler(e) => e.fmt(f),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SelectError<T> {}

/// Receives from whichever of `channels` has a value first, and says which
/// (its index). Channels that are ready already are tried in the order
/// given, so the first ready one wins; otherwise the tasklet parks, enlisted
/// on every channel (and on a timer if `timeout` is given), and the first
/// to fire wakes it. It is then taken off the others.
///
/// # Errors
///
/// [`SelectError::TimedOut`] if the timeout passed first;
/// [`SelectError::Channel`] if a channel was closed (or sent an error);
/// [`SelectError::Scheduler`] if the wait failed.
// ANCHOR: select
pub fn select<T>(
    channels: &[&Channel<T>],
    timeout: Option<Duration>,
) -> Result<(usize, T), SelectError<T>> {
    switch_point(); // the watchdog counts a select as one operation
    let tagged = |index: usize| move |error| SelectError::Channel { index, error };
    for (index, channel) in channels.iter().enumerate() {
        if let Some(result) = channel.try_receive() {
            return result.map(|v| (index, v)).map_err(tagged(index));
        }
    }
    let deadline = timeout.map(|t| time::now() + t);
    let mut enlisted: Vec<Enlisted<'_, T>> = Vec::with_capacity(channels.len());
    park(WaitOn::new("select"), |unparker| {
        for channel in channels {
            enlisted.push(channel.enlist_receiver(unparker.clone()));
        }
        if let Some(deadline) = deadline {
            time::wake_at(deadline, unparker);
        }
    })
    .map_err(SelectError::Scheduler)?;
    // At most one channel delivered: the first wake wins, the rest found
    // a stale waiter. Dropping `enlisted` takes us off the other queues.
    let delivered = enlisted
        .iter()
        .enumerate()
        .find_map(|(index, e)| e.take().map(|result| (index, result)));
    match delivered {
        Some((index, result)) => result.map(|v| (index, v)).map_err(tagged(index)),
        None => Err(SelectError::TimedOut),
    }
}
// ANCHOR_END: select

/// Receives from `channel`, waiting at most `timeout`.
///
/// # Errors
///
/// As for [`select`] over the one channel (its index is 0).
pub fn receive_timeout<T>(channel: &Channel<T>, timeout: Duration) -> Result<T, SelectError<T>> {
    select(&[channel], Some(timeout)).map(|(_, value)| value)
}
