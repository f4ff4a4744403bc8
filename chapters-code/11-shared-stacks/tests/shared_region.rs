//! Chapter 2's tasklets on shared regions, mixed with tasklets that own
//! their stacks, under one scheduler.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{Builder, State, run, schedule, spawn};
use ch11_shared_stacks::shared_region::SharedRegion;

type Log = Rc<RefCell<Vec<String>>>;

/// A tasklet that keeps a local array and a pointer into it across its
/// switches, and logs what it finds after each.
fn worker(name: &'static str, log: &Log, turns: usize) -> impl FnOnce() + 'static {
    let log = Rc::clone(log);
    move || {
        let mut local = [0u64; 32];
        let first = &raw mut local[0];
        for turn in 0..turns {
            local[turn % 32] = turn as u64 + 1;
            schedule();
            // SAFETY: `first` points into `local`, alive in this frame.
            let seen = unsafe { *first };
            let sum: u64 = local.iter().sum();
            log.borrow_mut().push(format!("{name}{turn}:{seen}:{sum}"));
        }
    }
}

#[test]
fn tasklets_on_one_region_keep_their_frames_and_interleave_exactly() {
    let log = Log::default();
    let region = SharedRegion::new(64 * 1024).unwrap();
    for name in ["a", "b", "c"] {
        // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
        unsafe { Builder::new().spawn_on(region.clone(), worker(name, &log, 3)) }.unwrap();
    }
    spawn(worker("own", &log, 3));
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "a0:1:1", "b0:1:1", "c0:1:1", "own0:1:1", //
            "a1:1:3", "b1:1:3", "c1:1:3", "own1:1:3", //
            "a2:1:6", "b2:1:6", "c2:1:6", "own2:1:6",
        ]
    );
    assert!(region.swaps() >= 9, "{} swaps", region.swaps());
}

/// Logs its name when dropped: proof that an unwinding ran a frame's
/// destructors.
struct Noisy(&'static str, Log);

impl Drop for Noisy {
    fn drop(&mut self) {
        self.1.borrow_mut().push(format!("drop {}", self.0));
    }
}

#[test]
fn a_parked_tasklet_whose_bytes_are_out_is_killed_on_its_own_bytes() {
    use ch03_channels::Channel;
    use ch04_lifecycle::Kill;

    let log = Log::default();
    let region = SharedRegion::new(64 * 1024).unwrap();
    let channel = Rc::new(Channel::<u32>::new());
    let victim = {
        let (log, channel) = (Rc::clone(&log), Rc::clone(&channel));
        // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
        unsafe {
            Builder::new().spawn_on(region.clone(), move || {
                let _guard = Noisy("victim", Rc::clone(&log));
                let value = channel.receive();
                log.borrow_mut().push(format!("victim got {value:?}"));
            })
        }
        .unwrap()
    };
    // Another tasklet takes the region, so the victim's bytes are out.
    let other = {
        let log = Rc::clone(&log);
        // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
        unsafe {
            Builder::new().spawn_on(region.clone(), move || {
                let _guard = Noisy("other", Rc::clone(&log));
                schedule();
                log.borrow_mut().push("other done".into());
            })
        }
        .unwrap()
    };
    let killer = {
        let log = Rc::clone(&log);
        spawn(move || {
            victim.kill().unwrap();
            log.borrow_mut()
                .push(format!("killed: {}", victim.state() == State::Dead));
        })
    };
    run().unwrap();
    assert_eq!((other.state(), killer.state()), (State::Dead, State::Dead));
    assert_eq!(
        *log.borrow(),
        ["drop victim", "killed: true", "other done", "drop other"]
    );
}

#[test]
fn a_panic_on_a_shared_region_reaches_main_and_the_others_go_on() {
    let log = Log::default();
    let region = SharedRegion::new(64 * 1024).unwrap();
    // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
    unsafe {
        Builder::new().name("doomed").spawn_on(region.clone(), || {
            schedule();
            panic!("boom");
        })
    }
    .unwrap();
    // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
    unsafe { Builder::new().spawn_on(region.clone(), worker("a", &log, 3)) }.unwrap();
    let error = ch02_scheduler::catch_tasklet_panic(run).unwrap_err();
    assert!(error.to_string().contains("doomed"), "{error}");
    run().unwrap();
    assert_eq!(*log.borrow(), ["a0:1:1", "a1:1:3", "a2:1:6"]);
}

/// A ring of tasklets passing a token over channels: tasklets on two
/// regions and on stacks of their own, with recursion of different depths
/// before each send, so every swap copies a slice of a different size.
#[test]
fn a_mixed_ring_passes_a_token_through_every_kind_of_tasklet() {
    use ch03_channels::Channel;

    fn deep(depth: u32, channel: &Channel<u64>, token: u64) -> u64 {
        let pad = std::hint::black_box([depth as u8; 64]);
        if depth == 0 {
            channel.send(token).unwrap();
            return u64::from(pad[0]);
        }
        deep(depth - 1, channel, token) + u64::from(pad[1])
    }

    const TASKLETS: usize = 30;
    const LAPS: u64 = 50;
    let regions = [
        SharedRegion::new(256 * 1024).unwrap(),
        SharedRegion::new(256 * 1024).unwrap(),
    ];
    let channels: Vec<Rc<Channel<u64>>> = (0..TASKLETS).map(|_| Rc::new(Channel::new())).collect();
    let total = Rc::new(std::cell::Cell::new(0u64));
    let mut rng = fastrand::Rng::with_seed(11);
    for i in 0..TASKLETS {
        let (inbox, outbox) = (
            Rc::clone(&channels[i]),
            Rc::clone(&channels[(i + 1) % TASKLETS]),
        );
        let depth = rng.u32(0..40);
        let total = Rc::clone(&total);
        let body = move || {
            for _ in 0..LAPS {
                let token = inbox.receive().unwrap();
                total.set(total.get() + 1);
                deep(depth, &outbox, token + 1);
            }
        };
        match i % 3 {
            0 => drop(spawn(body)),
            k => drop(
                // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
                unsafe { Builder::new().spawn_on(regions[k - 1].clone(), body) }.unwrap(),
            ),
        }
    }
    let first = Rc::clone(&channels[0]);
    spawn(move || first.send(0).unwrap());
    // The last tasklet's last send finds no receiver: it stays blocked,
    // and run reports the deadlock once the rest have finished.
    let _ = run();
    assert_eq!(total.get(), TASKLETS as u64 * LAPS);
    assert!(regions.iter().all(|r| r.swaps() > 0));
}

/// Spawns `f` on `region`; every tasklet of these tests lends nothing of
/// its stack.
fn spawn_here(region: &Rc<SharedRegion>, f: impl FnOnce() + 'static) -> ch02_scheduler::Tasklet {
    // SAFETY: the tasklet lends nothing of its stack: no scoped thread borrows from it, nothing reads through a pointer into it while it is away.
    unsafe { Builder::new().spawn_on(region.clone(), f) }.unwrap()
}

#[test]
fn a_region_is_freed_when_its_last_tasklet_ends_though_its_owner_let_go_first() {
    let region = SharedRegion::new(64 * 1024).unwrap();
    let weak = Rc::downgrade(&region);
    for _ in 0..3 {
        spawn_here(&region, schedule);
    }
    drop(region);
    assert!(weak.upgrade().is_some(), "its tasklets hold it");
    run().unwrap();
    assert!(weak.upgrade().is_none(), "freed with its last tasklet");
}

#[test]
fn a_tasklet_spawned_from_the_region_onto_it_runs_deep_and_leaves_its_parent_whole() {
    fn deep(depth: u32) -> u64 {
        let pad = std::hint::black_box([depth as u8; 128]);
        if depth == 0 {
            schedule();
            return u64::from(pad[0]);
        }
        deep(depth - 1) + u64::from(pad[127])
    }
    let region = SharedRegion::new(256 * 1024).unwrap();
    let log = Log::default();
    let (inner, parent_log) = (Rc::clone(&region), Rc::clone(&log));
    spawn_here(&region, move || {
        let mine = std::hint::black_box([0x5Au8; 512]);
        let child_log = Rc::clone(&parent_log);
        spawn_here(&inner, move || {
            child_log.borrow_mut().push(format!("child {}", deep(400)));
        });
        schedule(); // the child runs, 400 frames deep, and switches back here
        schedule();
        let whole = mine.iter().all(|&b| b == 0x5A);
        parent_log
            .borrow_mut()
            .push(format!("parent whole: {whole}"));
    });
    run().unwrap();
    let log = log.borrow();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.contains(&"parent whole: true".to_owned()), "{log:?}");
    assert!(log.iter().any(|l| l.starts_with("child ")), "{log:?}");
}

#[test]
fn killing_a_tasklet_that_never_ran_leaves_the_occupant_whole() {
    use ch04_lifecycle::Kill;

    let region = SharedRegion::new(64 * 1024).unwrap();
    let log = Log::default();
    let never = {
        let log = Rc::clone(&log);
        spawn_here(&region, move || log.borrow_mut().push("never ran".into()))
    };
    // Run at once, before `never` has had a turn.
    let keeper = {
        let log = Rc::clone(&log);
        spawn_here(&region, move || {
            let mine = std::hint::black_box([0xC3u8; 256]);
            never.kill().unwrap();
            let whole = mine.iter().all(|&b| b == 0xC3);
            log.borrow_mut().push(format!("keeper whole: {whole}"));
        })
    };
    keeper.run().unwrap();
    run().unwrap();
    assert_eq!(*log.borrow(), ["keeper whole: true"]);
}

#[test]
fn a_thread_that_exits_with_tasklets_parked_on_a_region_unwinds_each_on_its_own_bytes() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use ch03_channels::Channel;

    /// Counts, as it is dropped, whether its frame's bytes were still its own.
    struct Whole(Arc<AtomicU32>, [u8; 64], u8);
    impl Drop for Whole {
        fn drop(&mut self) {
            if self.1.iter().all(|&b| b == self.2) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    let whole = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&whole);
    std::thread::spawn(move || {
        let region = SharedRegion::new(64 * 1024).unwrap();
        let channel = Rc::new(Channel::<u8>::new());
        for i in 0..3u8 {
            let (counted, channel) = (Arc::clone(&counted), Rc::clone(&channel));
            spawn_here(&region, move || {
                let _whole = Whole(counted, std::hint::black_box([i; 64]), i);
                let _ = channel.receive();
            });
        }
        // Every tasklet parks, and `run` returns with nothing runnable. The
        // thread's exit then kills each, on its own bytes.
        run().unwrap();
    })
    .join()
    .unwrap();
    assert_eq!(whole.load(Ordering::Relaxed), 3);
}

// ANCHOR: scoped
/// Safe Rust, and sound on a stack of its own. On a region it is not: while
/// the tasklet is parked, the scoped thread writes into whichever tasklet
/// occupies the region.
fn count_while_parked(channel: &ch03_channels::Channel<u8>) -> u64 {
    let mut hits = 0u64; // a local: on the tasklet's stack
    std::thread::scope(|s| {
        s.spawn(|| (0..1000).for_each(|_| hits += 1)); // another thread borrows it
        let _ = channel.receive(); // parks: the tasklet switches away
    });
    hits
}
// ANCHOR_END: scoped

#[test]
fn a_scoped_thread_may_borrow_from_a_tasklet_with_a_stack_of_its_own() {
    let channel = Rc::new(ch03_channels::Channel::new());
    let counted = Rc::new(std::cell::Cell::new(0));
    let (inbox, seen) = (Rc::clone(&channel), Rc::clone(&counted));
    spawn(move || seen.set(count_while_parked(&inbox)));
    spawn(move || channel.send(1).unwrap());
    run().unwrap();
    assert_eq!(counted.get(), 1000);
}
