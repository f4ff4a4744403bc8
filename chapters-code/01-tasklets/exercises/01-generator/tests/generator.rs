//! Chapter 1, exercise 1: implement `Generator<T>`, an `Iterator` over the
//! values a tasklet yields. `next` resumes the tasklet; a yielded value is
//! the next item, a finished tasklet ends the iteration for good (it is
//! never resumed again), and a panic in the tasklet goes on in the caller of
//! `next`.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use ch01_ex_generator::Generator;
use ch01_tasklets::{StackPool, panic_message};

fn pool() -> StackPool {
    StackPool::new(64 * 1024)
}

#[test]
fn first_ten_fibonacci_numbers() {
    let pool = pool();
    let fibonacci = Generator::new(&pool, |yielder| {
        let (mut a, mut b) = (0u64, 1u64);
        loop {
            yielder.suspend(a);
            (a, b) = (b, a + b);
        }
    });
    let first: Vec<u64> = fibonacci.take(10).collect();
    assert_eq!(first, [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]);
}

#[test]
fn an_empty_generator_stays_empty() {
    let pool = pool();
    let mut empty = Generator::<u32>::new(&pool, |_| {});
    assert_eq!(empty.next(), None);
    // Finished for good: asking again must not resume a dead tasklet.
    assert_eq!(empty.next(), None);
    assert_eq!(empty.next(), None);
}

#[test]
fn collects_what_it_yields() {
    let pool = pool();
    let words = Generator::new(&pool, |yielder| {
        yielder.suspend("one");
        yielder.suspend("two");
        yielder.suspend("three");
    });
    let all: Vec<&str> = words.collect();
    assert_eq!(all, ["one", "two", "three"]);
}

#[test]
fn runs_lazily_one_step_per_next() {
    let pool = pool();
    let log = Rc::new(RefCell::new(Vec::new()));
    let body_log = Rc::clone(&log);
    let mut numbers = Generator::new(&pool, move |yielder| {
        for n in 1..=2 {
            body_log.borrow_mut().push(format!("yield {n}"));
            yielder.suspend(n);
        }
        body_log.borrow_mut().push("done".to_string());
    });
    log.borrow_mut().push("created".to_string());
    assert_eq!(numbers.next(), Some(1));
    log.borrow_mut().push("got 1".to_string());
    assert_eq!(numbers.next(), Some(2));
    log.borrow_mut().push("got 2".to_string());
    assert_eq!(numbers.next(), None);
    assert_eq!(numbers.next(), None);
    assert_eq!(
        *log.borrow(),
        ["created", "yield 1", "got 1", "yield 2", "got 2", "done"]
    );
}

#[test]
fn a_panic_reaches_the_caller_of_next() {
    let pool = pool();
    let mut broken = Generator::new(&pool, |yielder| {
        yielder.suspend(1);
        panic!("the generator broke");
    });
    assert_eq!(broken.next(), Some(1));
    let payload = catch_unwind(AssertUnwindSafe(|| broken.next()))
        .expect_err("the tasklet's panic must go on in the caller of `next`");
    assert_eq!(panic_message(&*payload), "the generator broke");
    // The tasklet is dead: the generator is exhausted.
    assert_eq!(broken.next(), None);
}

#[test]
fn a_panic_keeps_its_own_payload() {
    let pool = pool();
    let mut broken = Generator::<u8>::new(&pool, |_| std::panic::panic_any(42u8));
    let payload = catch_unwind(AssertUnwindSafe(|| broken.next()))
        .expect_err("the tasklet's panic must go on in the caller of `next`");
    assert_eq!(
        payload.downcast_ref::<u8>(),
        Some(&42),
        "the caller must get the very payload the tasklet panicked with"
    );
}
