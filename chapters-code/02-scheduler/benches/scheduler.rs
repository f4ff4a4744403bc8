//! The scheduler's costs, each next to its yardstick in the same run:
//! `schedule()` next to a raw corosensei resume+suspend pair (and to a bare
//! trampoline, a bare dispatcher and two tokio tasks taking turns), and a
//! tasklet's spawn+run next to a
//! thread's spawn+join (and to a bare coroutine's). `ci/ratios` reads the ratios off
//! criterion's estimates.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ch01_tasklets::StackPool;
use ch02_scheduler::{Builder, current, run, schedule, spawn};
use corosensei::{Coroutine, CoroutineResult, Yielder};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

#[path = "../../yardstick.rs"]
mod yardstick;

#[path = "../../bare.rs"]
mod bare;

// ANCHOR: switch
fn switch(c: &mut Criterion) {
    let mut group = c.benchmark_group("switch");
    // The yardstick: resume a coroutine that suspends straight back.
    yardstick::raw_resume_suspend(&mut group);
    // A bare trampoline: two coroutines resumed in turn by one loop.
    let mut pair = [0, 1].map(|_| {
        Coroutine::new(|yielder, ()| {
            loop {
                yielder.suspend(());
            }
        })
    });
    group.bench_function("trampoline", |b| {
        let mut i = 0;
        b.iter(|| {
            i ^= 1;
            match pair[i].resume(()) {
                CoroutineResult::Yield(()) => {}
                CoroutineResult::Return(()) => unreachable!(),
            }
        })
    });
    // The same on a bare dispatcher: a ring, and nothing else.
    group.bench_function("bare_dispatcher", |b| {
        b.iter_custom(|iters| {
            for _ in 0..2 {
                bare::spawn(move || (0..iters).for_each(|_| bare::schedule()));
            }
            let start = Instant::now();
            bare::run();
            start.elapsed() / 2
        })
    });
    // Two tasklets take turns; main is out of the ring meanwhile (switch),
    // so each `schedule()` is one tasklet yielding and the other running.
    group.bench_function("schedule", |b| {
        b.iter_custom(|iters| {
            let main = current();
            let a = spawn(move || (0..iters).for_each(|_| schedule()));
            spawn(move || {
                (0..iters).for_each(|_| schedule());
                main.insert().unwrap();
            });
            let start = Instant::now();
            // Leave main paused and start the two players.
            a.switch().unwrap();
            start.elapsed() / 2
        })
    });
    tokio_yield_now(&mut group);
    group.finish();
}
// ANCHOR_END: switch

/// The same game with async/await: two tokio tasks on a `current_thread`
/// runtime take turns with `yield_now`, in the same run as `schedule()`.
fn tokio_yield_now(group: &mut BenchmarkGroup<'_, WallTime>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    group.bench_function("tokio_yield_now", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async move {
                let players: Vec<_> = (0..2)
                    .map(|_| {
                        tokio::task::spawn(async move {
                            for _ in 0..iters {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                let start = Instant::now();
                for player in players {
                    player.await.unwrap();
                }
                start.elapsed() / 2
            })
        })
    });
}

fn spawn_and_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_and_run");
    // Warm the stack pool so the bench measures reuse, as a server would.
    Builder::new().spawn(|| {}).unwrap();
    run().unwrap();
    group.bench_function("tasklet", |b| {
        b.iter(|| {
            spawn(|| black_box(()));
            run().unwrap();
        })
    });
    group.bench_function("thread", |b| {
        b.iter(|| std::thread::spawn(|| black_box(())).join().unwrap())
    });
    // The floor: a bare coroutine on a pooled stack, run to its end, its
    // stack given back; no scheduler at all.
    let pool = StackPool::new(ch01_tasklets::DEFAULT_STACK_SIZE);
    group.bench_function("bare_coroutine", |b| {
        b.iter(|| {
            let stack = pool.get().unwrap();
            let mut coroutine =
                Coroutine::with_stack(stack, |_: &Yielder<(), ()>, ()| black_box(()));
            match coroutine.resume(()) {
                CoroutineResult::Return(()) => drop(coroutine.into_stack()),
                CoroutineResult::Yield(()) => unreachable!(),
            }
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = switch, spawn_and_run
}
criterion_main!(benches);
