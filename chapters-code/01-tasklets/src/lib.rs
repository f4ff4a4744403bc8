//! Chapter 1: tasklets.
//!
//! A tasklet is a function running on its own stack. It can stop anywhere in
//! its call tree, hand a value to whoever resumed it, and later continue
//! where it stopped. The `corosensei` crate does the stack switching; this
//! crate adds a pool of guarded stacks ([`stack`]) and a [`Tasklet`] with an
//! identity and a state ([`tasklet`]).
//!
//! ```
//! use ch01_tasklets::{StackPool, Step, Tasklet};
//!
//! let pool = StackPool::new(64 * 1024);
//! let mut counter = Tasklet::new(&pool, |yielder, start: u32| {
//!     let mut n = start;
//!     loop {
//!         // Hand `n` out; get the next increment in.
//!         n += yielder.suspend(n);
//!     }
//! })
//! .unwrap();
//!
//! let mut seen = Vec::new();
//! for input in [10, 1, 2, 3] {
//!     if let Step::Yielded(n) = counter.resume(input) {
//!         seen.push(n);
//!     }
//! }
//! assert_eq!(seen, [10, 11, 13, 16]);
//! // Dropping a suspended tasklet unwinds its stack and returns the stack to
//! // the pool.
//! drop(counter);
//! assert_eq!(pool.stats().free, 1);
//! ```

pub mod stack;
pub mod tasklet;
pub mod valgrind;

pub use corosensei::Yielder;
pub use stack::{
    DEFAULT_STACK_SIZE, GuardKind, MAX_STACK_SIZE, PoolStats, PooledStack, StackError, StackPool,
};
pub use tasklet::{State, Step, Tasklet, TaskletId, panic_message};
