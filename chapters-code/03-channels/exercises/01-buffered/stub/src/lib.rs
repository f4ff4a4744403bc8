//! Chapter 3, exercise 1: a buffered channel.
//!
//! Implement [`Buffered`] with `ch02_scheduler::park` and `Unparker`. The
//! task is in this exercise's `README.md`; check your work with
//! `cargo test -p ch03-ex-buffered`.

use std::marker::PhantomData;

/// A channel with room for a fixed number of values. Clones share the same
/// channel.
pub struct Buffered<T> {
    // Replace this placeholder with your own fields.
    _todo: PhantomData<T>,
}

impl<T> Clone for Buffered<T> {
    fn clone(&self) -> Buffered<T> {
        todo!("another handle to the same buffer")
    }
}

impl<T> Buffered<T> {
    /// An empty channel with room for `capacity` values.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0: use an unbuffered `Channel` for that.
    pub fn new(capacity: usize) -> Buffered<T> {
        let _ = capacity;
        todo!("an empty buffer and no one waiting")
    }

    /// Puts `value` in the buffer, parking while it is full.
    pub fn send(&self, value: T) {
        let _ = value;
        todo!("wait for room, push, wake the first waiting receiver")
    }

    /// Takes the oldest value, parking while the buffer is empty.
    pub fn receive(&self) -> T {
        todo!("wait for a value, pop, wake the first waiting sender")
    }

    /// How many values the buffer holds.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
