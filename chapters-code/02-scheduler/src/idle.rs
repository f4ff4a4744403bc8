//! The idle hook: what the scheduler does when nothing is runnable.
//!
//! Without a hook, nothing runnable means nothing will ever be: `run`
//! returns, and a main tasklet that waits gets a deadlock error. A hook
//! knows of waits that the run queue cannot see (timers in chapter 4, I/O
//! readiness in Part IV, other threads in chapter 6): it blocks the thread
//! until one of them fires and unparks its tasklets.

use std::time::Duration;

// ANCHOR: idle
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

// ANCHOR_END: idle

// ANCHOR: hook
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

    /// Like `wait`, but no longer than `timeout` ([`Idle::TimedOut`]). A
    /// hook that wraps another calls it, to wait for both; the default
    /// only polls, and returns at once.
    fn wait_timeout(&mut self, timeout: Duration) -> Idle {
        let _ = timeout;
        self.poll();
        Idle::TimedOut
    }

    /// How long until this hook has work of its own (its earliest timer);
    /// `None` if only an outside event can wake anyone.
    fn next_deadline(&mut self) -> Option<Duration> {
        None
    }

    /// Unparks the tasklets whose sources have fired, without waiting. The
    /// scheduler calls it every few dozen switches, so that a busy thread
    /// still notices an expired timer. The same rules apply as for `wait`.
    fn poll(&mut self) {}
}
// ANCHOR_END: hook

/// Waits on the hook that another one wraps: for at most `timeout`, or as
/// long as it takes if `None`. With no hook there, nothing is pending.
pub fn wait_on(hook: &mut Option<Box<dyn IdleHook>>, timeout: Option<Duration>) -> Idle {
    match (hook, timeout) {
        (Some(hook), None) => hook.wait(),
        (Some(hook), Some(timeout)) => hook.wait_timeout(timeout),
        (None, _) => Idle::Nothing,
    }
}
