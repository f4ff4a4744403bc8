//! Chapter 11, exercise 1: what a parked tasklet keeps (reference solution).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ch02_scheduler::{Builder, SharedStack, Unparker, WaitOn, Wake, park, run};
use ch11_shared_stacks::shared_region::SharedRegion;

/// Runs `body` as a tasklet on a fresh region of 64 KiB, and returns how
/// many bytes the region kept for it while it was parked. `body` calls the
/// function it receives once, at the point to measure; that call parks the
/// tasklet until the measurement is taken.
///
/// # Safety
///
/// `body` lends nothing of its stack across the park: no scoped thread
/// borrowing one of its locals, nothing reads or writes through a pointer into it while it is switched away (see
/// `Builder::spawn_on`).
pub unsafe fn kept_while_parked(body: impl FnOnce(&dyn Fn()) + 'static) -> usize {
    let region = SharedRegion::new(64 * 1024).expect("a region");
    let stack: Rc<dyn SharedStack> = region.clone();
    let waiting: Rc<RefCell<Option<Unparker>>> = Rc::default();
    let parked = Rc::clone(&waiting);
    // SAFETY: `body` lends nothing of its stack, as the caller promised.
    unsafe {
        Builder::new().spawn_on(Rc::clone(&stack), move || {
            body(&|| {
                park(WaitOn::new("the measurement"), |u| {
                    *parked.borrow_mut() = Some(u);
                })
                .unwrap();
            });
        })
    }
    .unwrap();
    let kept = Rc::new(Cell::new(0));
    let (measured, region2) = (Rc::clone(&kept), region.clone());
    // Runs once the body has parked: taking the region copies the body's
    // bytes out, and this tasklet has none of its own to copy in yet.
    let before = Rc::new(Cell::new(0));
    let start = Rc::clone(&before);
    // SAFETY: this tasklet lends nothing of its stack.
    unsafe {
        Builder::new().spawn_on(stack, move || {
            measured.set(region2.bytes_copied() - start.get());
            let unparker = waiting.borrow_mut().take().expect("the body parked");
            unparker.unpark(Wake(0));
        })
    }
    .unwrap();
    before.set(region.bytes_copied());
    run().unwrap();
    kept.get() as usize
}
