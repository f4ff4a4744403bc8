//! Park and unpark: the one way a tasklet waits and is woken.
//!
//! A tasklet that must wait (for a channel partner, a timer, I/O, another
//! thread) calls [`park`], giving each source it waits on an [`Unparker`].
//! Whichever source fires first calls [`Unparker::unpark`]; that puts the
//! tasklet back in the run queue and tells it why it woke. The other
//! unparkers go stale, so a tasklet parked on several sources at once wakes
//! exactly once, and a source that finds a stale unparker simply drops it.

use std::fmt;

use crate::error::Error;
use crate::scheduler::{Switch, Until, current_for_park, hand_off, main_wait, suspend, with_core};
use crate::task_ref::TaskRef;
use crate::tasklet::{State, Tasklet};
use crate::trace::Event;

/// What woke a parked tasklet: a number the waker chooses, such as the
/// index of the channel that became ready in a `select`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Wake(pub usize);

/// What a parked tasklet waits on, for deadlock reports: a description and
/// the number of the object (a channel's id, say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitOn {
    /// What the tasklet is doing, such as `"receive on channel"`.
    pub what: &'static str,
    /// Which object, if there are several of its kind.
    pub id: Option<u64>,
}

impl WaitOn {
    /// A wait with no object number.
    pub const fn new(what: &'static str) -> WaitOn {
        WaitOn { what, id: None }
    }

    /// A wait on object number `id`.
    pub const fn object(what: &'static str, id: u64) -> WaitOn {
        WaitOn { what, id: Some(id) }
    }
}

impl fmt::Display for WaitOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "{} {}", self.what, id),
            None => f.write_str(self.what),
        }
    }
}

/// The right to wake one park of one tasklet, once.
///
/// Clones share that right: the first `unpark` wins, and every later one
/// (from a clone, or after the tasklet woke) does nothing and returns
/// `false`.
#[derive(Clone)]
pub struct Unparker {
    task: TaskRef,
    generation: u64,
}

impl Unparker {
    // ANCHOR: unpark
    /// Wakes the tasklet, at the end of the run queue, if this park of it is
    /// still waiting. Returns whether it did.
    pub fn unpark(&self, wake: Wake) -> bool {
        self.wake_into(wake, |ring, task| ring.push_back(TaskRef::clone(task)))
    }
    // ANCHOR_END: unpark

    /// Like [`unpark`](Unparker::unpark), but the tasklet goes to the *front*
    /// of the run queue, to run as soon as the current tasklet yields. For
    /// hand-overs such as a channel preferring its receiver (chapter 3).
    pub fn unpark_next(&self, wake: Wake) -> bool {
        self.wake_into(wake, |ring, task| ring.push_front(TaskRef::clone(task)))
    }

    // ANCHOR: hand_off
    /// Wakes the tasklet and runs it at once, the caller going to the end
    /// of the run queue: [`unpark_next`](Unparker::unpark_next) followed by
    /// [`schedule`](crate::schedule), in one switch. Where `schedule`
    /// returns at once (in main with nothing else runnable, in the idle
    /// hook, in a tasklet that is unwinding), the tasklet stays first in
    /// the run queue, as after `unpark_next`. Returns whether it woke it.
    pub fn hand_off(&self, wake: Wake) -> bool {
        if !self.wake_into(wake, |_, _| {}) {
            return false;
        }
        hand_off(TaskRef::clone(&self.task));
        true
    }
    // ANCHOR_END: hand_off

    fn wake_into(
        &self,
        wake: Wake,
        place: impl FnOnce(&mut std::collections::VecDeque<TaskRef>, &TaskRef),
    ) -> bool {
        if !self.is_waiting() {
            return false;
        }
        let task = &self.task;
        task.park_generation.set(self.generation + 1);
        task.state.set(State::Scheduled);
        task.wake.set(Some(wake));
        task.waiting_on.set(None);
        with_core(|core| {
            if core.trace.is_some() {
                let waker = core.current().id;
                let event = Event::Unpark {
                    waker,
                    woken: task.id,
                };
                core.trace.as_mut().expect("checked").push(event);
            }
            place(&mut core.ring, task);
        });
        true
    }

    /// Whether the park this unparker belongs to is still waiting.
    pub fn is_waiting(&self) -> bool {
        self.task.park_generation.get() == self.generation
            && self.task.state.get() == State::Blocked
    }

    /// Hints that this tasklet will run soon: the processor starts loading
    /// its record and the top of its stack, so that resuming it does not
    /// wait for memory. With thousands of tasklets, those are far from the
    /// caches by the time each one's turn comes; a channel calls this for
    /// the waiter behind the one it serves. Only a hint: on processors
    /// other than x86-64 it does nothing.
    pub fn prefetch(&self) {
        self.task.prefetch();
    }

    /// The tasklet this unparker wakes.
    pub fn tasklet(&self) -> Tasklet {
        Tasklet::from_task(TaskRef::clone(&self.task))
    }
}

/// Two unparkers are equal when they wake the same park of the same
/// tasklet.
impl PartialEq for Unparker {
    fn eq(&self, other: &Unparker) -> bool {
        TaskRef::ptr_eq(&self.task, &other.task) && self.generation == other.generation
    }
}

impl Eq for Unparker {}

impl fmt::Debug for Unparker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unparker")
            .field("tasklet", &self.task.id)
            .field("waiting", &self.is_waiting())
            .finish()
    }
}

/// Blocks the current tasklet until a source wakes it; returns what woke it.
///
/// `register` runs first and hands an [`Unparker`] to every source that may
/// wake this tasklet; it may even call `unpark` itself, if a source is
/// already ready. It must not switch tasklets (no `schedule`, `park`, `run`
/// or `switch`). `on` says what the tasklet waits on, for deadlock reports.
///
/// If a tasklet panics while main is parked, main's `park` re-raises the
/// panic (rule 6). If main had been unparked before the panic, that wake
/// is not lost: `park` returns it, and main's next scheduler call re-raises
/// the panic instead.
///
/// # Errors
///
/// * [`Error::Deadlock`], in the main tasklet, when nothing is runnable and
///   nothing could ever wake it (rule 7).
/// * [`Error::Unwinding`] when the tasklet is unwinding: it cannot block.
/// * [`Error::ThreadExiting`] in the main tasklet while its thread exits.
/// * [`Error::Reentered`] from the idle hook.
// ANCHOR: park
pub fn park(on: WaitOn, register: impl FnOnce(Unparker)) -> Result<Wake, Error> {
    let task = current_for_park(on)?;
    let generation = task.park_generation.get() + 1;
    task.park_generation.set(generation);
    task.state.set(State::Blocked);
    task.waiting_on.set(Some(on));
    // If `register` panics, the tasklet is running again, not blocked.
    let guard = Unblock(&task);
    register(Unparker {
        task: TaskRef::clone(&task),
        generation,
    });
    std::mem::forget(guard);

    let yielder = task.yielder.get();
    if yielder.is_null() {
        main_wait(Until::MainsTurn).map_err(Error::Deadlock)?;
    } else {
        // SAFETY: the current tasklet's body is running, so its yielder,
        // which lives on its stack, is alive.
        unsafe { suspend(yielder, Switch::Stay) };
    }
    Ok(task
        .wake
        .take()
        .expect("a tasklet resumes from park only when unparked"))
}
// ANCHOR_END: park

/// Undoes a park whose registration panicked.
struct Unblock<'a>(&'a TaskRef);

impl Drop for Unblock<'_> {
    fn drop(&mut self) {
        let task = self.0;
        task.park_generation.set(task.park_generation.get() + 1);
        task.waiting_on.set(None);
        if task.state.get() == State::Scheduled {
            // Already unparked by `register` before it panicked.
            with_core(|core| core.ring.retain(|t| !TaskRef::ptr_eq(t, task)));
        }
        task.state.set(State::Current);
    }
}
