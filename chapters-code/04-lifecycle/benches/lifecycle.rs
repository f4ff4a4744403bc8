//! What killing and selecting cost: killing a blocked tasklet, and a
//! round trip whose receiving side selects over 2 or 8 channels, next to
//! the same round trip with a plain receive, and the raw resume+suspend
//! pair, all in one run. `ci/ratios.py` reads the figures.

use std::time::{Duration, Instant};

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;
use ch04_lifecycle::{Kill, select};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

#[path = "../../yardstick.rs"]
mod yardstick;

// ANCHOR: kill
fn kill(c: &mut Criterion) {
    let mut group = c.benchmark_group("kill");
    group.bench_function("blocked", |b| {
        b.iter_custom(|iters| {
            let channel: Channel<u32> = Channel::new();
            let victims: Vec<_> = (0..iters)
                .map(|_| {
                    let rx = channel.clone();
                    spawn(move || drop(rx.receive()))
                })
                .collect();
            run().unwrap(); // every victim now waits on the channel
            let start = Instant::now();
            for victim in &victims {
                victim.kill().unwrap();
            }
            start.elapsed()
        })
    });
    // The yardstick for a kill: one panic caught a few frames up, on the
    // thread's own stack. Both are mostly Rust's unwinder at work.
    group.bench_function("resume_unwind_and_catch", |b| {
        b.iter(|| {
            let caught = std::panic::catch_unwind(|| {
                std::panic::resume_unwind(Box::new(ch04_lifecycle::TaskletExit))
            });
            std::hint::black_box(caught).unwrap_err()
        })
    });
    group.finish();
}
// ANCHOR_END: kill

// ANCHOR: select
fn select_round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("select");
    yardstick::raw_resume_suspend(&mut group);
    // `None`: a plain receive, the baseline; `Some(k)`: select over k
    // channels, the value arriving on the last one.
    for ways in [None, Some(2), Some(8)] {
        let id = match ways {
            None => BenchmarkId::new("round_trip", "receive"),
            Some(k) => BenchmarkId::new("round_trip", k),
        };
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                let k = ways.unwrap_or(1);
                let inbox: Vec<Channel<u64>> = (0..k).map(|_| Channel::new()).collect();
                let reply = Channel::new();
                let (rx, tx) = (inbox.clone(), reply.clone());
                spawn(move || {
                    let refs: Vec<&Channel<u64>> = rx.iter().collect();
                    for _ in 0..iters {
                        let ball = match ways {
                            None => refs[0].receive().unwrap(),
                            Some(_) => select(&refs, None).unwrap().1,
                        };
                        tx.send(ball + 1).unwrap();
                    }
                });
                spawn(move || {
                    for ball in 0..iters {
                        inbox[k - 1].send(ball).unwrap();
                        assert_eq!(reply.receive().unwrap(), ball + 1);
                    }
                });
                let start = Instant::now();
                run().unwrap();
                start.elapsed()
            })
        });
    }
    group.finish();
}
// ANCHOR_END: select

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = kill, select_round_trip
}
criterion_main!(benches);
