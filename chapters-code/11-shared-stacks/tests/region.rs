//! Coroutines taking turns on one region: each finds its stack as it left
//! it, though another's bytes were there meanwhile.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use ch11_shared_stacks::region::Region;

#[test]
fn coroutines_take_turns_and_find_their_stacks_as_they_left_them() {
    let region = Region::new(64 * 1024).unwrap();
    let trace = Rc::new(RefCell::new(Vec::new()));
    let mut coroutines: Vec<_> = (0..3u8)
        .map(|id| {
            let trace = Rc::clone(&trace);
            // SAFETY: the coroutine lends nothing of its stack.
            unsafe {
                region.spawn(move |suspend| {
                    // A local array, and a reference to it: both must survive
                    // being copied out and back in.
                    let local = [id; 1024];
                    let address = &local as *const _ as usize;
                    for round in 0..4 {
                        trace.borrow_mut().push((id, round));
                        suspend.suspend();
                        let here = std::hint::black_box(&local);
                        assert_eq!(here as *const _ as usize, address, "same addresses");
                        assert!(
                            here.iter().all(|&b| b == id),
                            "coroutine {id} found another's bytes"
                        );
                    }
                })
            }
        })
        .collect();
    let mut ended = [false; 3];
    while !ended.iter().all(|&e| e) {
        for (coroutine, ended) in coroutines.iter_mut().zip(&mut ended) {
            if !*ended {
                *ended = coroutine.resume();
            }
        }
    }
    let want: Vec<(u8, i32)> = (0..4)
        .flat_map(|round| (0..3).map(move |id| (id, round)))
        .collect();
    assert_eq!(*trace.borrow(), want);
    assert!(
        region.bytes_copied() > 0,
        "the coroutines were copied out and in"
    );
}

#[test]
fn only_the_bytes_in_use_are_kept() {
    let region = Region::new(64 * 1024).unwrap();
    // SAFETY: the coroutine lends nothing of its stack.
    let mut shallow = unsafe { region.spawn(|suspend| suspend.suspend()) };
    // SAFETY: the coroutine lends nothing of its stack.
    let mut deep = unsafe {
        region.spawn(|suspend| {
            let big = [7u8; 16 * 1024];
            suspend.suspend();
            assert!(std::hint::black_box(&big).iter().all(|&b| b == 7));
        })
    };
    assert!(!shallow.resume());
    assert!(!deep.resume()); // shallow is copied out
    let shallow_kept = shallow.saved_bytes();
    assert!(shallow.resume(), "shallow ends"); // deep is copied out
    let deep_kept = deep.saved_bytes();
    // Less than the page a tasklet of its own would touch; a debug build's
    // frames are larger than a release build's.
    assert!(
        shallow_kept > 0 && shallow_kept < 4096,
        "shallow kept {shallow_kept} bytes"
    );
    assert!(deep_kept >= 16 * 1024, "deep kept {deep_kept} bytes");
    assert!(deep.resume(), "deep finds its array and ends");
}

#[test]
fn a_suspended_coroutine_dropped_is_unwound_on_its_own_bytes() {
    struct Guard<'a>(&'a Cell<u32>, Rc<Cell<Option<u32>>>);
    impl Drop for Guard<'_> {
        fn drop(&mut self) {
            self.1.set(Some(self.0.get()));
        }
    }
    let region = Region::new(64 * 1024).unwrap();
    let seen = Rc::new(Cell::new(None));
    let report = Rc::clone(&seen);
    // SAFETY: the coroutine lends nothing of its stack.
    let mut first = unsafe {
        region.spawn(move |suspend| {
            let value = Cell::new(42); // on this coroutine's stack
            let _guard = Guard(&value, report);
            suspend.suspend();
            unreachable!("dropped while suspended");
        })
    };
    // SAFETY: the coroutine lends nothing of its stack.
    let mut other = unsafe {
        region.spawn(|suspend| {
            let noise = [0xEEu8; 8 * 1024];
            std::hint::black_box(&noise);
            suspend.suspend();
        })
    };
    assert!(!first.resume());
    assert!(!other.resume()); // first is copied out, and noise written over it
    drop(first);
    assert_eq!(
        seen.get(),
        Some(42),
        "the guard ran, and read its own stack"
    );
    assert!(other.resume());
}

#[test]
fn resuming_from_inside_the_region_is_refused() {
    let region = Region::new(64 * 1024).unwrap();
    // SAFETY: the coroutine lends nothing of its stack.
    let inner = RefCell::new(Some(unsafe { region.spawn(|_| {}) }));
    // SAFETY: the coroutine lends nothing of its stack.
    let mut outer = unsafe {
        region.spawn(move |_| {
            inner.borrow_mut().as_mut().unwrap().resume();
        })
    };
    let panic = catch_unwind(AssertUnwindSafe(|| outer.resume())).unwrap_err();
    let message = panic.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(message.contains("resume it from outside"), "{message}");
}

/// Recurses `depth` levels, suspends at the bottom, and checks on the way
/// back up that every level's frame came back as it was.
fn recurse(suspend: &ch11_shared_stacks::region::Suspend<'_>, depth: u64) -> u64 {
    let frame = [depth; 8];
    let below = if depth == 0 {
        suspend.suspend();
        0
    } else {
        recurse(suspend, depth - 1)
    };
    assert!(std::hint::black_box(&frame).iter().all(|&v| v == depth));
    below + depth
}

#[test]
fn a_coroutine_suspended_deep_in_a_recursion_comes_back_whole() {
    let region = Region::new(256 * 1024).unwrap();
    let sums = Rc::new(RefCell::new(Vec::new()));
    let mut coroutines: Vec<_> = [100, 7, 300]
        .map(|depth| {
            let sums = Rc::clone(&sums);
            // SAFETY: the coroutine lends nothing of its stack.
            unsafe {
                region.spawn(move |suspend| {
                    let sum = recurse(suspend, depth);
                    sums.borrow_mut().push(sum);
                })
            }
        })
        .into_iter()
        .collect();
    for coroutine in &mut coroutines {
        assert!(!coroutine.resume());
    }
    for coroutine in coroutines.iter_mut().rev() {
        assert!(coroutine.resume());
    }
    assert_eq!(*sums.borrow(), [300 * 301 / 2, 7 * 8 / 2, 100 * 101 / 2]);
}
