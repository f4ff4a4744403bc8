//! Chapter 3, exercise 3: merging channels.
//!
//! Implement [`merge`]. The task is in this exercise's `README.md`; check
//! your work with `cargo test -p ch03-ex-merge`.

use ch03_channels::Channel;

/// A channel that carries every value sent on any of `inputs`, and is
/// closed once every input is closed and drained.
pub fn merge<T: 'static>(inputs: Vec<Channel<T>>) -> Channel<T> {
    let _ = inputs;
    todo!("one forwarding tasklet per input; the last one closes the output")
}
