//! The idle hook: what the scheduler does when nothing is runnable.
//!
//! Without a hook, nothing runnable means nothing will ever be: `run`
//! returns, and a main tasklet that waits gets a deadlock error. A hook
//! knows of waits that the run queue cannot see (timers in chapter 4, I/O
//! readiness in Part IV, other threads in chapter 6): it blocks the thread
//! until one of them fires and unparks its tasklets.

use std::time::Duration;

// ANCHOR: hook
/// What the idle hook found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// It waited, and woke at least one tasklet (or may have: the scheduler
    /// looks again).
    Woke,
    /// The time it was given to wait ran out, and no source fired
    /// ([`IdleHook::wait_timeout`]).
    TimedOut,
    /// No source it knows of could ever wake anyone.
    Nothing,
}

/// Something the scheduler can wait on when no tasklet is runnable.
pub trait IdleHook {
    /// Blocks the thread until a source this hook knows fires, unparks the
    /// tasklets waiting on it and returns [`Idle::Woke`]; or returns
    /// [`Idle::Nothing`] at once if no source is pending.
    ///
    /// It runs on the main tasklet's stack, inside the dispatcher: it may
    /// unpark tasklets but not switch to them (`schedule` returns at once;
    /// `run`, `park` and the like fail with `Error::Reentered`).
    fn wait(&mut self) -> Idle;

    /// Like [`wait`](IdleHook::wait), but blocks no longer than `timeout`,
    /// and returns [`Idle::TimedOut`] if nothing fired meanwhile. The
    /// scheduler never calls it; a hook that wraps another does, to wait for
    /// both (a timer of its own, and the other's sources). The default
    /// cannot wait with a limit: it polls, and returns at once.
    fn wait_timeout(&mut self, timeout: Duration) -> Idle {
        let _ = timeout;
        self.poll();
        Idle::TimedOut
    }

    /// How long the thread may block before this hook has work of its own,
    /// with no event from outside: the time to its earliest timer. `None`
    /// when only an outside event could wake anyone. A hook that wraps
    /// another asks it, so that it does not block past the other's timers.
    fn next_deadline(&mut self) -> Option<Duration> {
        None
    }

    /// Unparks the tasklets whose sources have fired meanwhile, without
    /// waiting. The scheduler calls it now and then while tasklets are
    /// runnable (every few dozen switches), so that a busy thread still
    /// notices an expired timer. The same rules apply as for `wait`.
    fn poll(&mut self) {}
}
// ANCHOR_END: hook
