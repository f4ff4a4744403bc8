//! Addresses in a region's stack are caught; every other address passes.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;

use ch02_scheduler::{Builder, run, spawn};
use ch11_ex_points_into::{PointsIntoRegion, hand_out, points_into};
use ch11_shared_stacks::shared_region::SharedRegion;

/// The address of a local of a tasklet that `spawn` starts, and whether
/// `points_into(region, it)` held while the tasklet ran.
fn local_of_a_tasklet(
    region: &Rc<SharedRegion>,
    spawn: impl FnOnce(Box<dyn FnOnce()>),
) -> (usize, bool) {
    let seen = Rc::new(Cell::new((0, false)));
    let (found, region) = (Rc::clone(&seen), Rc::clone(region));
    spawn(Box::new(move || {
        let scratch = black_box([0u8; 64]);
        let address = scratch.as_ptr() as usize;
        found.set((address, points_into(&region, address)));
    }));
    run().unwrap();
    seen.get()
}

#[test]
fn a_local_of_a_tasklet_on_the_region_is_caught() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    let on = Rc::clone(&region);
    let (address, inside) = local_of_a_tasklet(&region, |f| {
        // SAFETY: no scoped thread borrows from the tasklet's stack, and the
        // address noted is only compared, never read through.
        unsafe { Builder::new().spawn_on(on, f) }.unwrap();
    });
    assert!(inside);
    let error = hand_out(&region, address).unwrap_err();
    assert_eq!(
        error,
        PointsIntoRegion {
            address,
            region: region.usable()
        }
    );
    assert!(error.to_string().contains("keep the data on the heap"));
}

#[test]
fn other_addresses_pass() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    let (own, inside) = local_of_a_tasklet(&region, |f| drop(spawn(f)));
    assert!(!inside, "a tasklet with a stack of its own");
    assert_eq!(hand_out(&region, own), Ok(own));
    let on_the_heap = Box::new([0u8; 64]);
    let heap = on_the_heap.as_ptr() as usize;
    assert!(!points_into(&region, heap));
    assert_eq!(hand_out(&region, heap), Ok(heap));
    let main_local = black_box(0u64);
    let main = &raw const main_local as usize;
    assert!(!points_into(&region, main), "main's own stack");
}

#[test]
fn the_region_s_ends() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    let usable = region.usable();
    assert!(points_into(&region, usable.start), "its lowest byte");
    assert!(points_into(&region, usable.end - 1), "its highest byte");
    assert!(!points_into(&region, usable.start - 1), "the guard page");
    assert!(!points_into(&region, usable.end), "one past the top");
    assert_eq!(hand_out(&region, usable.end), Ok(usable.end));
}
