//! What a channel costs: a ping-pong round trip between two tasklets, next
//! to a raw corosensei resume+suspend pair, the bare channel and tokio's,
//! all measured in the same run.
//! `ci/ratios.py` reads the ratio off criterion's estimates.

use std::rc::Rc;
use std::time::{Duration, Instant};

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};

#[path = "../../yardstick.rs"]
mod yardstick;

#[path = "../../bare.rs"]
mod bare;

fn ping_pong(c: &mut Criterion) {
    let mut group = c.benchmark_group("channel");
    yardstick::raw_resume_suspend(&mut group);
    // ANCHOR: ping_pong
    // One iteration: a value goes to the other tasklet on `ping` and comes
    // back on `pong`. Both channels prefer the receiver (the default).
    group.bench_function("ping_pong", |b| {
        b.iter_custom(|iters| {
            let (ping, pong) = (Channel::new(), Channel::new());
            let (ping_rx, pong_tx) = (ping.clone(), pong.clone());
            spawn(move || {
                for _ in 0..iters {
                    let ball: u64 = ping_rx.receive().unwrap();
                    pong_tx.send(ball + 1).unwrap();
                }
            });
            spawn(move || {
                for ball in 0..iters {
                    ping.send(ball).unwrap();
                    assert_eq!(pong.receive().unwrap(), ball + 1);
                }
            });
            let start = Instant::now();
            run().unwrap();
            start.elapsed()
        })
    });
    // ANCHOR_END: ping_pong
    // The same game on a bare scheduler and channel (`bare.rs`): what a
    // straightforward rendezvous costs, before this book's features.
    group.bench_function("bare_ping_pong", |b| {
        b.iter_custom(|iters| {
            let (ping, pong) = (
                Rc::new(bare::Channel::default()),
                Rc::new(bare::Channel::default()),
            );
            let (ping_rx, pong_tx) = (Rc::clone(&ping), Rc::clone(&pong));
            bare::spawn(move || {
                for _ in 0..iters {
                    pong_tx.send(ping_rx.receive() + 1);
                }
            });
            bare::spawn(move || {
                for ball in 0..iters {
                    ping.send(ball);
                    assert_eq!(pong.receive(), ball + 1);
                }
            });
            let start = Instant::now();
            bare::run();
            start.elapsed()
        })
    });
    tokio_ping_pong(&mut group);
    group.finish();
}

/// The same game with async/await: two tokio tasks on a `current_thread`
/// runtime, over tokio's `mpsc` channels. Tokio has no rendezvous channel;
/// a capacity of 1 is the closest, and lets a sender go on before its value
/// is taken.
fn tokio_ping_pong(group: &mut BenchmarkGroup<'_, WallTime>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    group.bench_function("tokio_ping_pong", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async move {
                let (ping, mut ping_rx) = tokio::sync::mpsc::channel::<u64>(1);
                let (pong_tx, mut pong) = tokio::sync::mpsc::channel::<u64>(1);
                let echo = tokio::task::spawn(async move {
                    while let Some(ball) = ping_rx.recv().await {
                        pong_tx.send(ball + 1).await.unwrap();
                    }
                });
                let player = tokio::task::spawn(async move {
                    for ball in 0..iters {
                        ping.send(ball).await.unwrap();
                        assert_eq!(pong.recv().await, Some(ball + 1));
                    }
                });
                let start = Instant::now();
                player.await.unwrap();
                let elapsed = start.elapsed();
                echo.await.unwrap();
                elapsed
            })
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3));
    targets = ping_pong
}
criterion_main!(benches);
