//! Chapter 4: the life and death of a tasklet.
//!
//! A tasklet is killed by making it unwind from where it is suspended: its
//! destructors run, as Stackless ran `finally` blocks, before `kill`
//! returns. The mechanism is the scheduler's [`Tasklet::raise`]: the
//! dispatcher resumes the victim with an order to unwind, carrying
//! [`TaskletExit`].
//!
//! ```
//! use ch02_scheduler::{run, spawn};
//! use ch03_channels::Channel;
//! use ch04_lifecycle::Kill;
//!
//! struct Goodbye;
//! impl Drop for Goodbye {
//!     fn drop(&mut self) {
//!         println!("the victim's destructor runs");
//!     }
//! }
//!
//! let channel: Channel<u32> = Channel::new();
//! let rx = channel.clone();
//! let victim = spawn(move || {
//!     let _goodbye = Goodbye;
//!     let _ = rx.receive(); // blocks: nobody sends
//!     unreachable!("killed while blocked");
//! });
//! run().unwrap();
//! assert_eq!(channel.balance(), -1);
//! victim.kill().unwrap();
//! assert!(victim.is_dead());
//! assert_eq!(channel.balance(), 0);
//! ```
//!
//! [`Tasklet::raise`]: ch02_scheduler::Tasklet::raise

pub mod kill;
pub mod overflow;
pub mod select;
pub mod time;

pub use ch02_scheduler::{TaskletExit, atomic, run_watchdog, switch_point};
pub use kill::Kill;
pub use overflow::install_overflow_handler;
pub use select::{SelectError, receive_timeout, select};
pub use time::{Clock, SystemClock, VirtualClock, sleep};
