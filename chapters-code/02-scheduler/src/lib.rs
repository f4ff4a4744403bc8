//! Chapter 2: the cooperative scheduler.
//!
//! Every OS thread gets its own scheduler the first time it uses one, with
//! the thread's own stack as its *main tasklet*. Tasklets wait in a run
//! queue, a ring served round-robin; a tasklet runs until it gives control
//! away ([`schedule`], [`park()`], [`Tasklet::run`]…), and nobody takes it
//! from it.
//!
//! ```
//! use std::cell::RefCell;
//! use std::rc::Rc;
//!
//! use ch02_scheduler::{run, schedule, spawn};
//!
//! let log = Rc::new(RefCell::new(Vec::new()));
//! for name in ["A", "B"] {
//!     let log = Rc::clone(&log);
//!     spawn(move || {
//!         log.borrow_mut().push(format!("Hello {name}"));
//!         schedule();
//!         log.borrow_mut().push(format!("Goodbye {name}"));
//!     });
//! }
//! run().unwrap();
//! assert_eq!(*log.borrow(), ["Hello A", "Hello B", "Goodbye A", "Goodbye B"]);
//! ```

mod altstack;
pub mod error;
pub mod hackysack;
pub mod idle;
pub mod park;
pub mod scheduler;
pub mod shared;
mod task_ref;
pub mod tasklet;
pub mod trace;
pub mod watchdog;

pub use error::{BlockedTasklet, Deadlock, Error, TaskletExit, TaskletPanic};
pub use idle::{Idle, IdleHook, wait_on};
pub use park::{Unparker, WaitOn, Wake, park};
pub use scheduler::{
    Builder, RunningStack, catch_tasklet_panic, current, main_tasklet, run, run_count,
    run_watchdog, schedule, schedule_remove, set_idle_hook, spawn, thread_part, with_running_stack,
};
pub use shared::{Occupant, SharedStack};
pub use tasklet::{State, Tasklet, TaskletInfo};
pub use watchdog::{atomic, switch_point};
