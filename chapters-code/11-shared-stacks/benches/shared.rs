//! The price of the copy: two tasklets taking turns with `schedule()`, and
//! a channel ping-pong, on stacks of their own and on one shared region, in
//! the same run. Each tasklet keeps a local array of `bytes` alive across
//! its switches, so a switch on the region copies about that much more out
//! and in again; on stacks of their own the array costs nothing.
//! `ci/ratios` reads the ratios off criterion's estimates.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Instant;

use ch02_scheduler::{Builder, SharedStack, current, run, schedule, schedule_remove};
use ch03_channels::Channel;
use ch11_shared_stacks::shared_region::SharedRegion;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Where the two tasklets run.
#[derive(Clone, Copy)]
enum On {
    Own,
    Region,
}

impl On {
    fn name(self) -> &'static str {
        match self {
            On::Own => "own",
            On::Region => "region",
        }
    }

    /// Spawns `f` here (`region` is used by `Region` only).
    fn spawn(self, region: &Rc<dyn SharedStack>, f: impl FnOnce() + 'static) {
        let spawned = match self {
            On::Own => Builder::new().spawn(f),
            // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
            On::Region => unsafe { Builder::new().spawn_on(Rc::clone(region), f) },
        };
        spawned.expect("spawned");
    }
}

/// Runs `f` with an array of `N` bytes alive in the frame below it.
#[inline(never)]
fn with_live_bytes<const N: usize>(f: impl FnOnce()) {
    let mut local = black_box([1u8; N]);
    f();
    black_box(&mut local);
}

/// Runs `f` with `bytes` bytes alive below it (0, 256, 1024, 4096, 16384).
fn below(bytes: usize, f: impl FnOnce()) {
    match bytes {
        0 => f(),
        256 => with_live_bytes::<256>(f),
        1024 => with_live_bytes::<1024>(f),
        4096 => with_live_bytes::<4096>(f),
        16384 => with_live_bytes::<16384>(f),
        _ => unreachable!("not a size this benchmark measures"),
    }
}

fn switch(c: &mut Criterion) {
    let region: Rc<dyn SharedStack> = SharedRegion::new(64 * 1024).expect("a region");
    let mut group = c.benchmark_group("shared_switch");
    for bytes in [0, 256, 1024, 4096, 16384] {
        for on in [On::Own, On::Region] {
            group.bench_function(BenchmarkId::new(on.name(), bytes), |b| {
                b.iter_custom(|iters| {
                    // As in chapter 2's benchmark: main waits, paused, while
                    // the two take turns; the second puts it back.
                    let main = current();
                    let done = Rc::new(Cell::new(false));
                    let finished = Rc::clone(&done);
                    on.spawn(&region, move || {
                        below(bytes, || (0..iters).for_each(|_| schedule()));
                    });
                    on.spawn(&region, move || {
                        below(bytes, || (0..iters).for_each(|_| schedule()));
                        finished.set(true);
                        main.insert().unwrap();
                    });
                    let start = Instant::now();
                    schedule_remove().unwrap();
                    let took = start.elapsed();
                    assert!(done.get(), "both tasklets took their turns");
                    took / 2
                })
            });
        }
    }
    group.finish();
}

fn ping_pong(c: &mut Criterion) {
    let region: Rc<dyn SharedStack> = SharedRegion::new(64 * 1024).expect("a region");
    let mut group = c.benchmark_group("shared_ping_pong");
    for bytes in [0, 1024] {
        for on in [On::Own, On::Region] {
            group.bench_function(BenchmarkId::new(on.name(), bytes), |b| {
                b.iter_custom(|iters| {
                    let (ping, pong) = (Rc::new(Channel::new()), Rc::new(Channel::new()));
                    let (ping2, pong2) = (Rc::clone(&ping), Rc::clone(&pong));
                    on.spawn(&region, move || {
                        below(bytes, || {
                            for i in 0..iters {
                                ping2.send(i).unwrap();
                                pong2.receive().unwrap();
                            }
                        });
                    });
                    on.spawn(&region, move || {
                        below(bytes, || {
                            for _ in 0..iters {
                                let i = ping.receive().unwrap();
                                pong.send(i).unwrap();
                            }
                        });
                    });
                    let start = Instant::now();
                    run().unwrap();
                    start.elapsed()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, switch, ping_pong);
criterion_main!(benches);
