//! The tasklet handle and what can be done to a tasklet from outside.

use std::any::Any;
use std::fmt;

use ch01_tasklets::TaskletId;

use crate::error::{Error, TaskletExit};
use crate::scheduler::{Caller, Task, check_switch, run_target, with_core};
use crate::task_ref::TaskRef;

// ANCHOR: state
/// Where a tasklet is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// In the run queue: runnable, waiting for its turn. A new tasklet
    /// starts here.
    Scheduled,
    /// Running now.
    Current,
    /// Parked: waiting on a channel, a timer, I/O…, until an unpark.
    Blocked,
    /// Alive but in no queue: taken out with `remove` or left by `switch`,
    /// until `insert` or `run` puts it back.
    Paused,
    /// Its function returned or panicked.
    Dead,
}
// ANCHOR_END: state

/// A handle to a tasklet. Clones refer to the same tasklet.
///
/// Tasklets never leave the thread they were created on, and the handle
/// makes that a compile-time guarantee: it is neither `Send` nor `Sync`.
///
/// ```compile_fail
/// let t = ch02_scheduler::spawn(|| {});
/// std::thread::spawn(move || drop(t)); // error: `Tasklet` cannot be sent
/// ```
pub struct Tasklet(pub(crate) TaskRef);

// ANCHOR: handles
impl Tasklet {
    /// A new handle to `task`; the scheduler counts them (rule 15).
    pub(crate) fn from_task(task: TaskRef) -> Tasklet {
        task.handles.set(task.handles.get() + 1);
        Tasklet(task)
    }
}

impl Clone for Tasklet {
    fn clone(&self) -> Tasklet {
        Tasklet::from_task(TaskRef::clone(&self.0))
    }
}

impl Drop for Tasklet {
    /// Dropping the last handle of a paused tasklet (alive, in no queue)
    /// leaves nobody who could ever run it again: it is killed at the next
    /// switch, so that its destructors run (rule 15).
    fn drop(&mut self) {
        let handles = self.0.handles.get() - 1;
        self.0.handles.set(handles);
        if handles == 0 && self.0.state.get() == State::Paused && !self.0.is_main() {
            let replaced = self.0.raise.replace(Some(Box::new(TaskletExit)));
            drop(replaced); // user code, which may have moved the tasklet
            match self.0.state.get() {
                State::Dead => {}
                State::Paused => {
                    self.0.raising.set(true);
                    self.0.state.set(State::Scheduled);
                    with_core(|core| core.ring.push_front(TaskRef::clone(&self.0)));
                }
                _ => self.0.raising.set(true),
            }
        }
    }
}
// ANCHOR_END: handles

/// A tasklet's identity, kept in errors and reports: its id and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskletInfo {
    /// The tasklet's id (0 for the main tasklet).
    pub id: TaskletId,
    /// Its name, if it was given one.
    pub name: Option<String>,
}

impl fmt::Display for TaskletInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{} ({name})", self.id),
            None => write!(f, "{}", self.id),
        }
    }
}

impl Tasklet {
    /// The tasklet's id, unique within its thread; the main tasklet's is 0.
    pub fn id(&self) -> TaskletId {
        self.0.id
    }

    /// The tasklet's name, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Its id and name, to keep.
    pub fn describe(&self) -> TaskletInfo {
        self.0.describe()
    }

    /// Where the tasklet is in its life.
    pub fn state(&self) -> State {
        self.0.state.get()
    }

    /// Whether its function has begun to run.
    pub fn started(&self) -> bool {
        self.0.started()
    }

    /// Whether it is the thread's main tasklet.
    pub fn is_main(&self) -> bool {
        self.0.is_main()
    }

    /// Hints that the tasklet will run soon: the processor starts loading
    /// its record and the top of its stack, as a channel does for the
    /// waiter behind the one it serves. Worth calling a turn or two ahead
    /// when many tasklets take turns in an order the caller knows. Only a
    /// hint: it changes nothing, and does nothing off x86-64.
    pub fn prefetch(&self) {
        self.0.prefetch();
    }

    // ANCHOR: remove_insert
    /// Takes the tasklet out of the run queue; it stays alive, paused, until
    /// [`insert`](Tasklet::insert) or [`run`](Tasklet::run) (rule 4).
    /// Removing a paused tasklet does nothing.
    ///
    /// # Errors
    ///
    /// The current tasklet cannot be removed (use [`switch`](Tasklet::switch)
    /// to stop running), nor a blocked one (its waker owns it), nor a dead
    /// one, nor the main tasklet, which drives the scheduler.
    pub fn remove(&self) -> Result<(), Error> {
        if self.is_main() {
            return Err(Error::Main { call: "remove" });
        }
        let removed = with_core(|core| match self.state() {
            State::Scheduled => {
                let at = core.ring.iter().position(|t| TaskRef::ptr_eq(t, &self.0));
                self.0.state.set(State::Paused);
                Ok(at.and_then(|i| core.ring.remove(i)))
            }
            State::Paused => Ok(None),
            _ => Err(self.misuse("remove")),
        })?;
        drop(removed); // outside the borrow: dropping a handle is user-visible
        Ok(())
    }

    /// Puts a paused tasklet back at the end of the run queue (rule 4).
    /// Inserting a runnable or the current tasklet does nothing.
    ///
    /// # Errors
    ///
    /// A blocked or a dead tasklet cannot be inserted.
    pub fn insert(&self) -> Result<(), Error> {
        with_core(|core| match self.state() {
            State::Paused => {
                self.0.state.set(State::Scheduled);
                core.ring.push_back(TaskRef::clone(&self.0));
                Ok(())
            }
            State::Scheduled | State::Current => Ok(()),
            State::Blocked | State::Dead => Err(self.misuse("insert")),
        })
    }
    // ANCHOR_END: remove_insert

    /// Runs this tasklet now (rule 5). The scheduler's place in the ring
    /// moves to it: the tasklets queued after it run next, then the caller,
    /// then those that were queued before it. A paused tasklet is inserted
    /// just before the caller.
    ///
    /// # Errors
    ///
    /// A blocked or dead tasklet cannot run, nor can an unwinding tasklet
    /// switch away. From the main tasklet, [`Error::Deadlock`] when main was
    /// removed from the queue meanwhile and nothing is left to run.
    ///
    /// # Panics
    ///
    /// From the main tasklet, re-raises a tasklet's panic (rule 6).
    pub fn run(&self) -> Result<(), Error> {
        self.check_can_run("run")?;
        run_target(&self.0, Caller::Rotate, "run")
    }

    /// Like [`run`](Tasklet::run), but the caller is left paused, in no
    /// queue, until someone inserts or runs it again.
    ///
    /// # Errors
    ///
    /// As for `run`; and in the main tasklet, [`Error::Deadlock`] when every
    /// tasklet ends or blocks and nobody put main back.
    pub fn switch(&self) -> Result<(), Error> {
        self.check_can_run("switch")?;
        run_target(&self.0, Caller::Pause, "switch")
    }

    // ANCHOR: raise
    /// Makes the tasklet unwind from where it is suspended, with `payload`
    /// as its panic, and runs it now (Stackless's `raise_exception`, and
    /// the mechanism of chapter 4's `kill`). A blocked tasklet's park is
    /// cancelled first; one that never started unwinds before its function
    /// runs. The caller runs next, unless the tasklet panics with
    /// something other than [`TaskletExit`]: that is re-raised in main
    /// (rule 6). Raising in the current tasklet unwinds it at once.
    ///
    /// # Errors
    ///
    /// A dead tasklet and the main tasklet cannot be raised in; an
    /// unwinding tasklet cannot raise in another, nor can the idle hook
    /// (use [`raise_pending`](Tasklet::raise_pending)). A refused call
    /// changes nothing.
    pub fn raise(&self, payload: Box<dyn Any + Send>) -> Result<(), Error> {
        if self.is_main() {
            return Err(Error::Main { call: "raise" });
        }
        match self.state() {
            State::Dead => return Err(self.misuse("raise")),
            State::Current => std::panic::resume_unwind(payload),
            _ => check_switch("raise")?,
        }
        self.cancel_park();
        let replaced = self.0.raise.replace(Some(payload));
        self.0.raising.set(true);
        drop(replaced); // user code, which may even end the tasklet: checked again below
        run_target(&self.0, Caller::Next, "raise")
    }
    // ANCHOR_END: raise

    /// Like [`raise`](Tasklet::raise), but without switching: the tasklet
    /// unwinds when its turn comes (Stackless's `pending=True`). A blocked
    /// or paused tasklet goes to the end of the run queue; a queued one
    /// keeps its place. Allowed where a switch is
    /// not: from the idle hook, and from a tasklet that is unwinding. The
    /// current tasklet unwinds when it is next resumed.
    ///
    /// # Errors
    ///
    /// A dead tasklet and the main tasklet cannot be raised in.
    pub fn raise_pending(&self, payload: Box<dyn Any + Send>) -> Result<(), Error> {
        if self.is_main() {
            return Err(Error::Main {
                call: "raise_pending",
            });
        }
        if self.state() == State::Dead {
            return Err(self.misuse("raise_pending"));
        }
        self.cancel_park();
        self.0.raise.set(Some(payload));
        self.0.raising.set(true);
        if self.state() == State::Paused {
            self.0.state.set(State::Scheduled);
            with_core(|core| core.ring.push_back(TaskRef::clone(&self.0)));
        }
        Ok(())
    }

    /// Cancels the park of a blocked tasklet, leaving it paused: whoever
    /// holds an `Unparker` for it now holds a stale one, which wakes nobody.
    fn cancel_park(&self) {
        let task = &self.0;
        if task.state.get() == State::Blocked {
            task.park_generation.set(task.park_generation.get() + 1);
            task.waiting_on.set(None);
            task.state.set(State::Paused);
        }
    }

    fn check_can_run(&self, call: &'static str) -> Result<(), Error> {
        match self.state() {
            State::Blocked | State::Dead => Err(self.misuse(call)),
            _ => Ok(()),
        }
    }

    fn misuse(&self, call: &'static str) -> Error {
        self.0.misuse(call)
    }
}

impl Task {
    /// The error for `call` applied to this tasklet in a state that forbids
    /// it.
    pub(crate) fn misuse(&self, call: &'static str) -> Error {
        let tasklet = self.describe();
        match self.state.get() {
            State::Dead => Error::Dead { call, tasklet },
            State::Blocked => Error::Blocked {
                call,
                tasklet,
                waiting_on: self.waiting_on.get(),
            },
            State::Current => Error::RemoveCurrent { tasklet },
            state @ (State::Scheduled | State::Paused) => {
                unreachable!("{call} is allowed on a {state:?} tasklet")
            }
        }
    }
}

impl PartialEq for Tasklet {
    fn eq(&self, other: &Tasklet) -> bool {
        TaskRef::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Tasklet {}

impl fmt::Debug for Tasklet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tasklet")
            .field("id", &self.0.id)
            .field("name", &self.0.name)
            .field("state", &self.state())
            .finish()
    }
}

impl fmt::Display for Tasklet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe().fmt(f)
    }
}
