//! A region's memory: the stack that coroutines take turns on, and the
//! copies in and out of it: the crate's `unsafe` code, but for the loan of
//! a region's stack to the scheduler (`SharedRegion::lend`).

use std::rc::Rc;

use ch01_tasklets::PooledStack;
use corosensei::stack::{Stack, StackPointer};

use crate::region::Region;

/// The region's stack, and the copies in and out of it.
pub(crate) struct Memory {
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
    pub(crate) fn new(stack: PooledStack) -> Memory {
        Memory { stack }
    }

    /// The stack the region is.
    pub(crate) fn pooled(&self) -> &PooledStack {
        &self.stack
    }

    pub(crate) fn stack(&self, region: Rc<Region>) -> RegionStack {
        RegionStack { region }
    }

    /// Copies `[low, top)` out into `bytes`.
    pub(crate) fn copy_out(&self, low: usize, bytes: &mut Vec<u8>) {
        let low = low.max(self.stack.usable_bottom());
        // A stack pointer noted on another stack (a tasklet that suspended
        // from a coroutine of its own) would make no sense here.
        assert!(low <= self.stack.top(), "a stack pointer above its region");
        let len = self.stack.top() - low;
        // Valgrind takes the bytes just below a suspended coroutine's stack
        // pointer to be dead; the switch's saved registers are there.
        ch01_tasklets::valgrind::mark_defined(low, len);
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
    pub(crate) fn copy_in(&self, bytes: &[u8]) {
        let start = self.stack.top() - bytes.len();
        assert!(
            start >= self.stack.usable_bottom(),
            "a slice larger than its region"
        );
        // To Valgrind these addresses are below the last occupant's stack
        // pointer, dead; they are the incoming coroutine's live stack.
        ch01_tasklets::valgrind::mark_defined(start, bytes.len());
        // SAFETY: `[start, top)` lies in the region's usable, mapped,
        // writable stack, and no coroutine runs on it now; the bytes
        // written are the ones copied out of the same addresses.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), start as *mut u8, bytes.len()) }
    }

    /// Fills the top 64 KiB (or the whole region) with `pattern`.
    pub(crate) fn fill(&self, pattern: u8) {
        let low = self.probe_low();
        ch01_tasklets::valgrind::mark_defined(low, self.stack.top() - low);
        // SAFETY: as in `copy_in`; no coroutine's bytes are in the
        // region while it is measured.
        unsafe { std::ptr::write_bytes(low as *mut u8, pattern, self.stack.top() - low) }
    }

    /// The lowest address in the filled area whose byte is no longer
    /// `pattern`.
    pub(crate) fn lowest_changed(&self, pattern: u8) -> usize {
        let low = self.probe_low();
        // Dead to Valgrind below the probe's stack pointer: only compared.
        ch01_tasklets::valgrind::mark_defined(low, self.stack.top() - low);
        // SAFETY: the area is mapped and readable, and nothing runs on
        // it while it is read.
        let area = unsafe { std::slice::from_raw_parts(low as *const u8, self.stack.top() - low) };
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
