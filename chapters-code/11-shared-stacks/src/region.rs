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
//! Three rules keep that sound, and the types enforce them:
//!
//! 1. Only one coroutine's bytes are in the region at a time, and only
//!    its own code runs on it: copies happen only from outside the
//!    region (a [`Copied`] cannot be resumed from inside a coroutine of
//!    the same region).
//! 2. A coroutine is created on the region only when its first resume
//!    swaps it in, since corosensei writes its first frame at once.
//! 3. Nothing outside a coroutine points into its stack while it is out:
//!    its body is `'static`, so it borrows nothing from another
//!    coroutine's stack, and nothing else can borrow from its stack.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ch01_tasklets::{StackError, StackPool};
use corosensei::{Coroutine, CoroutineResult, Yielder};

use self::memory::{Memory, RegionStack};

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
    memory: Memory,
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
    pub fn spawn(self: &Rc<Self>, body: impl FnOnce(&Suspend<'_>) + 'static) -> Copied {
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

    /// How far below the marker in [`Suspend::suspend`] the switch itself
    /// writes: the same for every suspend, since the path from the marker
    /// to the switch is always the same code. Measured once, on a probe
    /// coroutine over a region filled with a pattern.
    fn measure_depth(self: &Rc<Self>) -> usize {
        let mut deepest = 0;
        for pattern in [0xA5, 0x5A] {
            self.memory.fill(pattern);
            let mut probe = self.spawn(|suspend| suspend.suspend());
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

/// The region's memory: the only `unsafe` code of this module.
mod memory {
    use std::rc::Rc;

    use ch01_tasklets::PooledStack;
    use corosensei::stack::{Stack, StackPointer};

    use super::Region;

    /// The region's stack, and the copies in and out of it.
    pub(super) struct Memory {
        stack: PooledStack,
    }

    /// The region's stack as corosensei sees it; only `Copied::resume`
    /// makes one, for the coroutine it creates on the region.
    pub(crate) struct RegionStack {
        // Keeps the mapping alive as long as a coroutine is on it.
        region: Rc<Region>,
    }

    // SAFETY: the bounds are those of a `PooledStack` (a guard page below
    // at least MIN_STACK_SIZE usable bytes, aligned), alive as long as the
    // `Region` this holds. corosensei expects the stack to be the
    // coroutine's own; it is not, but the region keeps every other
    // coroutine's bytes out of it whenever this coroutine is created,
    // resumed or dropped (`Region::swap_in`), and nothing but this module
    // can make a `RegionStack`.
    unsafe impl Stack for RegionStack {
        fn base(&self) -> StackPointer {
            StackPointer::new(self.region.memory.stack.top()).expect("mapped")
        }

        fn limit(&self) -> StackPointer {
            StackPointer::new(self.region.memory.stack.guard_start()).expect("mapped")
        }
    }

    impl Memory {
        pub(super) fn new(stack: PooledStack) -> Memory {
            Memory { stack }
        }

        pub(super) fn stack(&self, region: Rc<Region>) -> RegionStack {
            RegionStack { region }
        }

        /// Copies `[low, top)` out into `bytes`.
        pub(super) fn copy_out(&self, low: usize, bytes: &mut Vec<u8>) {
            let low = low.max(self.stack.usable_bottom());
            let len = self.stack.top() - low;
            bytes.clear();
            bytes.reserve_exact(len);
            // SAFETY: `[low, top)` lies in the region's usable, mapped,
            // readable stack, and no coroutine runs on it now (the callers
            // copy only from outside the region), so nothing writes it
            // while it is read; `bytes` has room for `len` bytes.
            unsafe {
                std::ptr::copy_nonoverlapping(low as *const u8, bytes.as_mut_ptr(), len);
                bytes.set_len(len);
            }
        }

        /// Copies `bytes` in, ending at the top.
        pub(super) fn copy_in(&self, bytes: &[u8]) {
            let start = self.stack.top() - bytes.len();
            assert!(
                start >= self.stack.usable_bottom(),
                "a slice larger than its region"
            );
            // SAFETY: `[start, top)` lies in the region's usable, mapped,
            // writable stack, and no coroutine runs on it now; the bytes
            // written are the ones copied out of the same addresses.
            unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), start as *mut u8, bytes.len()) }
        }

        /// Fills the top 64 KiB (or the whole region) with `pattern`.
        pub(super) fn fill(&self, pattern: u8) {
            let low = self.probe_low();
            // SAFETY: as in `copy_in`; no coroutine's bytes are in the
            // region while it is measured.
            unsafe { std::ptr::write_bytes(low as *mut u8, pattern, self.stack.top() - low) }
        }

        /// The lowest address in the filled area whose byte is no longer
        /// `pattern`.
        pub(super) fn lowest_changed(&self, pattern: u8) -> usize {
            let low = self.probe_low();
            // SAFETY: the area is mapped and readable, and nothing runs on
            // it while it is read.
            let area =
                unsafe { std::slice::from_raw_parts(low as *const u8, self.stack.top() - low) };
            low + area
                .iter()
                .position(|&b| b != pattern)
                .unwrap_or(area.len())
        }

        fn probe_low(&self) -> usize {
            self.stack
                .usable_bottom()
                .max(self.stack.top().saturating_sub(64 * 1024))
        }
    }
}
