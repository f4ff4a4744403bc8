//! Hackysack with N players, on tasklets (N up to 100,000) and on threads
//! (N up to 10,000: the machine's thread limit is shared, never approach
//! it). Each iteration plays a whole game: spawning the players, 10,000
//! kicks, and sending everyone home.
//!
//! `cargo bench -p ch02-scheduler --bench hackysack`

use std::time::Duration;

use ch02_scheduler::hackysack;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const KICKS: u64 = 10_000;

// ANCHOR: bench
fn hackysack(c: &mut Criterion) {
    let mut group = c.benchmark_group("hackysack");
    group.sample_size(10);
    for players in [10, 100, 1_000, 10_000, 100_000] {
        group.bench_with_input(BenchmarkId::new("tasklets", players), &players, |b, &n| {
            b.iter(|| hackysack::tasklets(n, KICKS, 42).unwrap())
        });
    }
    for players in [10, 100, 1_000, 10_000] {
        group.bench_with_input(BenchmarkId::new("threads", players), &players, |b, &n| {
            b.iter(|| hackysack::threads(n, KICKS, 42).unwrap())
        });
    }
    group.finish();
}
// ANCHOR_END: bench

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(10));
    targets = hackysack
}
criterion_main!(benches);
