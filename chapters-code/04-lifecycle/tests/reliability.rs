//! Kills, the watchdog and timers where the book's rules are easiest to
//! break: from the idle hook, across blocked tasklets, at thread exit.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ch02_scheduler::{
    Builder, Error, Idle, IdleHook, State, Tasklet, atomic, run, run_watchdog, set_idle_hook,
    spawn, switch_point,
};
use ch03_channels::Channel;
use ch04_lifecycle::{Kill, receive_timeout, sleep, time};

/// What a kill from the hook returned, once it was made.
type Outcome = Rc<RefCell<Option<Result<(), Error>>>>;

/// An idle hook that kills a tasklet, once, the way it is told.
struct Kills {
    victim: Option<Tasklet>,
    pending: bool,
    outcome: Outcome,
}

impl IdleHook for Kills {
    fn wait(&mut self) -> Idle {
        let Some(victim) = self.victim.take() else {
            return Idle::Nothing;
        };
        let outcome = if self.pending {
            victim.kill_pending()
        } else {
            victim.kill()
        };
        *self.outcome.borrow_mut() = Some(outcome);
        Idle::Woke
    }
}

/// A receiver blocked on `channel`, and the hook that kills it.
fn receiver_and_hook(channel: &Channel<u32>, pending: bool) -> (Tasklet, Outcome) {
    let rx = channel.clone();
    let victim = spawn(move || {
        let _ = rx.receive();
    });
    let outcome = Rc::default();
    set_idle_hook(Some(Box::new(Kills {
        victim: Some(victim.clone()),
        pending,
        outcome: Rc::clone(&outcome),
    })));
    (victim, outcome)
}

#[test]
fn a_kill_refused_in_the_idle_hook_changes_nothing() {
    let channel: Channel<u32> = Channel::new();
    let (victim, outcome) = receiver_and_hook(&channel, false);
    run().unwrap();
    set_idle_hook(None);
    assert!(matches!(
        outcome.borrow_mut().take(),
        Some(Err(Error::Reentered { .. }))
    ));
    assert_eq!((victim.state(), channel.balance()), (State::Blocked, -1));
    // The receiver still waits, and takes the next value.
    let tx = channel.clone();
    spawn(move || tx.send(5).unwrap());
    run().unwrap();
    assert_eq!((victim.state(), channel.balance()), (State::Dead, 0));
}

#[test]
fn the_idle_hook_may_kill_pending() {
    let channel: Channel<u32> = Channel::new();
    let (victim, outcome) = receiver_and_hook(&channel, true);
    run().unwrap();
    set_idle_hook(None);
    assert!(matches!(outcome.borrow_mut().take(), Some(Ok(()))));
    assert_eq!((victim.state(), channel.balance()), (State::Dead, 0));
}

#[test]
fn kill_pending_unwinds_the_victim_at_its_turn_not_before() {
    let channel: Channel<u32> = Channel::new();
    let rx = channel.clone();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = Rc::clone(&log);
    let victim = spawn(move || {
        struct Bye(Rc<RefCell<Vec<&'static str>>>);
        impl Drop for Bye {
            fn drop(&mut self) {
                self.0.borrow_mut().push("victim unwound");
            }
        }
        let _bye = Bye(l);
        let _ = rx.receive();
    });
    run().unwrap();
    victim.kill_pending().unwrap();
    log.borrow_mut().push("kill_pending returned");
    assert_eq!((victim.state(), channel.balance()), (State::Scheduled, 0));
    run().unwrap();
    assert_eq!(*log.borrow(), ["kill_pending returned", "victim unwound"]);
    assert!(victim.is_dead());
}

#[test]
fn atomic_shields_only_the_tasklet_inside_it() {
    let channel: Channel<u32> = Channel::new();
    let rx = channel.clone();
    let blocked_inside = Builder::new()
        .name("blocked inside atomic")
        .spawn(move || {
            atomic(|| {
                let _ = rx.receive();
            });
            for _ in 0..3 {
                switch_point();
            }
        })
        .unwrap();
    let points = Rc::new(Cell::new(0));
    let p = Rc::clone(&points);
    Builder::new()
        .name("runaway")
        .spawn(move || {
            for _ in 0..1000 {
                switch_point();
                p.set(p.get() + 1);
            }
        })
        .unwrap();
    let interrupted = run_watchdog(10)
        .unwrap()
        .expect("the runaway is interrupted");
    assert_eq!(interrupted.name(), Some("runaway"));
    assert_eq!(points.get(), 9);
    interrupted.kill().unwrap();
    // The blocked tasklet leaves its section and passes 3 switch points of
    // its budget of 10: nobody is interrupted.
    let tx = channel.clone();
    spawn(move || tx.send(1).unwrap());
    assert!(run_watchdog(10).unwrap().is_none());
    assert!(blocked_inside.is_dead());
}

#[test]
fn the_budget_spent_inside_atomic_interrupts_at_its_end() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = Rc::clone(&log);
    Builder::new()
        .name("busy")
        .spawn(move || {
            atomic(|| {
                for _ in 0..20 {
                    switch_point();
                }
                l.borrow_mut().push("left atomic");
            });
            l.borrow_mut().push("resumed after the interrupt");
        })
        .unwrap();
    let interrupted = run_watchdog(5)
        .unwrap()
        .expect("interrupted at the end of atomic");
    assert_eq!(*log.borrow(), ["left atomic"]);
    interrupted.insert().unwrap();
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["left atomic", "resumed after the interrupt"]
    );
}

#[test]
fn at_thread_exit_a_destructor_can_still_use_timers() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = Arc::clone(&log);
    std::thread::spawn(move || {
        struct UsesTimers(Channel<u32>, Arc<Mutex<Vec<String>>>);
        impl Drop for UsesTimers {
            fn drop(&mut self) {
                let _ = time::now();
                let timed = receive_timeout(&self.0, Duration::from_millis(10));
                let slept = sleep(Duration::from_millis(10));
                let mut log = self.1.lock().unwrap();
                log.push(format!("{:?}", timed.map_err(|e| e.to_string())));
                log.push(format!("{:?}", slept.map_err(|e| e.to_string())));
            }
        }
        let forever: Channel<u32> = Channel::new();
        let guard = UsesTimers(forever.clone(), l);
        spawn(move || {
            let _guard = guard;
            let _ = forever.receive();
        });
        // A timer used before: the timers exist when the thread exits.
        spawn(|| sleep(Duration::from_millis(1)).unwrap());
        run().unwrap();
    })
    .join()
    .expect("the thread exits cleanly");
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log.iter().all(|l| l.contains("unwinding")), "{log:?}");
}

#[test]
fn a_tasklet_that_dies_while_its_kill_drops_an_old_payload_leaves_no_trace_in_the_ring() {
    /// An earlier pending payload whose destructor lets the victim run.
    struct LetsItRun;
    impl Drop for LetsItRun {
        fn drop(&mut self) {
            ch02_scheduler::schedule();
        }
    }
    let victim = spawn(|| {
        loop {
            ch02_scheduler::schedule();
        }
    });
    ch02_scheduler::schedule(); // the victim has started
    victim.raise_pending(Box::new(LetsItRun)).unwrap();
    // Dropping the old payload runs the victim, which dies of it; the kill
    // then finds it dead and refuses, leaving the ring as it was.
    assert!(matches!(victim.kill(), Ok(()) | Err(Error::Dead { .. })));
    assert!(victim.is_dead());
    let nobody: Channel<u32> = Channel::new();
    assert!(matches!(
        nobody.receive(),
        Err(ch03_channels::ChannelError::Deadlock(_))
    ));
}

#[test]
fn a_budget_spent_inside_atomic_under_one_watchdog_does_not_interrupt_later() {
    let channel: Channel<u32> = Channel::new();
    let rx = channel.clone();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = Rc::clone(&log);
    let a = spawn(move || {
        atomic(|| {
            for _ in 0..20 {
                switch_point();
            }
            let _ = rx.receive(); // blocks with its budget spent
        });
        l.borrow_mut().push("left atomic and carried on");
    });
    assert!(
        run_watchdog(5).unwrap().is_none(),
        "blocked, not interrupted"
    );
    // No watchdog now: leaving the section interrupts nobody.
    let tx = channel.clone();
    spawn(move || tx.send(1).unwrap());
    run().unwrap();
    assert!(a.is_dead());
    assert_eq!(*log.borrow(), ["left atomic and carried on"]);
}
