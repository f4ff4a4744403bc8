//! Chapter 6, exercise 1: a `Barrier` releases a round only when all of it
//! has arrived, across threads, and can be used round after round.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ch02_scheduler::{run, schedule, spawn};
use ch06_ex_barrier::Barrier;
use ch06_many_cores::spawn_thread;

#[path = "../../../tests/support/limit.rs"]
mod limit;
use limit::within_limit;

/// Spawns two tasklets that arrive at `barrier`, check that all four of
/// the round had arrived by the time they passed, and count themselves.
fn two_arrivals(barrier: &Barrier, arrived: &Arc<AtomicUsize>, passed: &Arc<AtomicUsize>) {
    for _ in 0..2 {
        let (b, a, p) = (barrier.clone(), Arc::clone(arrived), Arc::clone(passed));
        spawn(move || {
            a.fetch_add(1, Ordering::SeqCst);
            b.wait();
            assert_eq!(
                a.load(Ordering::SeqCst),
                4,
                "a tasklet passed before the round was full"
            );
            p.fetch_add(1, Ordering::SeqCst);
        });
    }
}

#[test]
fn nobody_passes_before_the_whole_round_has_arrived() {
    within_limit(|| {
        let barrier = Barrier::new(4);
        let (arrived, passed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        // Two tasklets on another thread, two on this one: both threads
        // run schedulers, so a round that never fills is a deadlock, not a
        // hang: `run` returns with the tasklets still blocked, and the
        // count below says so.
        let other = {
            let (b, a, p) = (barrier.clone(), Arc::clone(&arrived), Arc::clone(&passed));
            spawn_thread(move || {
                two_arrivals(&b, &a, &p);
                run().unwrap();
            })
            .unwrap()
        };
        two_arrivals(&barrier, &arrived, &passed);
        run().unwrap();
        other.join().unwrap();
        assert_eq!(passed.load(Ordering::SeqCst), 4);
    });
}

#[test]
fn a_barrier_serves_round_after_round() {
    within_limit(|| {
        let barrier = Barrier::new(2);
        let other = {
            let b = barrier.clone();
            spawn_thread(move || {
                spawn(move || (0..5).for_each(|_| b.wait()));
                run().unwrap();
            })
            .unwrap()
        };
        for _ in 0..5 {
            barrier.wait();
        }
        other.join().unwrap();
    });
}

#[test]
fn each_round_waits_for_its_own_arrivals() {
    within_limit(|| {
        let barrier = Barrier::new(2);
        // Rounds each side has arrived at, and failures seen.
        let arrivals = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let late = Arc::new(AtomicUsize::new(0));
        for side in 0..2 {
            let (b, arrivals, late) = (barrier.clone(), Arc::clone(&arrivals), Arc::clone(&late));
            spawn(move || {
                for round in 1..=3 {
                    // Side 1 dawdles before it arrives, so side 0 is always
                    // first: a barrier that lets it through early is seen.
                    if side == 1 {
                        (0..3).for_each(|_| schedule());
                    }
                    arrivals[side].store(round, Ordering::SeqCst);
                    b.wait();
                    if arrivals[1 - side].load(Ordering::SeqCst) < round {
                        late.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
        run().unwrap();
        assert_eq!(
            late.load(Ordering::SeqCst),
            0,
            "a round let a tasklet through early"
        );
        assert_eq!(
            arrivals[0].load(Ordering::SeqCst),
            3,
            "every round completed"
        );
        assert_eq!(
            arrivals[1].load(Ordering::SeqCst),
            3,
            "every round completed"
        );
    });
}

#[test]
fn a_round_of_one_never_waits() {
    within_limit(|| {
        let barrier = Barrier::new(1);
        barrier.wait();
        barrier.wait();
    });
}
