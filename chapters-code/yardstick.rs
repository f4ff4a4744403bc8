//! The yardstick that every scheduler benchmark is measured against: a raw
//! corosensei resume+suspend pair, the least a switch between two stacks
//! can cost.
//!
//! Included by path (`#[path]`) from each chapter's benchmarks, so that a
//! ratio divides two figures measured in the same run.

use corosensei::{Coroutine, CoroutineResult};
use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;

/// Benchmarks `raw_resume_suspend` in `group`: resume a coroutine that
/// suspends straight back.
pub fn raw_resume_suspend(group: &mut BenchmarkGroup<'_, WallTime>) {
    let mut raw = Coroutine::new(|yielder, ()| {
        loop {
            yielder.suspend(());
        }
    });
    group.bench_function("raw_resume_suspend", |b| {
        b.iter(|| match raw.resume(()) {
            CoroutineResult::Yield(()) => {}
            CoroutineResult::Return(()) => unreachable!(),
        })
    });
}
