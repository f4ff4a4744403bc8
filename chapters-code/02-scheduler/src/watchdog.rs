//! The watchdog: a budget of switch points per turn, and `atomic` sections
//! that it cannot interrupt (rule 16; chapter 4 tells the story).
//!
//! Stackless's watchdog counted interpreter instructions. Rust code cannot
//! be stopped at an arbitrary instruction, but it can be at a *switch
//! point*: a place where a cooperative tasklet could give up control, such
//! as a channel operation or `schedule`. A tasklet that keeps communicating
//! without ever blocking passes many switch points and no switch; with a
//! budget, the scheduler stops it after that many.

use std::cell::Cell;

use crate::scheduler::{Switch, current_yielder, suspend};

thread_local! {
    /// Switch points left in the running tasklet's turn.
    static LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    /// What each turn starts with: `u64::MAX` (no watchdog) outside
    /// `run_watchdog`.
    static PER_TURN: Cell<u64> = const { Cell::new(u64::MAX) };
    /// How deep the running tasklet is in `atomic` sections.
    static ATOMIC: Cell<u32> = const { Cell::new(0) };
    /// The budget ran out inside an `atomic` section.
    static DEFERRED: Cell<bool> = const { Cell::new(false) };
}

pub(crate) fn set_turn_budget(budget: u64) {
    PER_TURN.set(budget);
    LEFT.set(budget);
}

/// The dispatcher resumes a tasklet: a new turn, a full budget.
#[inline(always)]
pub(crate) fn new_turn() {
    LEFT.set(PER_TURN.get());
}

// ANCHOR: switch_point
/// Counts one switch point against the running tasklet's budget; when it
/// is spent, the tasklet is interrupted here and handed to
/// [`run_watchdog`](crate::run_watchdog), unless it is inside [`atomic`].
/// Channel operations and `select` call it; so may any long computation
/// that wants to be interruptible.
#[inline(always)]
pub fn switch_point() {
    let left = LEFT.get().wrapping_sub(1);
    LEFT.set(left);
    if left == 0 {
        budget_spent();
    }
}

#[cold]
#[inline(never)]
fn budget_spent() {
    if ATOMIC.get() > 0 {
        DEFERRED.set(true);
    } else {
        interrupt();
    }
}

/// Hands the running tasklet to `run_watchdog`. Main, the idle hook and an
/// unwinding tasklet are never interrupted.
fn interrupt() {
    let yielder = current_yielder();
    if yielder.is_null() || std::thread::panicking() {
        return;
    }
    // SAFETY: `yielder` is the running tasklet's (read just now), alive
    // while its body runs.
    unsafe { suspend(yielder, Switch::Interrupted) };
}
// ANCHOR_END: switch_point

// ANCHOR: atomic
/// Runs `f` without the watchdog interrupting it (Stackless's `atomic`): a
/// budget spent inside takes effect when the outermost section ends. `f`
/// may still block or yield of its own accord.
pub fn atomic<R>(f: impl FnOnce() -> R) -> R {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            ATOMIC.set(ATOMIC.get() - 1);
        }
    }
    ATOMIC.set(ATOMIC.get() + 1);
    let leave = Leave;
    let result = f();
    drop(leave);
    if ATOMIC.get() == 0 && DEFERRED.replace(false) {
        interrupt();
    }
    result
}
// ANCHOR_END: atomic
