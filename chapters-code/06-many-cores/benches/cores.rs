//! Every core: the Mandelbrot picture on one thread and on two, and a round
//! trip between two threads over an `XChannel` next to `std::sync::mpsc`,
//! all in one run. `ci/ratios.py` reads the figures.

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ch02_scheduler::{run, spawn};
use ch05_boss_worker::mandelbrot::BOOK_SIZE;
use ch06_many_cores::{XChannel, render_on_threads, spawn_thread};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

// ANCHOR: mandelbrot
fn mandelbrot(c: &mut Criterion) {
    let mut group = c.benchmark_group("mandelbrot_cores");
    group.sample_size(10);
    for threads in [1, 2] {
        group.bench_function(BenchmarkId::new("threads", threads), |b| {
            b.iter(|| black_box(render_on_threads(threads, 4, BOOK_SIZE).unwrap()))
        });
    }
    group.finish();
}
// ANCHOR_END: mandelbrot

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("cross_thread_round_trip");
    // ANCHOR: round_trip
    group.bench_function("xchannel", |b| {
        b.iter_custom(|iters| {
            let (to, from) = (XChannel::<u64>::new(), XChannel::<u64>::new());
            let (input, output) = (to.clone(), from.clone());
            let other = spawn_thread(move || {
                spawn(move || {
                    for n in input {
                        output.send(n + 1).unwrap();
                    }
                });
                run().unwrap();
            })
            .unwrap();
            let start = Instant::now();
            for n in 0..iters {
                to.send(n).unwrap();
                assert_eq!(from.receive().unwrap(), n + 1);
            }
            let elapsed = start.elapsed();
            to.close();
            other.join().unwrap();
            elapsed
        })
    });
    // ANCHOR_END: round_trip
    group.bench_function("std_mpsc", |b| {
        b.iter_custom(|iters| {
            let (to, input) = mpsc::channel::<u64>();
            let (output, from) = mpsc::channel::<u64>();
            let other = std::thread::spawn(move || {
                for n in input {
                    output.send(n + 1).unwrap();
                }
            });
            let start = Instant::now();
            for n in 0..iters {
                to.send(n).unwrap();
                assert_eq!(from.recv().unwrap(), n + 1);
            }
            let elapsed = start.elapsed();
            drop(to);
            other.join().unwrap();
            elapsed
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(5));
    targets = mandelbrot, round_trip
}
criterion_main!(benches);
