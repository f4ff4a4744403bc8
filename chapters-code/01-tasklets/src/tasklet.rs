//! A tasklet: a function with its own stack, an identity and a state.
//!
//! This is still a *manually driven* tasklet: whoever holds it calls
//! [`Tasklet::resume`], and the tasklet gives control back with
//! [`Yielder::suspend`]. Chapter 2 puts a scheduler in charge of resuming.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use corosensei::{Coroutine, CoroutineResult, Yielder};

use crate::stack::{PooledStack, StackError, StackPool};

/// A tasklet's number, unique within its thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskletId(pub u64);

impl TaskletId {
    /// A fresh id from this thread's counter; 0 is kept for a thread's main
    /// tasklet (chapter 2).
    pub fn next() -> TaskletId {
        thread_local!(static NEXT: Cell<u64> = const { Cell::new(1) });
        NEXT.with(|next| {
            let id = next.get();
            next.set(id + 1);
            TaskletId(id)
        })
    }
}

impl fmt::Display for TaskletId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

// ANCHOR: state_enum
/// Where a manually driven tasklet is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Created; its function has not started.
    New,
    /// Started and suspended; [`Tasklet::resume`] continues it.
    Suspended,
    /// Its function returned or panicked; it cannot run again.
    Dead,
}
// ANCHOR_END: state_enum

/// What one [`Tasklet::resume`] ended with.
pub enum Step<Y> {
    /// The tasklet suspended itself with this value.
    Yielded(Y),
    /// The tasklet's function returned.
    Finished,
    /// The tasklet's function panicked with this payload; the tasklet is dead
    /// and its stack is unwound.
    Panicked(Box<dyn Any + Send>),
}

impl<Y: fmt::Debug> fmt::Debug for Step<Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Yielded(y) => f.debug_tuple("Yielded").field(y).finish(),
            Step::Finished => f.write_str("Finished"),
            Step::Panicked(p) => f
                .debug_tuple("Panicked")
                .field(&panic_message(&**p))
                .finish(),
        }
    }
}

/// The text of a panic payload: the message for `panic!("...")`, a
/// placeholder for other payloads.
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "<a panic payload that is not a string>"
    }
}

// ANCHOR: tasklet
/// A function running on its own stack, with an identity.
///
/// `I` is what each [`resume`](Tasklet::resume) passes in, `Y` what each
/// [`suspend`](Yielder::suspend) passes out.
pub struct Tasklet<I = (), Y = ()> {
    id: TaskletId,
    name: Option<Box<str>>,
    /// The body runs under `catch_unwind`, so a panic comes back as a value
    /// rather than unwinding into whoever resumed it.
    coroutine: Coroutine<I, Y, std::thread::Result<()>, PooledStack>,
}

impl<I: 'static, Y: 'static> Tasklet<I, Y> {
    /// A new tasklet that will run `f` on a stack from `pool`. It does not
    /// run until it is resumed; the first resume's input is `f`'s second
    /// argument.
    pub fn new<F>(pool: &StackPool, f: F) -> Result<Tasklet<I, Y>, StackError>
    where
        F: FnOnce(&Yielder<I, Y>, I) + 'static,
    {
        Ok(Tasklet::with_stack_as(TaskletId::next(), pool.get()?, f))
    }

    /// A new tasklet with id `id` that will run `f` on `stack`.
    pub fn with_stack_as<F>(id: TaskletId, stack: PooledStack, f: F) -> Tasklet<I, Y>
    where
        F: FnOnce(&Yielder<I, Y>, I) + 'static,
    {
        let coroutine = Coroutine::with_stack(stack, move |yielder: &Yielder<I, Y>, input| {
            catch_unwind(AssertUnwindSafe(|| f(yielder, input)))
        });
        Tasklet {
            id,
            name: None,
            coroutine,
        }
    }
}
// ANCHOR_END: tasklet

impl<I: 'static, Y: 'static> Tasklet<I, Y> {
    /// A new tasklet that will run `f` on `stack`, with the next id.
    pub fn with_stack<F>(stack: PooledStack, f: F) -> Tasklet<I, Y>
    where
        F: FnOnce(&Yielder<I, Y>, I) + 'static,
    {
        Tasklet::with_stack_as(TaskletId::next(), stack, f)
    }

    /// The same tasklet with a name, used in messages about it.
    pub fn named(mut self, name: impl Into<String>) -> Tasklet<I, Y> {
        self.name = Some(name.into().into_boxed_str());
        self
    }

    /// This tasklet's id.
    pub fn id(&self) -> TaskletId {
        self.id
    }

    /// This tasklet's name, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    // ANCHOR: state
    /// Where the tasklet is in its life, read off the coroutine itself.
    pub fn state(&self) -> State {
        if self.coroutine.done() {
            State::Dead
        } else if self.coroutine.started() {
            State::Suspended
        } else {
            State::New
        }
    }
    // ANCHOR_END: state

    // ANCHOR: resume
    /// Runs the tasklet until it suspends, returns or panics.
    ///
    /// # Panics
    ///
    /// Resuming a dead tasklet is a bug in the caller, and panics saying so.
    #[inline(always)]
    pub fn resume(&mut self, input: I) -> Step<Y> {
        if self.coroutine.done() {
            panic!("tasklet {self} is dead: a finished tasklet cannot be resumed");
        }
        match self.coroutine.resume(input) {
            CoroutineResult::Yield(value) => Step::Yielded(value),
            CoroutineResult::Return(Ok(())) => Step::Finished,
            CoroutineResult::Return(Err(payload)) => Step::Panicked(payload),
        }
    }
    // ANCHOR_END: resume

    /// The stack of a tasklet whose function has returned or panicked, for
    /// another tasklet to run on; `None` (and the tasklet dropped as usual)
    /// if it has not finished.
    pub fn into_stack(self) -> Option<PooledStack> {
        self.coroutine.done().then(|| self.coroutine.into_stack())
    }
}

impl<I, Y> fmt::Display for Tasklet<I, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{} ({name})", self.id),
            None => write!(f, "{}", self.id),
        }
    }
}

impl<I, Y> fmt::Debug for Tasklet<I, Y> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tasklet")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
