//! Tasklets on a stack they share: the scheduler's side of chapter 11.
//!
//! A tasklet spawned with [`Builder::spawn_on`](crate::Builder::spawn_on) owns
//! no stack. It runs on a [`SharedStack`] that other tasklets take turns
//! on, and the stack keeps each one's bytes elsewhere while another runs.
//! The dispatcher asks the stack to swap the tasklet's bytes in before each
//! of its turns, from its own stack, where no tasklet is running. The
//! tasklet's coroutine is made on its first turn, as corosensei writes a
//! coroutine's first frame as soon as it makes it.
//!
//! Every suspend notes the tasklet's stack pointer in its record (a store
//! each tasklet makes, the only cost to those that own their stacks), so
//! that a stack keeps only the bytes in use: [`Occupant::lowest_used`].

use std::cell::{Cell, RefCell, RefMut, UnsafeCell};
use std::fmt;
use std::rc::Rc;
use std::sync::OnceLock;

use ch01_tasklets::{Step, TaskletId};
use corosensei::stack::{Stack, StackPointer};

use crate::scheduler::{Switch, Task, TaskYielder};
use crate::task_ref::TaskRef;

/// A stack that tasklets take turns on, rather than each owning one
/// (chapter 11's `Region`). Spawn a tasklet on it with
/// [`Builder::spawn_on`](crate::Builder::spawn_on).
///
/// # Safety
///
/// The scheduler runs tasklets on this memory, so an implementation
/// promises that:
/// - `guard_start..usable_bottom` is an inaccessible guard page, and
///   `usable_bottom..top` mapped, readable and writable memory of at least
///   corosensei's `MIN_STACK_SIZE` bytes, both ends aligned to 16; the three
///   never change, and the memory stays mapped while the value lives;
/// - after [`swap_in`](SharedStack::swap_in), the bytes from the incoming
///   tasklet's [`lowest_used`](Occupant::lowest_used) up to `top` are those
///   it left there at its last suspend, whoever ran on the stack since;
/// - neither method runs a tasklet or calls the scheduler.
pub unsafe trait SharedStack: fmt::Debug {
    /// The guard page's first byte.
    fn guard_start(&self) -> usize;
    /// The lowest usable byte.
    fn usable_bottom(&self) -> usize;
    /// One past the highest usable byte.
    fn top(&self) -> usize;
    /// Makes `incoming`'s bytes the ones on the stack, keeping those of the
    /// tasklet that ran on it last. The dispatcher calls it before each of
    /// `incoming`'s turns (and before it kills or unwinds it), from its own
    /// stack.
    fn swap_in(&self, incoming: &Occupant);
    /// `leaving` has finished: nothing of its bytes needs keeping.
    fn vacate(&self, leaving: &Occupant);
}

/// A tasklet on a shared stack, as its stack sees it.
#[derive(Clone)]
pub struct Occupant(TaskRef);

impl Occupant {
    /// The tasklet's id.
    pub fn id(&self) -> TaskletId {
        self.0.id
    }

    /// The lowest address of the stack that the tasklet's frames used when
    /// it last suspended: its stack pointer then, less what the switch
    /// itself writes below it ([`switch_depth`]). Below it, nothing of the
    /// tasklet's is alive. `None` if it has not suspended yet.
    pub fn lowest_used(&self) -> Option<usize> {
        let at = self.0.suspended_at.get();
        (at != 0).then(|| at - switch_depth())
    }

    /// Where its stack keeps its bytes while another tasklet's are there.
    pub fn saved(&self) -> RefMut<'_, Vec<u8>> {
        self.shared().saved.borrow_mut()
    }

    /// Whether `self` and `other` are the same tasklet.
    pub fn is(&self, other: &Occupant) -> bool {
        TaskRef::ptr_eq(&self.0, &other.0)
    }

    fn shared(&self) -> &Shared {
        match &self.0.home {
            crate::task_ref::Home::Shared(shared) => shared,
            _ => unreachable!("an occupant is spawned on a shared stack"),
        }
    }
}

impl fmt::Debug for Occupant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Occupant({})", self.id())
    }
}

/// What a tasklet's function becomes on a shared stack: the same as on its
/// own, run by the coroutine its first turn makes.
pub(crate) type Start = Box<dyn FnOnce(&TaskYielder, bool)>;

/// A tasklet's body on a shared stack.
type SharedBody = ch01_tasklets::Tasklet<bool, Switch, Lent>;

/// The part of a record that only a tasklet on a shared stack has.
pub(crate) struct Shared {
    stack: Rc<dyn SharedStack>,
    saved: RefCell<Vec<u8>>,
    /// Its function, until its first turn makes the coroutine.
    start: Cell<Option<Start>>,
    /// The coroutine; only the dispatcher touches it, never while it runs.
    body: UnsafeCell<Option<SharedBody>>,
}

impl Shared {
    pub(crate) fn new(stack: Rc<dyn SharedStack>) -> Shared {
        Shared {
            stack,
            saved: RefCell::default(),
            start: Cell::new(None),
            body: UnsafeCell::new(None),
        }
    }

    pub(crate) fn set_start(&self, start: Start) {
        self.start.set(Some(start));
    }

    /// Runs `task`'s turn: swaps its bytes in, makes its coroutine on its
    /// first turn, and resumes it. `None` if it has finished.
    pub(crate) fn resume(&self, task: &Task) -> Option<Step<Switch>> {
        // SAFETY: only the dispatcher touches the body, and never while it
        // runs: this is the dispatcher, about to run it.
        let body = unsafe { &mut *self.body.get() };
        if body
            .as_ref()
            .is_some_and(|body| body.state() == ch01_tasklets::State::Dead)
        {
            return None;
        }
        self.stack.swap_in(&Occupant(TaskRef::to(task)));
        let body = match body {
            Some(body) => body,
            None => {
                let start = self.start.take()?;
                let lent = Lent(Rc::clone(&self.stack));
                body.insert(SharedBody::with_stack_as(task.id, lent, start))
            }
        };
        Some(body.resume(task.raising.get()))
    }

    /// `task` has finished: its bytes need no keeping, and its body goes.
    pub(crate) fn retire(&self, task: &Task) {
        self.stack.vacate(&Occupant(TaskRef::to(task)));
        // SAFETY: the body has finished; nothing runs on it.
        drop(unsafe { (*self.body.get()).take() });
        self.saved.take();
    }
}

impl Drop for Shared {
    /// A body that has not finished is leaked, never unwound: unwinding
    /// would run on the shared stack, over another tasklet's bytes.
    fn drop(&mut self) {
        if let Some(body) = self.body.get_mut().take()
            && body.state() != ch01_tasklets::State::Dead
        {
            std::mem::forget(body);
        }
    }
}

/// A shared stack, as corosensei sees it.
struct Lent(Rc<dyn SharedStack>);

// SAFETY: the bounds are those `SharedStack`'s contract promises (mapped,
// a guard below, aligned, large enough, alive while the `Rc` is held).
// corosensei takes the stack to be this coroutine's own; it is, whenever
// the coroutine runs or unwinds, since the dispatcher swaps it in first
// (`Shared::resume`), and it is never dropped unfinished (`Shared`'s drop).
unsafe impl Stack for Lent {
    fn base(&self) -> StackPointer {
        StackPointer::new(self.0.top()).expect("a mapped stack is never at address 0")
    }

    fn limit(&self) -> StackPointer {
        StackPointer::new(self.0.guard_start()).expect("a mapped stack is never at address 0")
    }
}

/// The stack pointer where it is read: the marker a suspend leaves.
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
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let marker = 0u8;
        sp = std::hint::black_box(&raw const marker) as usize;
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

    use ch01_tasklets::Yielder;
    use ch01_tasklets::{StackPool, Step, Tasklet};

    use super::stack_pointer;
    use crate::scheduler::{Switch, TaskYielder};

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
            // SAFETY: `low..top` is the stack's usable memory, mapped and
            // writable, and no coroutine runs on it yet.
            unsafe { std::ptr::write_bytes(low as *mut u8, pattern, top - low) };
            let noted = Rc::new(Cell::new(0));
            let note = Rc::clone(&noted);
            let mut probe = Tasklet::<bool, Switch>::with_stack(stack, move |yielder, _| {
                note.set(stack_pointer());
                let suspend: fn(&TaskYielder, Switch) -> bool = Yielder::suspend;
                std::hint::black_box(suspend)(yielder, Switch::Stay);
            });
            assert!(matches!(probe.resume(false), Step::Yielded(_)));
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
