//! Channels between threads, sleeping threads woken from elsewhere, and a
//! deadlock reported only when no thread can move. Each test runs under a
//! time limit, so that a bug fails instead of hanging.

use std::sync::mpsc;
use std::thread;

use ch02_scheduler::{Builder, catch_tasklet_panic, run, spawn};
use ch06_many_cores::{XChannel, XError, spawn_thread};

#[path = "support/limit.rs"]
mod limit;
use limit::within_limit;

/// A thread whose tasklet answers every number with its double, until
/// `input` is closed.
fn doubler(input: XChannel<u64>, output: XChannel<u64>) -> thread::JoinHandle<()> {
    spawn_thread(move || {
        spawn(move || {
            for n in input {
                output.send(n * 2).unwrap();
            }
            output.close();
        });
        run().unwrap();
    })
    .unwrap()
}

#[test]
fn rule_17_values_go_to_another_thread_and_back() {
    within_limit(|| {
        let (to, from) = (XChannel::new(), XChannel::new());
        let other = doubler(to.clone(), from.clone());
        for n in 0..1_000 {
            to.send(n).unwrap();
            assert_eq!(from.receive().unwrap(), n * 2);
        }
        to.close();
        assert!(matches!(from.receive(), Err(XError::Closed(None))));
        other.join().unwrap();
    });
}

#[test]
fn many_tasklets_on_each_side_all_get_through() {
    within_limit(|| {
        let (to, from) = (XChannel::new(), XChannel::new());
        let workers: Vec<_> = (0..2).map(|_| doubler(to.clone(), from.clone())).collect();
        for k in 0..50 {
            let to = to.clone();
            spawn(move || (0..20).for_each(|i| to.send(k * 20 + i).unwrap()));
        }
        let collected = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let (c, f) = (std::rc::Rc::clone(&collected), from.clone());
        spawn(move || {
            for _ in 0..1_000 {
                let doubled = f.receive().unwrap();
                c.borrow_mut().push(doubled);
            }
        });
        run().unwrap();
        to.close();
        for worker in workers {
            worker.join().unwrap();
        }
        let mut got = collected.borrow().clone();
        got.sort();
        assert_eq!(got, (0..1_000).map(|n| n * 2).collect::<Vec<_>>());
    });
}

#[test]
fn a_tasklet_s_panic_surfaces_from_its_own_thread_s_run() {
    let payload = within_limit(|| {
        spawn_thread(|| {
            Builder::new()
                .name("faulty")
                .spawn(|| std::panic::resume_unwind(Box::new("broken")))
                .unwrap();
            let panic = catch_tasklet_panic(run).expect_err("re-raised");
            format!("{panic}")
        })
        .unwrap()
        .join()
        .unwrap()
    });
    assert_eq!(payload, "tasklet #1 (faulty) panicked: broken");
}

#[test]
fn closing_wakes_a_receiver_on_another_thread() {
    within_limit(|| {
        let channel = XChannel::<u32>::new();
        let rx = channel.clone();
        let (told, heard) = mpsc::channel();
        let other = spawn_thread(move || {
            spawn(move || {
                let outcome = rx.receive();
                told.send(matches!(outcome, Err(XError::Closed(None))))
                    .unwrap();
            });
            run().unwrap();
        })
        .unwrap();
        // Wait until the other thread's tasklet is blocked on the channel
        // (the test's time limit bounds this).
        while channel.balance() != -1 {
            thread::yield_now();
        }
        channel.close();
        assert!(heard.recv().unwrap(), "the receiver got the closed error");
        other.join().unwrap();
    });
}

/// Closes its channel when dropped, as a producer that ends should.
struct ClosesOnDrop(XChannel<u32>);

impl Drop for ClosesOnDrop {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Spawns a producer that stays parked, holding a guard that closes
/// `channel`, and runs the thread's tasklets.
fn park_a_producer(channel: &XChannel<u32>) {
    let forever: ch03_channels::Channel<u8> = ch03_channels::Channel::new();
    let guard = ClosesOnDrop(channel.clone());
    spawn(move || {
        let _guard = guard;
        let _ = forever.receive();
    });
    run().unwrap();
}

#[test]
fn a_destructor_at_thread_exit_may_close_a_cross_thread_channel() {
    // Rule 18 kills the parked producer, and its destructor's close reaches
    // the receiver on another thread.
    let got = within_limit(|| {
        let channel: XChannel<u32> = XChannel::new();
        let tx = channel.clone();
        let member = spawn_thread(move || {
            park_a_producer(&tx);
            tx.send(1).unwrap();
        })
        .unwrap();
        let first = channel.receive().map_err(|e| e.to_string());
        let then = channel.receive().map_err(|e| e.to_string());
        member.join().unwrap();
        (first, then)
    });
    assert_eq!(got.0, Ok(1));
    assert!(got.1.unwrap_err().contains("closed"));
}

#[test]
fn a_thread_that_joins_the_world_late_may_close_at_exit_too() {
    // A plain thread spawns its tasklets first and only then uses a
    // cross-thread channel: its membership still outlives its tasklets.
    let closed = within_limit(|| {
        let channel: XChannel<u32> = XChannel::new();
        let tx = channel.clone();
        thread::spawn(move || {
            park_a_producer(&tx);
            XChannel::<u8>::new().close(); // joins the world now
        })
        .join()
        .unwrap();
        channel.receive().map_err(|e| e.to_string())
    });
    assert!(closed.unwrap_err().contains("closed"));
}
