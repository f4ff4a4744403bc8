//! Chapter 3: channels, rules 7-13 of the semantics.
//!
//! A channel is a rendezvous point: `send` blocks until a receiver takes
//! the value, `receive` until a sender gives one. Both wait with chapter 2's
//! `park`, so a blocked tasklet costs nothing while it waits.

pub mod channel;

pub use channel::{Channel, ChannelError, Enlisted, Preference};
