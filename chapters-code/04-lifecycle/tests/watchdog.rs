//! The watchdog and `atomic` (rule 16).

use std::cell::Cell;
use std::rc::Rc;

use ch02_scheduler::{State, run, run_watchdog, spawn};
use ch03_channels::Channel;
use ch04_lifecycle::{atomic, switch_point};

/// 100 senders blocked on a channel, so that a receiver can take 100
/// values without ever blocking.
fn queued_senders(channel: &Channel<u32>) {
    for i in 0..100 {
        let tx = channel.clone();
        spawn(move || tx.send(i).unwrap());
    }
    run().unwrap();
    assert_eq!(channel.balance(), 100);
}

/// A consumer that receives `total` values, counting them; `section` values
/// at a time inside `atomic` if given.
fn consumer(channel: &Channel<u32>, total: usize, section: Option<usize>) -> Rc<Cell<usize>> {
    let (rx, received) = (channel.clone(), Rc::new(Cell::new(0)));
    let count = Rc::clone(&received);
    spawn(move || {
        let take = |n: usize| {
            for _ in 0..n {
                rx.receive().unwrap();
                count.set(count.get() + 1);
            }
        };
        match section {
            None => take(total),
            Some(n) => (0..total / n).for_each(|_| atomic(|| take(n))),
        }
    });
    received
}

#[test]
fn rule_16_a_tasklet_that_never_blocks_is_interrupted_when_its_budget_is_spent() {
    let channel = Channel::new();
    queued_senders(&channel);
    let received = consumer(&channel, 100, None);
    let interrupted = run_watchdog(10)
        .unwrap()
        .expect("the consumer was interrupted");
    // Its tenth operation is where the budget ran out, before it received.
    assert_eq!(received.get(), 9);
    assert_eq!(interrupted.state(), State::Paused, "out of the run queue");
    // Put it back and let it go on, a budget at a time.
    let mut interruptions = 1;
    interrupted.insert().unwrap();
    while let Some(again) = run_watchdog(10).unwrap() {
        interruptions += 1;
        again.insert().unwrap();
    }
    assert_eq!(received.get(), 100);
    // 9 in the first turn; then 10 per turn, as each turn first finishes
    // the receive it was stopped in: 9 + 9 × 10 = 99, and a last turn.
    assert_eq!(interruptions, 10);
}

#[test]
fn rule_16_without_a_watchdog_nothing_is_interrupted() {
    let channel = Channel::new();
    queued_senders(&channel);
    let received = consumer(&channel, 100, None);
    run().unwrap();
    assert_eq!(received.get(), 100);
}

#[test]
fn rule_16_atomic_sections_defer_the_interruption_to_their_end() {
    let channel = Channel::new();
    queued_senders(&channel);
    let received = consumer(&channel, 100, Some(25));
    let interrupted = run_watchdog(3).unwrap().expect("interrupted");
    assert_eq!(received.get(), 25, "not inside the first section");
    interrupted.insert().unwrap();
    while let Some(again) = run_watchdog(3).unwrap() {
        assert_eq!(received.get() % 25, 0, "only between sections");
        again.insert().unwrap();
    }
    assert_eq!(received.get(), 100);
}

#[test]
fn rule_16_a_long_computation_can_be_made_interruptible_and_then_dropped() {
    struct Unwound(Rc<Cell<bool>>);
    impl Drop for Unwound {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let (steps, unwound) = (Rc::new(Cell::new(0u64)), Rc::new(Cell::new(false)));
    let (s, u) = (Rc::clone(&steps), Rc::clone(&unwound));
    spawn(move || {
        let _unwound = Unwound(u);
        loop {
            switch_point();
            s.set(s.get() + 1);
        }
    });
    let runaway = run_watchdog(1_000).unwrap().expect("interrupted");
    assert_eq!(steps.get(), 999);
    // Nobody else holds it: dropping the handle kills it (rule 15).
    drop(runaway);
    run().unwrap();
    assert!(unwound.get());
}
