//! Chapter 4, exercise 2: `run_killing_runaways` kills the tasklets that
//! never give up control, runs their destructors, reports them in order,
//! and leaves well-behaved tasklets alone.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use ch02_scheduler::{Builder, schedule, switch_point};
use ch04_ex_runaways::run_killing_runaways;

/// A tasklet that computes forever, passing switch points but never
/// yielding; it counts its destructor runs in `unwound`.
fn runaway(name: &str, unwound: &Rc<Cell<usize>>) {
    struct Unwound(Rc<Cell<usize>>);
    impl Drop for Unwound {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let unwound = Rc::clone(unwound);
    Builder::new()
        .name(name)
        .spawn(move || {
            let _unwound = Unwound(unwound);
            loop {
                switch_point();
            }
        })
        .unwrap();
}

#[test]
fn runaways_are_killed_and_reported_in_order() {
    let unwound = Rc::new(Cell::new(0));
    runaway("spinner", &unwound);
    runaway("looper", &unwound);
    let killed = run_killing_runaways(100).unwrap();
    let names: Vec<_> = killed.iter().map(|t| t.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["spinner", "looper"]);
    assert_eq!(unwound.get(), 2, "their destructors ran");
}

#[test]
fn well_behaved_tasklets_run_to_completion() {
    let unwound = Rc::new(Cell::new(0));
    let done: Rc<RefCell<Vec<&str>>> = Rc::default();
    let d = Rc::clone(&done);
    Builder::new()
        .name("polite")
        .spawn(move || {
            for _ in 0..1_000 {
                schedule(); // gives up control every time
            }
            d.borrow_mut().push("polite finished");
        })
        .unwrap();
    runaway("rude", &unwound);
    let killed = run_killing_runaways(10).unwrap();
    assert_eq!(killed.len(), 1);
    assert_eq!(killed[0].name.as_deref(), Some("rude"));
    assert_eq!(*done.borrow(), ["polite finished"]);
}

#[test]
fn with_nobody_running_away_nobody_is_killed() {
    Builder::new().spawn(schedule).unwrap();
    assert!(run_killing_runaways(5).unwrap().is_empty());
}
