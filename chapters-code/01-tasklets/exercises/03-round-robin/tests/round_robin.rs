//! Chapter 1, exercise 3: implement `round_robin`, which resumes a list of
//! tasklets in turn (a queue: resume the front one; if it yields, collect
//! the value and put it at the back; if it finishes, drop it) until all have
//! finished, and returns the values they yielded, in order; a tasklet's
//! panic goes on in the caller.

use std::cell::RefCell;
use std::rc::Rc;

use ch01_ex_round_robin::round_robin;
use ch01_tasklets::{StackPool, Tasklet};

type Log = Rc<RefCell<Vec<&'static str>>>;

/// A tasklet that yields each of `values`, then logs `end`.
fn task(
    pool: &StackPool,
    values: &'static [&'static str],
    log: &Log,
    end: &'static str,
) -> Tasklet<(), &'static str> {
    let log = Rc::clone(log);
    Tasklet::new(pool, move |yielder, ()| {
        for &value in values {
            yielder.suspend(value);
        }
        log.borrow_mut().push(end);
    })
    .expect("a stack")
}

#[test]
fn two_tasklets_take_turns() {
    let pool = StackPool::new(64 * 1024);
    let log = Log::default();
    let tasks = vec![
        task(&pool, &["a1", "a2"], &log, "a end"),
        task(&pool, &["b1", "b2", "b3"], &log, "b end"),
    ];
    assert_eq!(round_robin(tasks), ["a1", "b1", "a2", "b2", "b3"]);
    assert_eq!(*log.borrow(), ["a end", "b end"]);
    // Every tasklet finished and was dropped: their stacks are back.
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn a_tasklet_that_never_yields_finishes_in_its_first_turn() {
    let pool = StackPool::new(64 * 1024);
    let log = Log::default();
    let tasks = vec![
        task(&pool, &["a1"], &log, "a end"),
        task(&pool, &[], &log, "e end"),
        task(&pool, &["b1", "b2"], &log, "b end"),
    ];
    assert_eq!(round_robin(tasks), ["a1", "b1", "b2"]);
    // `e` finished in its first turn, `a` in its second, `b` in its third.
    assert_eq!(*log.borrow(), ["e end", "a end", "b end"]);
    assert_eq!(pool.stats().in_use, 0);
}

#[test]
fn no_tasklets_yield_nothing() {
    let pool = StackPool::new(64 * 1024);
    let log = Log::default();
    assert_eq!(round_robin(Vec::new()), Vec::<&str>::new());
    let silent = vec![
        task(&pool, &[], &log, "x end"),
        task(&pool, &[], &log, "y end"),
    ];
    assert_eq!(round_robin(silent), Vec::<&str>::new());
    assert_eq!(*log.borrow(), ["x end", "y end"]);
}

#[test]
fn a_panic_goes_on_in_the_caller_with_its_own_payload() {
    let pool = StackPool::new(64 * 1024);
    let log = Log::default();
    let breaks = Tasklet::new(&pool, |yielder, ()| {
        yielder.suspend("b1");
        std::panic::panic_any(7u32);
    })
    .expect("a stack");
    let tasks = vec![task(&pool, &["a1", "a2", "a3"], &log, "a end"), breaks];
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| round_robin(tasks)))
        .expect_err("the tasklet's panic must go on in the caller");
    assert_eq!(payload.downcast_ref::<u32>(), Some(&7), "the very payload");
}

#[test]
fn a_finished_tasklet_gives_its_stack_back_at_once() {
    let pool = StackPool::new(64 * 1024);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let quick = Tasklet::new(&pool, |_, ()| {}).expect("a stack");
    let (watcher_pool, watcher_seen) = (pool.clone(), Rc::clone(&seen));
    let watcher = Tasklet::new(&pool, move |yielder, ()| {
        yielder.suspend("w1");
        // `quick` finished in its first turn: only this tasklet still
        // holds a stack from the pool.
        watcher_seen.borrow_mut().push(watcher_pool.stats().in_use);
    })
    .expect("a stack");
    assert_eq!(round_robin(vec![quick, watcher]), ["w1"]);
    assert_eq!(*seen.borrow(), [1]);
}
