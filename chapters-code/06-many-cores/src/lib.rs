//! Chapter 6: every core.
//!
//! One scheduler per OS thread, and tasklets that never move between
//! threads (rule 17). Threads meet through their own kind of channel,
//! [`XChannel`], which wakes a partner in its own thread; a thread with
//! nothing to run sleeps until one of its tasklets is woken from another
//! thread, and a deadlock is reported only when no thread can make
//! progress.

pub mod spread;
pub mod world;
pub mod xchannel;

pub use spread::{SpreadError, map_on_threads, render_on_threads, render_split};
pub use world::{RemoteUnparker, spawn_thread};
pub use xchannel::{XChannel, XError};
