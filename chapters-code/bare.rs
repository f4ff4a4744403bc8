//! A bare scheduler and channel: the smallest versions that work. Chapters
//! 2 and 3 open with them before showing what the real ones add, the
//! benchmarks measure them as yardsticks (what a dispatcher and a
//! rendezvous cost before any of the book's features), and
//! `02-scheduler/tests/bare.rs` and `03-channels/tests/bare.rs` check that
//! they do what the book says.
//!
//! The same shape as chapter 2's scheduler (a dispatcher on the thread's
//! stack resuming tasklets from a `VecDeque` ring, a thread-local yielder
//! for `schedule`) and chapter 3's channel (a queue of waiters, a value
//! handed over in the waiter's slot, the receiver preferred), and nothing
//! else: no poll of an idle hook, no watchdog, no kill, no trace, no
//! deadlock report, no generation-checked `Unparker`, no select, no close,
//! no panics caught. Values are `u64`. Included by path (`#[path]`) from
//! chapters 2 and 3's benchmarks and tests.

#![allow(dead_code)] // each benchmark uses its part

use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use corosensei::{Coroutine, CoroutineResult, Yielder};

// ANCHOR: bare_task
/// Where a suspending tasklet goes: to the end of the ring, or nowhere
/// (it has queued itself on a channel).
#[derive(Clone, Copy)]
enum Switch {
    Requeue,
    Stay,
}

struct Task {
    body: UnsafeCell<Coroutine<(), Switch, ()>>,
    yielder: Cell<*const Yielder<(), Switch>>,
    /// A value handed to this tasklet by a channel, or held for one.
    slot: Cell<Option<u64>>,
}

struct Core {
    ring: VecDeque<Rc<Task>>,
    current: Option<Rc<Task>>,
}
// ANCHOR_END: bare_task

thread_local! {
    // Constant-initialised and without a destructor, as chapter 2's, so
    // that reaching it is a few instructions (the bench's threads end with
    // the ring empty).
    static CORE: UnsafeCell<ManuallyDrop<Core>> = const {
        UnsafeCell::new(ManuallyDrop::new(Core { ring: VecDeque::new(), current: None }))
    };
    static YIELDER: Cell<*const Yielder<(), Switch>> = const { Cell::new(std::ptr::null()) };
}

/// Runs `f` on the scheduler's state.
fn with_core<R>(f: impl FnOnce(&mut Core) -> R) -> R {
    // SAFETY: `f` runs no user code (no resume, no drop of a tasklet's
    // last `Rc`), so it cannot reach `with_core` again: the borrows never
    // overlap.
    CORE.with(|core| f(unsafe { &mut *core.get() }))
}

// ANCHOR: bare_spawn
/// Queues a tasklet running `f`.
pub fn spawn(f: impl FnOnce() + 'static) {
    let task = Rc::new_cyclic(|me: &std::rc::Weak<Task>| {
        let me = me.as_ptr();
        Task {
            body: UnsafeCell::new(Coroutine::new(move |yielder, ()| {
                // SAFETY: the `Task` owns this coroutine, so it is alive
                // while the coroutine runs.
                unsafe { (*me).yielder.set(yielder) };
                YIELDER.set(yielder);
                f()
            })),
            yielder: Cell::new(std::ptr::null()),
            slot: Cell::new(None),
        }
    });
    with_core(|core| core.ring.push_back(task));
}

fn suspend(switch: Switch) {
    let yielder = YIELDER.get();
    assert!(!yielder.is_null(), "only a tasklet can give up its turn");
    // SAFETY: `YIELDER` is set only while a tasklet runs, to its yielder,
    // which lives on its stack while it runs.
    unsafe { (*yielder).suspend(switch) };
}

/// Gives up the turn: to the end of the ring.
pub fn schedule() {
    suspend(Switch::Requeue);
}
// ANCHOR_END: bare_spawn

// ANCHOR: bare_run
/// The dispatcher: runs tasklets until none is runnable.
pub fn run() {
    while let Some(next) = with_core(|core| {
        let next = core.ring.pop_front()?;
        let task = Rc::as_ptr(&next);
        core.current = Some(next);
        Some(task)
    }) {
        // SAFETY: `core.current` keeps the task alive while it runs.
        let task = unsafe { &*next };
        YIELDER.set(task.yielder.get());
        // SAFETY: only the dispatcher touches a body, and never while it
        // runs: this one came off the ring.
        let step = unsafe { &mut *task.body.get() }.resume(());
        YIELDER.set(std::ptr::null());
        let done = with_core(|core| {
            let current = core.current.take().expect("set above");
            match step {
                CoroutineResult::Yield(Switch::Requeue) => core.ring.push_back(current),
                // Queued on a channel, or finished: then dropped out here.
                _ => return Some(current),
            }
            None
        });
        drop(done);
    }
}
// ANCHOR_END: bare_run

// ANCHOR: bare_channel
/// An unbuffered channel of `u64`, preferring the receiver.
#[derive(Default)]
pub struct Channel {
    /// Blocked tasklets, and whether each is a sender.
    waiters: RefCell<VecDeque<(Rc<Task>, bool)>>,
}

impl Channel {
    /// The first waiter, if it is a sender (`senders`) or a receiver.
    fn partner(&self, senders: bool) -> Option<Rc<Task>> {
        let mut waiters = self.waiters.borrow_mut();
        match waiters.front() {
            Some(&(_, sender)) if sender == senders => waiters.pop_front().map(|(t, _)| t),
            _ => None,
        }
    }

    /// Queues the running tasklet as a waiter and suspends it.
    fn wait(&self, sender: bool) -> Rc<Task> {
        let me = with_core(|core| Rc::clone(core.current.as_ref().expect("a tasklet")));
        self.waiters
            .borrow_mut()
            .push_back((Rc::clone(&me), sender));
        suspend(Switch::Stay);
        me
    }
    // ANCHOR_END: bare_channel

    // ANCHOR: bare_send_receive
    /// Hands `value` to a receiver, which runs at once.
    pub fn send(&self, value: u64) {
        match self.partner(false) {
            Some(receiver) => {
                receiver.slot.set(Some(value));
                with_core(|core| core.ring.push_front(receiver));
                schedule();
            }
            None => {
                with_core(|core| {
                    core.current
                        .as_ref()
                        .expect("a tasklet")
                        .slot
                        .set(Some(value))
                });
                self.wait(true);
            }
        }
    }

    /// Takes a value from a sender.
    pub fn receive(&self) -> u64 {
        let value = match self.partner(true) {
            Some(sender) => {
                let value = sender.slot.take();
                with_core(|core| core.ring.push_back(sender));
                value
            }
            None => self.wait(false).slot.take(),
        };
        value.expect("a sender leaves a value")
    }
}
// ANCHOR_END: bare_send_receive
