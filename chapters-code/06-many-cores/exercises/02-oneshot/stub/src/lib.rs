//! Chapter 6, exercise 2: a one-shot channel from any thread.
//!
//! Implement [`oneshot`], [`Sender`] and [`Receiver`] with
//! `ch02_scheduler::park` and `ch06_many_cores::RemoteUnparker`. The task
//! is in this exercise's `README.md`; check your work with
//! `cargo test -p ch06-ex-oneshot`.

use std::marker::PhantomData;

/// The sender was dropped without sending.
#[derive(Debug, PartialEq, Eq)]
pub struct Canceled;

/// Sends the one value.
pub struct Sender<T> {
    // Replace this placeholder with your own fields.
    _todo: PhantomData<T>,
}

/// Receives the one value.
pub struct Receiver<T> {
    // Replace this placeholder with your own fields.
    _todo: PhantomData<T>,
}

/// A new one-shot channel.
pub fn oneshot<T: Send>() -> (Sender<T>, Receiver<T>) {
    todo!("shared state behind an Arc<Mutex<..>>")
}

impl<T: Send> Sender<T> {
    /// Stores `value` and wakes the receiver if it waits; never blocks.
    pub fn send(self, value: T) {
        let _ = value;
        todo!()
    }
}

impl<T: Send> Receiver<T> {
    /// The value, waiting for it if it has not come yet.
    ///
    /// # Errors
    ///
    /// [`Canceled`] if the sender was dropped without sending.
    pub fn receive(self) -> Result<T, Canceled> {
        todo!()
    }
}
