//! Chapter 3: channels (work in progress: the channel itself, rules 8-12 of
//! the semantics; the chapter's book page, traces, timers and exercises
//! come next).
//!
//! A channel is a rendezvous point: `send` blocks until a receiver takes
//! the value, `receive` until a sender gives one. Both wait with chapter 2's
//! `park`, so a blocked tasklet costs nothing while it waits.

pub mod channel;

pub use channel::{Channel, ChannelError, Preference};
