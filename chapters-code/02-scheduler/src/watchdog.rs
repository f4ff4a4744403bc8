//! The watchdog: a budget of switch points per turn, and `atomic` sections
//! that it cannot interrupt (rule 16; chapter 4 tells the story).
//!
//! Stackless's watchdog counted interpreter instructions. Rust code cannot
//! safely be switched away from at an arbitrary instruction, but it can be
//! at a *switch point*: a place where a cooperative tasklet could give up
//! control, such as a channel operation (`schedule` needs none: it gives
//! up control itself). A tasklet that keeps communicating
//! without ever blocking passes many switch points and no switch; with a
//! budget, the scheduler stops it after that many.

use std::cell::Cell;

use crate::scheduler::{Switch, attention_now, current_task, current_yielder, suspend, with_core};
use crate::task_ref::TaskRef;

thread_local! {
    /// Switch points left in the running tasklet's turn.
    static LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    /// What each turn starts with: `u64::MAX` (no watchdog) outside
    /// `run_watchdog`.
    static PER_TURN: Cell<u64> = const { Cell::new(u64::MAX) };
}

pub(crate) fn set_turn_budget(budget: u64) {
    PER_TURN.set(budget);
    LEFT.set(budget);
    // While it watches, the dispatcher gives each turn its budget.
    attention_now();
    // A budget spent inside `atomic` under an earlier watchdog is not this
    // one's to act on.
    with_core(|core| {
        core.main().deferred.set(false);
        for (_, task) in core.live.iter() {
            task.deferred.set(false);
        }
    });
}

/// Whether a watchdog is on (inside `run_watchdog`).
pub(crate) fn watching() -> bool {
    PER_TURN.get() != u64::MAX
}

/// The dispatcher resumes a tasklet: a new turn, a full budget.
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
    // `atomic` belongs to the tasklet, not the thread: one that blocked
    // inside a section shields nobody else.
    let in_atomic = with_core(|core| {
        let current = core.current();
        let in_atomic = current.atomic.get() > 0;
        current.deferred.set(in_atomic);
        in_atomic
    });
    if !in_atomic {
        interrupt();
    }
}
// ANCHOR_END: switch_point

/// Hands the running tasklet to `run_watchdog`. Main, the idle hook and an
/// unwinding tasklet are never interrupted, nor is anyone outside
/// `run_watchdog`.
fn interrupt() {
    let yielder = current_yielder();
    if !watching() || yielder.is_null() || std::thread::panicking() {
        return;
    }
    // SAFETY: `yielder` is the running tasklet's (read just now), alive
    // while its body runs.
    unsafe { suspend(yielder, Switch::Interrupted) };
}

// ANCHOR: atomic
/// Runs `f` without the watchdog interrupting it (Stackless's `atomic`): a
/// budget spent inside takes effect when the outermost section ends. `f`
/// may still block or yield of its own accord.
pub fn atomic<R>(f: impl FnOnce() -> R) -> R {
    struct Leave(TaskRef);
    impl Drop for Leave {
        fn drop(&mut self) {
            self.0.atomic.set(self.0.atomic.get() - 1);
        }
    }
    let me = current_task();
    me.atomic.set(me.atomic.get() + 1);
    let leave = Leave(me);
    let result = f();
    let me = &leave.0;
    let spent = me.atomic.get() == 1 && me.deferred.replace(false);
    drop(leave);
    if spent {
        interrupt();
    }
    result
}
// ANCHOR_END: atomic
