//! Chapter 11, exercise 1: what a parked tasklet keeps (a plausible wrong
//! solution: it counts every byte the region copied, in and out, so a
//! tasklet's bytes count twice: out when it parks, in when it wakes).

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{Builder, SharedStack, Unparker, WaitOn, Wake, park, run};
use ch11_shared_stacks::shared_region::SharedRegion;

/// Runs `body` as a tasklet on a fresh region of 64 KiB, and returns how
/// many bytes the region kept for it while it was parked.
///
/// # Safety
///
/// `body` lends nothing of its stack across the park (see
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
    // SAFETY: this tasklet lends nothing of its stack.
    unsafe {
        Builder::new().spawn_on(stack, move || {
            let unparker = waiting.borrow_mut().take().expect("the body parked");
            unparker.unpark(Wake(0));
        })
    }
    .unwrap();
    run().unwrap();
    region.bytes_copied() as usize
}
