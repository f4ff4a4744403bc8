//! The Mandelbrot picture on one thread: a plain loop over the rows, and a
//! pool of 1 and of 8 worker tasklets, in one run. Work that never waits
//! gains nothing from tasklets on one thread: chapter 6 spreads it over
//! the cores.

use std::hint::black_box;
use std::time::Duration;

use ch05_boss_worker::mandelbrot::{BOOK_SIZE, render, row};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn one_thread(c: &mut Criterion) {
    let mut group = c.benchmark_group("mandelbrot_one_thread");
    group.sample_size(10);
    group.bench_function("loop", |b| {
        b.iter(|| {
            let rows: Vec<Vec<u8>> = (0..BOOK_SIZE.height).map(|y| row(y, BOOK_SIZE)).collect();
            black_box(rows)
        })
    });
    for workers in [1, 8] {
        group.bench_function(BenchmarkId::new("pool", workers), |b| {
            b.iter(|| black_box(render(workers, BOOK_SIZE).unwrap()))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = one_thread
}
criterion_main!(benches);
