//! Operations to count instructions of, one kind per process, under
//! callgrind (`ci/instructions` runs it): unlike a time, an instruction
//! count is the same from run to run, so it can be compared commit to
//! commit on a noisy machine. Each operation runs `N` times; the script
//! runs it for two values of `N` and divides the difference, so that
//! start-up and teardown cancel out.
//!
//! `cargo bench --bench instructions -- OP N`; with no arguments (as
//! `cargo bench` runs it) it lists the operations and does nothing.

use std::hint::black_box;
use std::rc::Rc;

use ch01_tasklets::StackPool;
use ch02_scheduler::{current, run, schedule, spawn};
use ch03_channels::Channel;
use corosensei::{Coroutine, CoroutineResult, Yielder};

#[path = "../../bare.rs"]
mod bare;

/// An operation's name, what one of its `n` repetitions is, and the code.
type Op = (&'static str, &'static str, fn(u64));

const OPS: &[Op] = &[
    ("raw", "a raw corosensei resume + suspend pair", raw),
    (
        "bare_dispatcher",
        "a switch on the bare dispatcher",
        bare_dispatcher,
    ),
    (
        "schedule",
        "a `schedule()`: one tasklet yields, the other runs",
        schedule_pair,
    ),
    (
        "bare_ping_pong",
        "a round trip on the bare channel",
        bare_ping_pong,
    ),
    (
        "ping_pong",
        "a channel round trip between two tasklets",
        ping_pong,
    ),
    (
        "bare_coroutine",
        "a bare coroutine on a pooled stack, run to its end",
        bare_coroutine,
    ),
    (
        "spawn_run",
        "`spawn` + `run` of an empty tasklet",
        spawn_run,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let found = args
        .first()
        .and_then(|op| OPS.iter().find(|(name, ..)| name == op));
    let (Some((_, _, op)), Some(Ok(n))) = (found, args.get(1).map(|n| n.parse::<u64>())) else {
        eprintln!("usage: instructions OP N, with OP one of:");
        for (name, what, _) in OPS {
            eprintln!("  {name:16} {what}");
        }
        return;
    };
    op(n);
}

fn raw(n: u64) {
    let mut raw = Coroutine::new(|yielder, ()| {
        loop {
            yielder.suspend(());
        }
    });
    for _ in 0..n {
        match raw.resume(()) {
            CoroutineResult::Yield(()) => {}
            CoroutineResult::Return(()) => unreachable!(),
        }
    }
}

/// Two tasklets take turns, `n / 2` times each: `n` switches.
fn bare_dispatcher(n: u64) {
    for _ in 0..2 {
        bare::spawn(move || (0..n / 2).for_each(|_| bare::schedule()));
    }
    bare::run();
}

fn schedule_pair(n: u64) {
    let main = current();
    let a = spawn(move || (0..n / 2).for_each(|_| schedule()));
    spawn(move || {
        (0..n / 2).for_each(|_| schedule());
        main.insert().unwrap();
    });
    a.switch().unwrap();
}

fn bare_ping_pong(n: u64) {
    let (ping, pong) = (
        Rc::new(bare::Channel::default()),
        Rc::new(bare::Channel::default()),
    );
    let (ping_rx, pong_tx) = (Rc::clone(&ping), Rc::clone(&pong));
    bare::spawn(move || (0..n).for_each(|_| pong_tx.send(ping_rx.receive() + 1)));
    bare::spawn(move || {
        for ball in 0..n {
            ping.send(ball);
            assert_eq!(pong.receive(), ball + 1);
        }
    });
    bare::run();
}

fn ping_pong(n: u64) {
    let (ping, pong) = (Channel::new(), Channel::new());
    let (ping_rx, pong_tx) = (ping.clone(), pong.clone());
    spawn(move || {
        for _ in 0..n {
            let ball: u64 = ping_rx.receive().unwrap();
            pong_tx.send(ball + 1).unwrap();
        }
    });
    spawn(move || {
        for ball in 0..n {
            ping.send(ball).unwrap();
            assert_eq!(pong.receive().unwrap(), ball + 1);
        }
    });
    run().unwrap();
}

fn bare_coroutine(n: u64) {
    let pool = StackPool::new(ch01_tasklets::DEFAULT_STACK_SIZE);
    for _ in 0..n {
        let stack = pool.get().unwrap();
        let mut coroutine = Coroutine::with_stack(stack, |_: &Yielder<(), ()>, ()| black_box(()));
        match coroutine.resume(()) {
            CoroutineResult::Return(()) => drop(coroutine.into_stack()),
            CoroutineResult::Yield(()) => unreachable!(),
        }
    }
}

fn spawn_run(n: u64) {
    for _ in 0..n {
        spawn(|| black_box(()));
        run().unwrap();
    }
}
