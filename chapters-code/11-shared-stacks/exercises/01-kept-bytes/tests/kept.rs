//! What a parked tasklet keeps is what its frames use: everything from
//! the top of the region down to where it parked, and a little more for
//! the park itself.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;

use ch02_scheduler::with_running_stack;
use ch11_ex_kept_bytes::kept_while_parked as unchecked;

/// `kept_while_parked` for these tests' bodies, which lend nothing of
/// their stacks.
fn kept_while_parked(body: impl FnOnce(&dyn Fn()) + 'static) -> usize {
    // SAFETY: no body here starts a scoped thread or gives a pointer away.
    unsafe { unchecked(body) }
}

/// At most this much lies below the point where a test parks: the park
/// call's own frames (debug builds' included) and the switch's.
const PARK_ITSELF: usize = 8192;

/// How far below the region's top the running tasklet's frames reach at
/// this point.
#[inline(never)]
fn used_here() -> usize {
    let marker = 0u8;
    let here = black_box(&raw const marker) as usize;
    let top = with_running_stack(|stack| stack.guard.end + stack.size).expect("a tasklet");
    top - here
}

/// Parks with `N` bytes alive in this frame, noting how much of the
/// region was in use just before.
#[inline(never)]
fn park_below<const N: usize>(park_here: &dyn Fn(), used: &Cell<usize>) {
    let mut local = black_box([7u8; N]);
    used.set(used_here());
    park_here();
    black_box(&mut local);
}

/// Parks `depth` calls deep, each frame holding 256 bytes.
#[inline(never)]
fn park_deep(depth: u32, park_here: &dyn Fn(), used: &Cell<usize>) {
    let mut local = black_box([depth as u8; 256]);
    if depth == 0 {
        used.set(used_here());
        park_here();
    } else {
        park_deep(depth - 1, park_here, used);
    }
    black_box(&mut local);
}

/// Checks that `kept` covers what was in use and little more.
fn covers(kept: usize, used: usize) {
    assert!(
        kept >= used && kept <= used + PARK_ITSELF,
        "kept {kept} bytes; {used} were in use where it parked"
    );
}

#[test]
fn a_shallow_tasklet_keeps_what_it_uses_and_goes_on_after() {
    let used = Rc::new(Cell::new(0));
    let finished = Rc::new(Cell::new(false));
    let (seen, done) = (Rc::clone(&used), Rc::clone(&finished));
    let kept = kept_while_parked(move |park_here| {
        seen.set(used_here());
        park_here();
        done.set(true);
    });
    covers(kept, used.get());
    assert!(finished.get(), "the tasklet went on after the measurement");
}

#[test]
fn an_array_alive_across_the_park_is_kept_once() {
    let used = Rc::new(Cell::new(0));
    let seen = Rc::clone(&used);
    let kept = kept_while_parked(move |park_here| park_below::<16384>(park_here, &seen));
    assert!(used.get() >= 16384);
    covers(kept, used.get());
}

#[test]
fn deeper_frames_keep_more() {
    let mut kept = Vec::new();
    for depth in [10, 40] {
        let used = Rc::new(Cell::new(0));
        let seen = Rc::clone(&used);
        kept.push(kept_while_parked(move |park_here| {
            park_deep(depth, park_here, &seen)
        }));
        covers(kept[kept.len() - 1], used.get());
    }
    assert!(kept[1] >= kept[0] + 30 * 256, "{kept:?}");
}
