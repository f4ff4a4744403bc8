//! Chapter 5: a boss and its workers.
//!
//! The standard architecture for work that can be split into jobs: a boss
//! hands jobs to a pool of workers over one channel and collects their
//! reports over another; a supervisor replaces workers that crash.
//!
//! ```
//! use std::rc::Rc;
//! use ch05_boss_worker::{Outcome, Pool};
//!
//! let pool = Rc::new(Pool::new(3, |n: u64| n * n));
//! let mut reports = pool.map(1..=5).unwrap();
//! reports.sort_by_key(|r| r.job);
//! let squares: Vec<_> = reports.into_iter().map(|r| r.outcome).collect();
//! assert_eq!(
//!     squares,
//!     [1, 4, 9, 16, 25].map(Outcome::Done)
//! );
//! ```

pub mod mandelbrot;
pub mod pool;

pub use pool::{JobId, Outcome, Pool, PoolError, Report};
