//! What can go wrong, said so that the reader knows what to do.

use std::any::Any;
use std::fmt;

use ch01_tasklets::{StackError, panic_message};

use crate::park::WaitOn;
use crate::tasklet::TaskletInfo;

/// Misuse of the scheduler, a stack that cannot be had, or a deadlock.
#[derive(Debug)]
pub enum Error {
    /// A call that only the main tasklet may make came from another one.
    NotMain {
        /// The call, such as `"run"`.
        call: &'static str,
        /// The tasklet that made it.
        tasklet: TaskletInfo,
    },
    /// The idle hook called something that would switch tasklets.
    Reentered {
        /// The call it made.
        call: &'static str,
    },
    /// The tasklet is dead.
    Dead {
        /// The call refused.
        call: &'static str,
        /// The dead tasklet.
        tasklet: TaskletInfo,
    },
    /// The tasklet is blocked: only what it waits on may make it runnable.
    Blocked {
        /// The call refused.
        call: &'static str,
        /// The blocked tasklet.
        tasklet: TaskletInfo,
        /// What it waits on.
        waiting_on: Option<WaitOn>,
    },
    /// The call does not apply to the main tasklet.
    Main {
        /// The call refused.
        call: &'static str,
    },
    /// `remove` was called on the running tasklet.
    RemoveCurrent {
        /// The running tasklet.
        tasklet: TaskletInfo,
    },
    /// A call that would block came from a tasklet that is unwinding.
    Unwinding {
        /// The call refused.
        call: &'static str,
    },
    /// The thread is exiting: its tasklets are being killed (rule 18), and
    /// it starts no new ones.
    ThreadExiting {
        /// The call refused.
        call: &'static str,
    },
    /// No stack could be had for a new tasklet.
    Stack(StackError),
    /// The main tasklet waits and nothing could ever wake it.
    Deadlock(Deadlock),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotMain { call, tasklet } => write!(
                f,
                "{call}() must be called from the main tasklet, but tasklet {tasklet} called it; \
                 only the thread's own stack drives the scheduler"
            ),
            Error::Reentered { call } => write!(
                f,
                "the idle hook called {call}(), which would re-enter the dispatcher; \
                 an idle hook may unpark tasklets but not switch to them"
            ),
            Error::Dead { call, tasklet } => {
                write!(f, "cannot {call} tasklet {tasklet}: it is dead (rule 4)")
            }
            Error::Blocked {
                call,
                tasklet,
                waiting_on,
            } => {
                write!(f, "cannot {call} tasklet {tasklet}: it is blocked")?;
                if let Some(on) = waiting_on {
                    write!(f, " ({on})")?;
                }
                write!(f, "; only what it waits on may wake it (rule 4)")
            }
            Error::Main { call } => write!(
                f,
                "cannot {call} the main tasklet: it drives the scheduler (rule 4 applies to \
                 other tasklets)"
            ),
            Error::RemoveCurrent { tasklet } => write!(
                f,
                "cannot remove tasklet {tasklet}: it is the one running (rule 5); \
                 to stop running, switch() to another tasklet or park()"
            ),
            Error::Unwinding { call } => write!(
                f,
                "cannot {call}() while the tasklet is unwinding: a dying tasklet must not block"
            ),
            Error::ThreadExiting { call } => write!(
                f,
                "cannot {call}(): this thread is exiting and its tasklets are being killed \
                 (rule 18); start tasklets before the thread's function returns"
            ),
            Error::Stack(e) => write!(f, "cannot create a tasklet: {e}"),
            Error::Deadlock(d) => d.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Stack(e) => Some(e),
            _ => None,
        }
    }
}

/// A blocked tasklet and what it waits on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedTasklet {
    /// The tasklet.
    pub tasklet: TaskletInfo,
    /// What it waits on, as its `park` said.
    pub waiting_on: Option<WaitOn>,
}

// ANCHOR: deadlock
/// The main tasklet waits, nothing is runnable, and nothing could ever wake
/// anyone: every blocked tasklet, main included, and what it waits on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlock {
    /// The blocked tasklets, by id.
    pub blocked: Vec<BlockedTasklet>,
}

impl fmt::Display for Deadlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "deadlock: the main tasklet is waiting, no tasklet can run, and nothing could wake one"
        )?;
        for b in &self.blocked {
            write!(f, "\n  tasklet {}: ", b.tasklet)?;
            match b.waiting_on {
                Some(on) => write!(f, "blocked on {on}")?,
                None => write!(f, "blocked")?,
            }
        }
        Ok(())
    }
}
// ANCHOR_END: deadlock

/// A panic, and the tasklet it came from: what
/// [`catch_tasklet_panic`](crate::catch_tasklet_panic) returns.
///
/// A tasklet's panic is re-raised in the main tasklet (rule 6) with its
/// own payload, so `catch_unwind` and `downcast` see just what the tasklet
/// panicked with; `catch_tasklet_panic` also says which tasklet it was.
pub struct TaskletPanic {
    /// The tasklet that panicked.
    pub tasklet: TaskletInfo,
    /// What it panicked with.
    pub payload: Box<dyn Any + Send>,
}

impl TaskletPanic {
    pub(crate) fn new(tasklet: TaskletInfo, payload: Box<dyn Any + Send>) -> TaskletPanic {
        TaskletPanic { tasklet, payload }
    }

    /// The panic's message, if it was a string.
    pub fn message(&self) -> &str {
        panic_message(&*self.payload)
    }
}

impl fmt::Display for TaskletPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tasklet {} panicked: {}", self.tasklet, self.message())
    }
}

impl fmt::Debug for TaskletPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskletPanic")
            .field("tasklet", &self.tasklet)
            .field("message", &self.message())
            .finish()
    }
}

// ANCHOR: tasklet_exit
/// The panic payload a killed tasklet unwinds with (Stackless's
/// `TaskletExit`). A tasklet whose body ends unwinding with it simply dies:
/// the scheduler does not re-raise it in main.
///
/// Code that catches panics (`catch_unwind`) sees a kill like any other
/// panic; it should let this one go on with `resume_unwind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskletExit;
// ANCHOR_END: tasklet_exit
