//! Tasklets on a stack they share: the scheduler's side of chapter 11.
//!
//! A tasklet spawned with [`Builder::spawn_on`](crate::Builder::spawn_on)
//! owns no stack. It runs on a [`SharedStack`] that other tasklets take
//! turns on, and the stack keeps each one's bytes elsewhere while another
//! runs. Before each of its turns, the dispatcher's rare path (`attend`,
//! which every resume takes while such a tasklet lives on the thread) asks
//! the stack to swap its bytes back in, from the dispatcher's own stack,
//! where no tasklet runs. Its coroutine is made on its first turn, since
//! corosensei writes a coroutine's first frame as soon as it makes it.
//!
//! Every suspend notes the tasklet's stack pointer in its record, so that
//! a stack keeps only the bytes in use ([`Occupant::lowest_used`]). That
//! store is all that tasklets with stacks of their own pay for this.

use std::cell::{Cell, RefCell, RefMut};
use std::fmt;
use std::rc::Rc;
use std::sync::OnceLock;

use ch01_tasklets::{PooledStack, TaskletId};

use crate::scheduler::{Body, Task, TaskYielder};
use crate::task_ref::TaskRef;

// ANCHOR: shared_stack
/// A stack that tasklets take turns on, rather than each owning one
/// (chapter 11's `SharedRegion`). Spawn a tasklet on it with
/// [`Builder::spawn_on`](crate::Builder::spawn_on).
///
/// # Safety
///
/// The scheduler runs tasklets on this memory, so an implementation
/// promises that:
/// - [`lend`](SharedStack::lend) returns loans of one and the same stack,
///   which stays mapped while the value lives;
/// - after [`swap_in`](SharedStack::swap_in), the bytes from the incoming
///   tasklet's [`lowest_used`](Occupant::lowest_used) address up to the
///   stack's top are those it left there at its last suspend, whoever ran
///   on the stack since;
/// - no method runs a tasklet or calls the scheduler. (A method may drop
///   an [`Occupant`], which may free a tasklet's record; the dispatcher
///   calls them while no tasklet runs.)
pub unsafe trait SharedStack: fmt::Debug {
    /// The stack, lent to the coroutine of a tasklet on it
    /// ([`PooledStack::lend`]).
    ///
    /// # Safety
    ///
    /// As for [`PooledStack::lend`]: whenever a coroutine on the loan is
    /// made, runs or unwinds, the bytes above its stack pointer are its own
    /// (the dispatcher swaps them in first). A loan in safe hands could make
    /// a coroutine over another tasklet's frames.
    unsafe fn lend(&self) -> PooledStack;
    /// Makes `incoming`'s bytes the ones on the stack, keeping those of the
    /// tasklet that ran on it last. The dispatcher calls it before each of
    /// `incoming`'s turns (a kill's unwinding included), from its own stack.
    fn swap_in(&self, incoming: &Occupant);
    /// `leaving` has finished: nothing of its bytes needs keeping.
    fn vacate(&self, leaving: &Occupant);
}
// ANCHOR_END: shared_stack

/// A tasklet on a shared stack, as its stack sees it.
#[derive(Clone)]
pub struct Occupant(TaskRef);

impl Occupant {
    /// The tasklet's id.
    pub fn id(&self) -> TaskletId {
        self.0.id
    }

    // ANCHOR: lowest_used
    /// The lowest address of the stack that the tasklet's frames used when
    /// it last suspended: its stack pointer then, less what the switch
    /// itself writes below it ([`switch_depth`]). Below it, nothing of the
    /// tasklet's is alive. `None` if it has not suspended yet.
    pub fn lowest_used(&self) -> Option<usize> {
        let at = self.0.suspended_at.get();
        // Where the stack pointer cannot be read, the whole stack counts.
        let exact = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        (at != 0).then(|| if exact { at - switch_depth() } else { 0 })
    }
    // ANCHOR_END: lowest_used

    /// Where its stack keeps its bytes while another tasklet's are there.
    pub fn saved(&self) -> RefMut<'_, Vec<u8>> {
        TaskRef::shared_part(&self.0)
            .expect("an occupant was spawned on a shared stack")
            .saved
            .borrow_mut()
    }

    /// Whether `self` and `other` are the same tasklet.
    pub fn is(&self, other: &Occupant) -> bool {
        TaskRef::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for Occupant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Occupant({})", self.id())
    }
}

/// A tasklet's function as its body runs it, until its first turn makes
/// the coroutine.
pub(crate) type Start = Box<dyn FnOnce(&TaskYielder, bool)>;

thread_local! {
    /// How many tasklets on shared stacks this thread holds.
    static ALIVE: Cell<usize> = const { Cell::new(0) };
}

/// Whether this thread holds a tasklet on a shared stack: then `attend`
/// sees every resume.
#[inline]
pub(crate) fn any_alive() -> bool {
    ALIVE.get() != 0
}

/// The part of a record that only a tasklet on a shared stack has.
pub(crate) struct Shared {
    stack: Rc<dyn SharedStack>,
    saved: RefCell<Vec<u8>>,
    /// Its function, until its first turn makes the coroutine.
    start: Cell<Option<Start>>,
    /// Whether it counts in `ALIVE`: from its spawn to its end.
    alive: Cell<bool>,
}

impl Shared {
    pub(crate) fn new(stack: Rc<dyn SharedStack>) -> Shared {
        ALIVE.set(ALIVE.get() + 1);
        Shared {
            stack,
            saved: RefCell::default(),
            start: Cell::new(None),
            alive: Cell::new(true),
        }
    }

    pub(crate) fn set_start(&self, start: Start) {
        self.start.set(Some(start));
    }

    // ANCHOR: first_turn
    /// Before `task`'s turn: swaps its bytes in, and on its first turn
    /// makes its coroutine, on a stack that now holds no one else's frames.
    pub(crate) fn swap_in(&self, task: &Task) {
        // A dead tasklet left in the ring has nothing to swap in.
        if !self.alive.get() {
            return;
        }
        self.stack.swap_in(&Occupant(TaskRef::to(task)));
        if let Some(start) = self.start.take() {
            // SAFETY: the stack was just given this tasklet's bytes (none
            // yet), and every later turn of the coroutine, or its
            // unwinding, comes after a swap-in like this one.
            let lent = unsafe { self.stack.lend() };
            let body = Body::with_stack_as(task.id, lent, start);
            // SAFETY: only the dispatcher touches a body, and never while it
            // runs; this tasklet has none yet.
            unsafe { *task.body.get() = Some(body) };
        }
    }
    // ANCHOR_END: first_turn

    /// `task` has finished: its bytes need no keeping.
    pub(crate) fn retire(&self, task: &Task) {
        self.stack.vacate(&Occupant(TaskRef::to(task)));
        self.saved.take();
        self.leave();
    }

    /// No longer counts among the thread's live tasklets on shared stacks.
    fn leave(&self) {
        if self.alive.replace(false) {
            ALIVE.set(ALIVE.get() - 1);
        }
    }
}

impl Drop for Shared {
    /// A record freed unfinished (a thread's survivor) leaves the count too.
    fn drop(&mut self) {
        self.leave();
    }
}

/// What gives each thread its default shared stack, once a program asked
/// for every tasklet to share stacks.
#[cfg(feature = "shared-by-default")]
static DEFAULT: OnceLock<fn() -> Rc<dyn SharedStack>> = OnceLock::new();

#[cfg(feature = "shared-by-default")]
thread_local! {
    /// This thread's default shared stack, made on its first spawn.
    static THREAD_DEFAULT: std::cell::OnceCell<Rc<dyn SharedStack>> =
        const { std::cell::OnceCell::new() };
}

/// Runs every tasklet spawned from now on with [`spawn`](crate::spawn) or
/// [`Builder::spawn`](crate::Builder::spawn), on every thread, on a shared
/// stack: each thread's first spawn calls `make` for the one its tasklets
/// will share. Chapter 11's tests run the whole behaviour suite so (the
/// feature `shared-by-default`, off unless they build the crate, keeps the
/// test out of everyone else's `spawn`). Only the first call counts.
///
/// # Safety
///
/// [`Builder::spawn_on`](crate::Builder::spawn_on)'s promise, for every
/// tasklet the program spawns from now on.
#[cfg(feature = "shared-by-default")]
pub unsafe fn share_stacks_by_default(make: fn() -> Rc<dyn SharedStack>) {
    let _ = DEFAULT.set(make);
}

/// This thread's default shared stack, if the program asked for one.
#[cfg(feature = "shared-by-default")]
#[inline]
pub(crate) fn default_stack() -> Option<Rc<dyn SharedStack>> {
    let make = DEFAULT.get()?;
    Some(THREAD_DEFAULT.with(|stack| Rc::clone(stack.get_or_init(make))))
}

/// The stack pointer where it is read: what a suspend notes.
#[inline(always)]
pub(crate) fn stack_pointer() -> usize {
    let sp: usize;
    // SAFETY: reads a register; touches no memory.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    // SAFETY: as above.
    #[cfg(target_arch = "aarch64")]
    unsafe {
        std::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
    };
    // Elsewhere, only "it has suspended": `lowest_used` then keeps the
    // whole stack.
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        sp = 1;
    }
    sp
}

/// How far below the stack pointer noted at a suspend the switch itself
/// writes: corosensei's saved registers, and the frame of its `suspend`
/// where that is not inlined. Measured once, by a probe coroutine that
/// suspends over a stack filled with a pattern.
pub fn switch_depth() -> usize {
    static DEPTH: OnceLock<usize> = OnceLock::new();
    *DEPTH.get_or_init(probe::deepest_write)
}

/// The measurement behind [`switch_depth`]: the only `unsafe` code here
/// that touches memory.
mod probe {
    use std::cell::Cell;
    use std::rc::Rc;

    use ch01_tasklets::{StackPool, Step, Yielder};

    use super::stack_pointer;
    use crate::scheduler::{Body, Switch, TaskYielder};

    /// Suspends a probe coroutine over a stack filled with a pattern, the
    /// way a tasklet suspends, and finds the lowest byte the switch
    /// changed. The probe calls corosensei's `suspend` out of line, as a
    /// call site that does not inline it would: the deeper of the two.
    pub(super) fn deepest_write() -> usize {
        const AREA: usize = 64 * 1024;
        let pool = StackPool::new(AREA);
        let mut deepest = 0;
        for pattern in [0xA5, 0x5A] {
            let stack = pool.get().expect("a 64 KiB stack for the probe");
            let (low, top) = (stack.usable_bottom(), stack.top());
            // Under Valgrind, a reused stack's dead bytes are off limits.
            ch01_tasklets::valgrind::mark_defined(low, top - low);
            // SAFETY: `low..top` is the stack's usable memory, mapped and
            // writable, and no coroutine runs on it yet.
            unsafe { std::ptr::write_bytes(low as *mut u8, pattern, top - low) };
            let noted = Rc::new(Cell::new(0));
            let note = Rc::clone(&noted);
            let mut probe = Body::with_stack(stack, move |yielder, _| {
                note.set(stack_pointer());
                let suspend: fn(&TaskYielder, Switch) -> bool = Yielder::suspend;
                std::hint::black_box(suspend)(yielder, Switch::Stay);
            });
            assert!(matches!(probe.resume(false), Step::Yielded(_)));
            // The bytes below the probe's stack pointer are dead to Valgrind:
            // they are read here only to compare them with the pattern.
            ch01_tasklets::valgrind::mark_defined(low, top - low);
            // SAFETY: the memory is mapped and readable, and the probe is
            // suspended: nothing writes it while it is read.
            let area = unsafe { std::slice::from_raw_parts(low as *const u8, top - low) };
            let lowest = low
                + area
                    .iter()
                    .position(|&b| b != pattern)
                    .unwrap_or(area.len());
            deepest = deepest.max(noted.get().saturating_sub(lowest));
            assert!(matches!(probe.resume(false), Step::Finished));
        }
        deepest.next_multiple_of(16)
    }
}
