//! Chapter 6, exercise 2: a one-shot channel from any thread (a plausible
//! wrong solution).
//!
//! The mistake: the receiver always waits to be woken, and forgets that
//! the sender may have come and gone before it: a value sent first is
//! never received.

use std::sync::{Arc, Mutex};

use ch02_scheduler::{WaitOn, Wake, park};
use ch06_many_cores::RemoteUnparker;

/// The sender was dropped without sending.
#[derive(Debug, PartialEq, Eq)]
pub struct Canceled;

struct Shared<T> {
    value: Option<T>,
    sender_gone: bool,
    receiver: Option<RemoteUnparker>,
}

type State<T> = Arc<Mutex<Shared<T>>>;

/// Sends the one value.
pub struct Sender<T> {
    state: State<T>,
}

/// Receives the one value.
pub struct Receiver<T> {
    state: State<T>,
}

/// A new one-shot channel.
pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    let state = Arc::new(Mutex::new(Shared {
        value: None,
        sender_gone: false,
        receiver: None,
    }));
    (
        Sender {
            state: Arc::clone(&state),
        },
        Receiver { state },
    )
}

impl<T> Sender<T> {
    /// Marks the sender gone, with or without a value, and wakes the
    /// receiver if it waits.
    fn finish(&self, value: Option<T>) {
        let waiting = {
            let mut shared = self.state.lock().expect("no panic while holding it");
            if shared.sender_gone {
                return;
            }
            shared.value = value;
            shared.sender_gone = true;
            shared.receiver.take()
        };
        if let Some(receiver) = waiting {
            receiver.unpark(Wake(0));
        }
    }
}

impl<T: Send> Sender<T> {
    /// Stores `value` and wakes the receiver if it waits; never blocks.
    pub fn send(self, value: T) {
        self.finish(Some(value));
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.finish(None);
    }
}

impl<T: Send> Receiver<T> {
    /// The value, waiting for it if it has not come yet.
    ///
    /// # Errors
    ///
    /// [`Canceled`] if the sender was dropped without sending.
    pub fn receive(self) -> Result<T, Canceled> {
        park(WaitOn::new("oneshot"), |unparker| {
            let mut shared = self.state.lock().expect("no panic while holding it");
            shared.receiver = Some(RemoteUnparker::new(unparker));
        })
        .map_err(|_| Canceled)?;
        let mut shared = self.state.lock().expect("no panic while holding it");
        shared.value.take().ok_or(Canceled)
    }
}
