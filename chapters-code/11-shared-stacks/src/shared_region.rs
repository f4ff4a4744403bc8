//! A stack region that chapter 2's tasklets share.
//!
//! A tasklet spawned on a [`SharedRegion`] with
//! [`Builder::spawn_on`](ch02_scheduler::Builder::spawn_on) runs on the
//! region's stack. Before each of its turns, the dispatcher asks the region
//! to swap it in ([`SharedStack::swap_in`]): the region copies the bytes
//! of the tasklet that ran on it last out to that tasklet's buffer, from
//! its [`lowest_used`](Occupant::lowest_used) address up, and copies the
//! incoming tasklet's bytes back to the addresses they came from.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use ch01_tasklets::{PooledStack, StackError, StackPool};
use ch02_scheduler::{Occupant, SharedStack};

use crate::memory::Memory;

/// One stack region, and the tasklet whose bytes are in it.
pub struct SharedRegion {
    memory: Memory,
    occupant: RefCell<Option<Occupant>>,
    /// Bytes copied out and in, and swaps made, for measurements.
    copied: Cell<u64>,
    swaps: Cell<u64>,
}

impl SharedRegion {
    /// A region of `size` usable bytes (rounded up to pages), with a guard
    /// page below it: every tasklet on it must fit in `size` bytes.
    ///
    /// # Errors
    ///
    /// The stack could not be mapped.
    pub fn new(size: usize) -> Result<Rc<SharedRegion>, StackError> {
        Ok(Rc::new(SharedRegion {
            memory: Memory::new(StackPool::new(size).get()?),
            occupant: RefCell::default(),
            copied: Cell::new(0),
            swaps: Cell::new(0),
        }))
    }

    /// The region's usable stack: a pointer into it, kept by anything but
    /// the tasklet whose frame it points to, is the unsound pattern this
    /// chapter warns about.
    pub fn usable(&self) -> std::ops::Range<usize> {
        let stack = self.memory.pooled();
        stack.usable_bottom()..stack.top()
    }

    /// Bytes copied out of and into the region so far.
    pub fn bytes_copied(&self) -> u64 {
        self.copied.get()
    }

    /// How many times a tasklet's bytes replaced another's.
    pub fn swaps(&self) -> u64 {
        self.swaps.get()
    }
}

impl fmt::Debug for SharedRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedRegion")
            .field("stack", self.memory.pooled())
            .field("occupant", &self.occupant.borrow())
            .finish_non_exhaustive()
    }
}

// SAFETY: every loan is of the region's one `PooledStack`, which lives as
// long as the region. `swap_in` copies the
// occupant's bytes from its lowest used address to the top out, then the
// incoming tasklet's bytes back to the addresses they were copied from; the
// dispatcher calls it from its own stack, so no tasklet runs on the region
// meanwhile. Neither method runs a tasklet.
unsafe impl SharedStack for SharedRegion {
    unsafe fn lend(&self) -> PooledStack {
        // SAFETY: the region lives as long as the loan (every tasklet on it
        // holds the region), and the caller promised the rest.
        unsafe { self.memory.pooled().lend() }
    }

    // ANCHOR: swap_in
    fn swap_in(&self, incoming: &Occupant) {
        let outgoing = self.occupant.borrow().clone();
        if outgoing.as_ref().is_some_and(|o| o.is(incoming)) {
            return;
        }
        // The copies first: if one refuses (a panic), nothing has changed.
        if let Some(out) = &outgoing
            && let Some(low) = out.lowest_used()
        {
            let mut bytes = out.saved();
            self.memory.copy_out(low, &mut bytes);
            self.copied.set(self.copied.get() + bytes.len() as u64);
        }
        let bytes = incoming.saved();
        self.memory.copy_in(&bytes);
        self.copied.set(self.copied.get() + bytes.len() as u64);
        drop(bytes);
        self.swaps.set(self.swaps.get() + 1);
        let replaced = self.occupant.replace(Some(incoming.clone()));
        // The outgoing tasklet's record may go with these references: last.
        drop((replaced, outgoing));
    }
    // ANCHOR_END: swap_in

    fn vacate(&self, leaving: &Occupant) {
        let mut occupant = self.occupant.borrow_mut();
        let left = occupant.take_if(|o| o.is(leaving));
        drop(occupant);
        drop(left);
    }
}
