//! One stack region, shared by coroutines that take turns on it.
//!
//! A [`Copied`] coroutine runs on its region's stack. While it is
//! suspended, the region may hold another coroutine's bytes: before
//! resuming it, the region copies the current occupant's used slice out
//! to that occupant's buffer and this coroutine's slice back in, at the
//! same addresses. A coroutine's used slice runs from its stack pointer
//! at suspend up to the region's top; everything below was dead when it
//! suspended.
//!
//! Three rules keep that sound; the code enforces the first two, and the
//! caller of [`Region::spawn`] promises the third:
//!
//! 1. Only one coroutine's bytes are in the region at a time, and only
//!    its own code runs on it: copies happen only from outside the
//!    region (a [`Copied`] cannot be resumed from inside a coroutine of
//!    the same region).
//! 2. A coroutine is created on the region only when its first resume
//!    swaps it in, since corosensei writes its first frame at once.
//! 3. Nothing outside a coroutine points into its stack while it is out:
//!    its body is `'static`, so it borrows nothing from another
//!    coroutine's stack; that nothing else borrows from its stack across a
//!    suspend (a scoped thread could) is what [`Region::spawn`]'s caller
//!    promises.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ch01_tasklets::{StackError, StackPool};
use corosensei::{Coroutine, CoroutineResult, Yielder};

use crate::memory::{Memory, RegionStack};

/// A coroutine's stack while it is out of the region, and where its
/// stack pointer was when it suspended.
#[derive(Default)]
struct Saved {
    bytes: RefCell<Vec<u8>>,
    /// The lowest address in use at the last suspend.
    low: Cell<usize>,
}

/// One stack region and the coroutine whose bytes are in it.
pub struct Region {
    pub(crate) memory: Memory,
    occupant: RefCell<Option<Rc<Saved>>>,
    /// Whether a coroutine of this region is running now.
    running: Cell<bool>,
    /// How far below `Suspend::suspend`'s marker the switch writes.
    depth: Cell<usize>,
    /// Bytes copied out and in, for measurements.
    copied: Cell<u64>,
}

impl Region {
    /// A region of `size` usable bytes (rounded up to pages), with a
    /// guard page below it.
    ///
    /// # Errors
    ///
    /// The stack could not be mapped.
    pub fn new(size: usize) -> Result<Rc<Region>, StackError> {
        let stack = StackPool::new(size).get()?;
        let region = Rc::new(Region {
            memory: Memory::new(stack),
            occupant: RefCell::default(),
            running: Cell::new(false),
            depth: Cell::new(0),
            copied: Cell::new(0),
        });
        region.depth.set(region.measure_depth());
        Ok(region)
    }

    /// A coroutine that runs `body` on this region, first when resumed.
    ///
    /// # Safety
    ///
    /// While the coroutine is suspended, another one's frames may take its
    /// stack's addresses: nothing may borrow into its stack, or read or
    /// write through a pointer into it, while it is suspended (a scoped
    /// thread borrowing one of its locals, a raw pointer handed out).
    pub unsafe fn spawn(self: &Rc<Self>, body: impl FnOnce(&Suspend<'_>) + 'static) -> Copied {
        Copied {
            region: Rc::clone(self),
            saved: Rc::default(),
            coroutine: None,
            body: Some(Box::new(body)),
        }
    }

    /// Bytes copied out of and into the region so far.
    pub fn bytes_copied(&self) -> u64 {
        self.copied.get()
    }

    // ANCHOR: swap_in
    /// Makes `saved` the region's occupant: copies the current occupant's
    /// slice out, and `saved`'s in (if it has one).
    fn swap_in(&self, saved: &Rc<Saved>) {
        let mut occupant = self.occupant.borrow_mut();
        if occupant.as_ref().is_some_and(|o| Rc::ptr_eq(o, saved)) {
            return;
        }
        if let Some(out) = occupant.take() {
            let mut bytes = out.bytes.borrow_mut();
            self.memory.copy_out(out.low.get(), &mut bytes);
            self.copied.set(self.copied.get() + bytes.len() as u64);
        }
        let bytes = saved.bytes.borrow();
        self.memory.copy_in(&bytes);
        self.copied.set(self.copied.get() + bytes.len() as u64);
        *occupant = Some(Rc::clone(saved));
    }
    // ANCHOR_END: swap_in

    /// How far below the marker in [`Suspend::suspend`] the switch itself
    /// writes: the same for every suspend, since the path from the marker
    /// to the switch is always the same code. Measured once, on a probe
    /// coroutine over a region filled with a pattern.
    fn measure_depth(self: &Rc<Self>) -> usize {
        let mut deepest = 0;
        for pattern in [0xA5, 0x5A] {
            self.memory.fill(pattern);
            // SAFETY: the probe borrows nothing and lends nothing.
            let mut probe = unsafe { self.spawn(|suspend| suspend.suspend()) };
            probe.resume();
            let marker = probe.saved.low.get();
            let lowest = self.memory.lowest_changed(pattern);
            deepest = deepest.max(marker.saturating_sub(lowest));
            probe.resume(); // to its end
        }
        deepest.next_multiple_of(16)
    }
}

/// A coroutine's handle on its own suspension.
pub struct Suspend<'a> {
    yielder: &'a Yielder<(), ()>,
    saved: &'a Saved,
    depth: usize,
}

impl Suspend<'_> {
    // ANCHOR: suspend
    /// Suspends the coroutine: its caller's `resume` returns. Its stack
    /// pointer is recorded first, so that only the bytes in use are
    /// copied out if another coroutine takes the region.
    #[inline(never)]
    pub fn suspend(&self) {
        let marker = 0u8;
        let here = std::hint::black_box(&marker) as *const u8 as usize;
        self.saved.low.set(here - self.depth);
        self.yielder.suspend(());
    }
    // ANCHOR_END: suspend
}

/// What a coroutine runs, until its first resume creates it.
type Body = Box<dyn FnOnce(&Suspend<'_>)>;

/// A coroutine on a shared region.
pub struct Copied {
    region: Rc<Region>,
    saved: Rc<Saved>,
    coroutine: Option<Coroutine<(), (), (), RegionStack>>,
    body: Option<Body>,
}

impl Copied {
    /// Runs the coroutine until it suspends or ends; returns whether it
    /// ended. Its bytes are copied into the region first if another
    /// coroutine's are there.
    ///
    /// # Panics
    ///
    /// If called from inside a coroutine of the same region (the copy
    /// would overwrite the stack it runs on), or after the coroutine
    /// ended; and with the coroutine's own panic.
    // ANCHOR: resume
    pub fn resume(&mut self) -> bool {
        let region = Rc::clone(&self.region);
        assert!(
            !region.running.get(),
            "a copied coroutine was resumed from inside its own region: resume it from outside"
        );
        region.swap_in(&self.saved);
        let coroutine = match &mut self.coroutine {
            Some(coroutine) => coroutine,
            None => {
                let body = self.body.take().expect("resumed after it ended");
                let (saved, depth) = (Rc::clone(&self.saved), region.depth.get());
                let stack = region.memory.stack(Rc::clone(&region));
                self.coroutine
                    .insert(Coroutine::with_stack(stack, move |yielder, ()| {
                        body(&Suspend {
                            yielder,
                            saved: &saved,
                            depth,
                        });
                    }))
            }
        };
        region.running.set(true);
        let _running = Running(&region);
        match coroutine.resume(()) {
            CoroutineResult::Yield(()) => false,
            CoroutineResult::Return(()) => {
                self.coroutine = None;
                region.occupant.borrow_mut().take();
                true
            }
        }
    }
    // ANCHOR_END: resume

    /// Bytes this coroutine keeps while it is out of the region.
    pub fn saved_bytes(&self) -> usize {
        self.saved.bytes.borrow().capacity()
    }
}

/// Clears the region's `running` flag however the resume ends.
struct Running<'a>(&'a Region);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.set(false);
    }
}

impl Drop for Copied {
    /// A suspended coroutine is unwound, which runs on its stack: it is
    /// swapped in first. From inside a coroutine of the same region that
    /// cannot be done, and the coroutine is leaked instead.
    fn drop(&mut self) {
        let Some(coroutine) = self.coroutine.take() else {
            return;
        };
        if !coroutine.started() || self.region.running.get() {
            std::mem::forget(coroutine);
            return;
        }
        self.region.swap_in(&self.saved);
        self.region.running.set(true);
        let _running = Running(&self.region);
        drop(coroutine);
        self.region.occupant.borrow_mut().take();
    }
}
