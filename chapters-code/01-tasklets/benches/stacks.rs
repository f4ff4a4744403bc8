//! What a stack costs: a fresh corosensei `DefaultStack` (mmap + guard page)
//! next to one reused from the pool, and the raw resume+suspend round trip
//! that every later chapter is measured against. `ci/ratios` reads the
//! ratios off criterion's estimates.

use std::hint::black_box;
use std::time::Duration;

use ch01_tasklets::{DEFAULT_STACK_SIZE, StackPool};
use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, CoroutineResult};
use criterion::{Criterion, criterion_group, criterion_main};

// ANCHOR: stacks
fn stacks(c: &mut Criterion) {
    let mut group = c.benchmark_group("stack");
    group.bench_function("fresh_default_stack", |b| {
        b.iter(|| DefaultStack::new(black_box(DEFAULT_STACK_SIZE)).unwrap())
    });
    let pool = StackPool::new(DEFAULT_STACK_SIZE);
    drop(pool.get().unwrap()); // carve one, so the bench measures reuse
    group.bench_function("pooled_reuse", |b| b.iter(|| pool.get().unwrap()));
    group.finish();
}
// ANCHOR_END: stacks

fn round_trip(c: &mut Criterion) {
    let mut co = Coroutine::new(|yielder, ()| {
        loop {
            yielder.suspend(());
        }
    });
    c.bench_function("raw_resume_suspend", |b| {
        b.iter(|| match co.resume(()) {
            CoroutineResult::Yield(()) => {}
            CoroutineResult::Return(()) => unreachable!(),
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = stacks, round_trip
}
criterion_main!(benches);
