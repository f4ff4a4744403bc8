//! A counted reference to a tasklet's record, which lives at the top of the
//! tasklet's own stack: the record and the stack are one unit, made and
//! reused together, and a parked tasklet's record shares the page its
//! frames already occupy. (Main's record, which has no stack of ours, and a
//! record made for a tasklet born dead, live on the heap.)
//!
//! Like an `Rc` without weak references; the unsafe code is all here.

use std::ops::Deref;
use std::ptr::NonNull;

use ch01_tasklets::PooledStack;

use crate::scheduler::Task;
use crate::shared::Shared;

/// Where a record lives, and so how it is freed.
pub(crate) enum Home {
    /// In a `Box`.
    Heap,
    /// At the top of its tasklet's stack: while the tasklet can run, the
    /// body's coroutine owns that stack; once it has finished, the record's
    /// `kept_stack`; once the record is freed, the pool.
    Stack,
    /// In a `Box` with the [`Shared`] part of a tasklet on a stack it
    /// shares with others (chapter 11): a [`SharedRecord`].
    Shared,
}

// ANCHOR: shared_record
/// The record of a tasklet on a shared stack: its `Task` first, so that a
/// pointer to the one is a pointer to the other.
#[repr(C)]
struct SharedRecord {
    task: Task,
    shared: Shared,
}
// ANCHOR_END: shared_record

/// A counted reference to a [`Task`]; the count is the record's `refs`.
pub(crate) struct TaskRef(NonNull<Task>);

impl TaskRef {
    /// A record on the heap.
    pub(crate) fn boxed(task: Task) -> TaskRef {
        debug_assert!(matches!(task.home, Home::Heap));
        task.refs.set(1);
        TaskRef(NonNull::from(Box::leak(Box::new(task))))
    }

    // ANCHOR: in_stack
    /// A record at the top of `stack`, set aside from what the tasklet's
    /// coroutine will use. `make` gets the record's address and the stack
    /// (which it gives to the tasklet's body) and returns the record, whose
    /// `home` must be [`Home::Stack`]. `None` if the stack is too small to
    /// hold a record as well.
    pub(crate) fn in_stack(
        mut stack: PooledStack,
        make: impl FnOnce(*const Task, PooledStack) -> Task,
    ) -> Option<TaskRef> {
        const { assert!(align_of::<Task>() <= 64) };
        let at = stack.reserve_top(size_of::<Task>() + colour())? as *mut Task;
        let task = make(at, stack);
        debug_assert!(matches!(task.home, Home::Stack));
        task.refs.set(1);
        // SAFETY: `reserve_top` set these bytes aside: they lie in the
        // stack's slot, mapped and writable, aligned to 64, and no coroutine
        // frame and no other record uses them. They stay mapped while the
        // stack is owned, by the body or by `kept_stack`, or leaked with
        // a body that is never resumed again (a thread's survivors), which
        // is at least as long as the record: `release` frees the record
        // before it lets the stack go.
        unsafe { at.write(task) };
        NonNull::new(at).map(TaskRef)
    }
    // ANCHOR_END: in_stack

    /// A record on the heap, with the part only a tasklet on a shared stack
    /// has; `task`'s `home` must be [`Home::Shared`].
    pub(crate) fn shared(task: Task, shared: Shared) -> TaskRef {
        debug_assert!(matches!(task.home, Home::Shared));
        task.refs.set(1);
        let record = Box::leak(Box::new(SharedRecord { task, shared }));
        TaskRef(NonNull::from(&mut record.task))
    }

    /// The part of `task`'s record that only a tasklet on a shared stack
    /// has; `None` for the others.
    pub(crate) fn shared_part(task: &Task) -> Option<&Shared> {
        let Home::Shared = task.home else {
            return None;
        };
        let record = (task as *const Task).cast::<SharedRecord>();
        // SAFETY: a record whose home is `Shared` was made by `shared`: its
        // `Task` is the first field of a live `SharedRecord` (`repr(C)`), so
        // the pointer is the record's, alive as long as `task` is.
        Some(unsafe { &(*record).shared })
    }

    /// Another reference to the record `task`.
    pub(crate) fn to(task: &Task) -> TaskRef {
        task.refs.set(task.refs.get() + 1);
        // Every `Task` lives in a record that `TaskRef`s count: `boxed`,
        // `in_stack` and `shared` make the only ones, and `release` frees
        // them.
        TaskRef(NonNull::from(task))
    }

    /// Whether two references are to the same record.
    pub(crate) fn ptr_eq(a: &TaskRef, b: &TaskRef) -> bool {
        a.0 == b.0
    }

    /// The record's address.
    pub(crate) fn as_ptr(this: &TaskRef) -> *const Task {
        this.0.as_ptr()
    }
}

impl Deref for TaskRef {
    type Target = Task;

    #[inline(always)]
    fn deref(&self) -> &Task {
        // SAFETY: the record lives while a reference counts it (`release`
        // frees it only when the count reaches zero).
        unsafe { self.0.as_ref() }
    }
}

impl Clone for TaskRef {
    #[inline(always)]
    fn clone(&self) -> TaskRef {
        self.refs.set(self.refs.get() + 1);
        TaskRef(self.0)
    }
}

impl Drop for TaskRef {
    #[inline(always)]
    fn drop(&mut self) {
        let refs = self.refs.get() - 1;
        self.refs.set(refs);
        if refs == 0 {
            release(self.0);
        }
    }
}

/// How far below the top of its stack the next record goes, in whole
/// cache lines: a different offset each time, over `COLOURS` lines.
/// Stacks lie a whole number of pages apart, so records all at the same
/// distance from their tops share the same few sets of the processor's
/// caches; spreading them was tried, and measured no faster
/// (`ci/layout.py`), so by default every record sits at the top.
fn colour() -> usize {
    use std::cell::Cell;
    thread_local!(static NEXT: Cell<usize> = const { Cell::new(0) });
    if COLOURS == 1 {
        return 0;
    }
    let colour = NEXT.get();
    NEXT.set(if colour + 1 < COLOURS { colour + 1 } else { 0 });
    colour * 64
}

/// How many different offsets records take: 1, unless the build sets
/// `CH02_RECORD_OFFSETS` (`ci/layout.py` builds with 16 and 32 to compare).
const COLOURS: usize = match option_env!("CH02_RECORD_OFFSETS") {
    Some(count) => crate::scheduler::build_knob(count),
    None => 1,
};
const _: () = assert!(
    COLOURS >= 1 && COLOURS <= 64,
    "CH02_RECORD_OFFSETS: 1 to 64"
);

/// Frees a record nothing refers to any more.
#[cold]
#[inline(never)]
fn release(task: NonNull<Task>) {
    let task = task.as_ptr();
    // SAFETY: the count is zero, so nothing else refers to the record; it
    // is freed exactly once, as its `home` says.
    unsafe {
        match (*task).home {
            Home::Heap => drop(Box::from_raw(task)),
            // A body still there is leaked, as below: unwinding it here
            // would run over whoever's bytes the shared stack holds.
            Home::Shared => {
                std::mem::forget((*(*task).body.get()).take());
                drop(Box::from_raw(task.cast::<SharedRecord>()));
            }
            Home::Stack => {
                // The stack the record lives in: taken out before the record
                // is dropped, and let go only after, so the record's memory
                // outlives it. A body still there (a thread's survivor, or
                // one that never finished) keeps its stack: leaked, never
                // unwound behind the tasklet's back.
                let kept = (*task).kept_stack.take();
                std::mem::forget((*(*task).body.get()).take());
                task.drop_in_place();
                drop(kept);
            }
        }
    }
}
