//! One test per rule of `stackless-semantics.md` that this chapter adds
//! (14 and 15), named after what it checks.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use ch02_scheduler::{Error, State, Tasklet, TaskletExit, current, run, schedule, spawn};
use ch03_channels::{Channel, ChannelError};
use ch04_lifecycle::Kill;

/// Counts how many times it is dropped.
#[derive(Clone, Default)]
struct DropCounter(Rc<Cell<usize>>);

impl DropCounter {
    fn token(&self) -> Token {
        Token(Rc::clone(&self.0))
    }
    fn dropped(&self) -> usize {
        self.0.get()
    }
}

struct Token(Rc<Cell<usize>>);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

type Log = Rc<RefCell<Vec<String>>>;

fn log(log: &Log, line: impl Into<String>) {
    log.borrow_mut().push(line.into());
}

#[test]
fn rule_14_kill_unwinds_a_blocked_receiver_and_unlinks_it() {
    let drops = DropCounter::default();
    let channel: Channel<u32> = Channel::new();
    let (rx, token) = (channel.clone(), drops.token());
    let victim = spawn(move || {
        let _token = token;
        let _ = rx.receive();
        unreachable!("killed while blocked");
    });
    run().unwrap();
    assert_eq!((victim.state(), channel.balance()), (State::Blocked, -1));
    victim.kill().unwrap();
    assert_eq!(
        drops.dropped(),
        1,
        "its destructors ran before kill returned"
    );
    assert!(victim.is_dead());
    assert_eq!(channel.balance(), 0, "unlinked from the channel");
    // The channel still works: the next receiver is served, not the dead one.
    let rx = channel.clone();
    spawn(move || assert_eq!(rx.receive().unwrap(), 7));
    channel.send(7).unwrap();
    run().unwrap();
}

#[test]
fn rule_14_kill_drops_the_message_of_a_blocked_sender() {
    let drops = DropCounter::default();
    let channel: Channel<Token> = Channel::new();
    let (tx, message) = (channel.clone(), drops.token());
    let victim = spawn(move || {
        let _ = tx.send(message);
        unreachable!("killed while blocked");
    });
    run().unwrap();
    assert_eq!(channel.balance(), 1);
    victim.kill().unwrap();
    assert_eq!(drops.dropped(), 1, "the message it held was dropped");
    assert_eq!(channel.balance(), 0);
}

#[test]
fn rule_14_a_tasklet_killed_before_it_starts_never_runs_its_function() {
    let drops = DropCounter::default();
    let ran = Rc::new(Cell::new(false));
    let (flag, token) = (Rc::clone(&ran), drops.token());
    let victim = spawn(move || {
        let _token = token;
        flag.set(true);
    });
    victim.kill().unwrap();
    assert!(!ran.get());
    assert_eq!(drops.dropped(), 1, "what its function captured is dropped");
    assert!(victim.is_dead());
    run().unwrap();
    assert!(!ran.get());
}

#[test]
fn rule_14_killing_a_dead_tasklet_does_nothing() {
    let t = spawn(|| {});
    run().unwrap();
    assert!(t.is_dead());
    assert!(t.kill().is_ok());
}

#[test]
fn rule_14_the_main_tasklet_cannot_be_killed() {
    assert!(matches!(
        current().kill(),
        Err(Error::Main { call: "raise" })
    ));
}

/// The victim's `finally`: logs when its stack unwinds.
struct Finally(Log);

impl Drop for Finally {
    fn drop(&mut self) {
        log(&self.0, "victim unwinds");
    }
}

/// Queues a bystander that logs `line`, kills `victim` between two lines of
/// the journal, runs the rest, and returns the journal.
fn kill_then_run(
    victim: &ch02_scheduler::Tasklet,
    journal: &Log,
    line: &'static str,
) -> Vec<String> {
    let j = Rc::clone(journal);
    spawn(move || log(&j, line));
    log(journal, "kill starts");
    victim.kill().unwrap();
    log(journal, "kill returns");
    run().unwrap();
    journal.borrow().clone()
}

#[test]
fn rule_14_no_other_tasklet_runs_during_a_kill() {
    let journal: Log = Log::default();
    let channel: Channel<()> = Channel::new();
    let (rx, j) = (channel.clone(), Rc::clone(&journal));
    let victim = spawn(move || {
        let _finally = Finally(j);
        let _ = rx.receive();
    });
    run().unwrap(); // the victim blocks
    assert_eq!(
        kill_then_run(&victim, &journal, "bystander runs"),
        [
            "kill starts",
            "victim unwinds",
            "kill returns",
            "bystander runs"
        ]
    );
}

/// A tasklet that holds `guard` and yields for ever, started and back in
/// the queue.
fn started_victim<G: 'static>(guard: G) -> Tasklet {
    let victim = spawn(move || {
        let _guard = guard;
        loop {
            schedule();
        }
    });
    victim.run().unwrap();
    victim
}

#[test]
fn rule_14_no_tasklet_queued_behind_a_runnable_victim_runs_during_the_kill() {
    let journal: Log = Log::default();
    let victim = started_victim(Finally(Rc::clone(&journal)));
    assert_eq!(
        kill_then_run(&victim, &journal, "queued behind it"),
        [
            "kill starts",
            "victim unwinds",
            "kill returns",
            "queued behind it"
        ]
    );
}

#[test]
fn rule_14_a_tasklet_killing_itself_unwinds_at_once() {
    let reached = Rc::new(Cell::new(false));
    let flag = Rc::clone(&reached);
    let t = spawn(move || {
        current().kill().unwrap();
        flag.set(true);
    });
    run().unwrap();
    assert!(!reached.get());
    assert!(t.is_dead());
}

#[test]
fn rule_14_a_victim_that_catches_the_kill_lives_on_and_kill_returns_when_it_suspends() {
    let journal: Log = Log::default();
    let j = Rc::clone(&journal);
    let victim = spawn(move || {
        let caught = catch_unwind(AssertUnwindSafe(schedule));
        let what = match caught {
            Err(payload) if payload.is::<TaskletExit>() => "caught TaskletExit",
            _ => "not killed",
        };
        log(&j, what);
        schedule(); // kill returns here, with the victim alive
        log(&j, "victim ends");
    });
    // Start the victim: it suspends in its first `schedule`.
    victim.run().unwrap();
    victim.kill().unwrap();
    log(&journal, "kill returns");
    assert_eq!(victim.state(), State::Scheduled);
    run().unwrap();
    assert_eq!(
        *journal.borrow(),
        ["caught TaskletExit", "kill returns", "victim ends"]
    );
}

#[test]
fn rule_14_a_destructor_that_blocks_during_a_kill_gets_an_error() {
    let outcome: Rc<RefCell<Option<String>>> = Rc::default();
    let channel: Channel<u32> = Channel::new();
    let (rx, out) = (channel.clone(), Rc::clone(&outcome));
    let victim = spawn(move || {
        struct BlocksInDrop(Channel<u32>, Rc<RefCell<Option<String>>>);
        impl Drop for BlocksInDrop {
            fn drop(&mut self) {
                let result = self.0.receive();
                *self.1.borrow_mut() = Some(match result {
                    Err(ChannelError::Scheduler(e)) => e.to_string(),
                    other => format!("unexpected: {other:?}"),
                });
            }
        }
        let _blocks = BlocksInDrop(rx.clone(), out);
        let _ = rx.receive();
    });
    run().unwrap();
    victim.kill().unwrap();
    assert!(victim.is_dead());
    let message = outcome.borrow().clone().expect("the destructor ran");
    assert!(message.contains("unwinding"), "{message}");
}

#[test]
fn rule_14_a_destructor_whose_send_would_wait_during_a_kill_gets_an_error() {
    let outcome: Rc<RefCell<Option<String>>> = Rc::default();
    let channel: Channel<u32> = Channel::new();
    let (ch, out) = (channel.clone(), Rc::clone(&outcome));
    let victim = spawn(move || {
        struct SendsInDrop(Channel<u32>, Rc<RefCell<Option<String>>>);
        impl Drop for SendsInDrop {
            fn drop(&mut self) {
                // Nobody receives: this send would have to wait.
                let result = self.0.send(7);
                *self.1.borrow_mut() = Some(match result {
                    Err(ChannelError::Scheduler(e)) => e.to_string(),
                    other => format!("unexpected: {other:?}"),
                });
            }
        }
        let _sends = SendsInDrop(ch.clone(), out);
        let _ = ch.receive();
    });
    run().unwrap();
    victim.kill().unwrap();
    assert!(victim.is_dead());
    let message = outcome.borrow().clone().expect("the destructor ran");
    assert!(message.contains("unwinding"), "{message}");
    assert_eq!(channel.balance(), 0, "neither wait is left in the queue");
}

#[test]
fn rule_14_kill_a_tasklet_waiting_in_the_run_queue() {
    let drops = DropCounter::default();
    let token = drops.token();
    let victim = spawn(move || {
        let _token = token;
        loop {
            schedule();
        }
    });
    victim.run().unwrap(); // started, now back in the queue
    assert_eq!(victim.state(), State::Scheduled);
    victim.kill().unwrap();
    assert!(victim.is_dead());
    assert_eq!(drops.dropped(), 1);
    run().unwrap();
}

#[test]
fn throw_makes_the_tasklet_panic_and_run_reraises_it_with_its_name() {
    let victim = ch02_scheduler::Builder::new()
        .name("victim")
        .spawn(|| {
            loop {
                schedule();
            }
        })
        .unwrap();
    victim.run().unwrap();
    let panic = ch02_scheduler::catch_tasklet_panic(AssertUnwindSafe(|| {
        victim.throw(Box::new("thrown in")).unwrap();
    }))
    .expect_err("the thrown panic reaches main");
    assert_eq!(panic.message(), "thrown in");
    assert_eq!(panic.tasklet.name.as_deref(), Some("victim"));
    assert!(victim.is_dead());
}

#[test]
fn rule_15_dropping_the_last_handle_of_a_paused_tasklet_unwinds_it_once() {
    let drops = DropCounter::default();
    let token = drops.token();
    let paused = spawn(move || {
        let _token = token;
        loop {
            schedule();
        }
    });
    paused.run().unwrap();
    paused.remove().unwrap();
    assert_eq!(paused.state(), State::Paused);
    let other = paused.clone();
    drop(paused);
    assert_eq!(drops.dropped(), 0, "a handle is left");
    drop(other);
    run().unwrap();
    assert_eq!(drops.dropped(), 1);
    run().unwrap();
    assert_eq!(drops.dropped(), 1, "exactly once");
}

#[test]
fn rule_15_a_blocked_tasklet_keeps_its_channel_alive_until_the_thread_ends() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Unwound(Arc<AtomicUsize>);
    impl Drop for Unwound {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let unwound = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&unwound);
    std::thread::spawn(move || {
        let channel: Channel<u32> = Channel::new();
        let rx = channel.clone();
        spawn(move || {
            let _unwound = Unwound(counter);
            let _ = rx.receive();
        });
        run().unwrap();
        drop(channel); // the blocked tasklet still holds it
    })
    .join()
    .unwrap();
    assert_eq!(
        unwound.load(Ordering::SeqCst),
        1,
        "unwound when the thread's scheduler went"
    );
}

#[test]
fn a_panicking_tasklet_leaks_nothing_and_the_others_stay_queued() {
    let drops = DropCounter::default();
    let token = drops.token();
    ch02_scheduler::Builder::new()
        .name("doomed")
        .spawn(move || {
            let _token = token;
            std::panic::resume_unwind(Box::new("boom")); // a panic, without the hook's message
        })
        .unwrap();
    let bystander_ran = Rc::new(Cell::new(false));
    let ran = Rc::clone(&bystander_ran);
    spawn(move || ran.set(true));
    let panic = ch02_scheduler::catch_tasklet_panic(run).expect_err("re-raised in main");
    assert_eq!(panic.tasklet.name.as_deref(), Some("doomed"));
    assert_eq!(drops.dropped(), 1, "its stack was unwound");
    assert!(!bystander_ran.get(), "still queued (rule 6)");
    run().unwrap();
    assert!(bystander_ran.get());
}

#[test]
fn rule_14_a_destructor_that_yields_during_a_kill_carries_on_at_once() {
    struct YieldsInDrop(Log);
    impl Drop for YieldsInDrop {
        fn drop(&mut self) {
            log(&self.0, "destructor yields");
            schedule(); // returns at once: an unwinding tasklet keeps control
            log(&self.0, "destructor goes on");
        }
    }
    let journal: Log = Log::default();
    let victim = started_victim(YieldsInDrop(Rc::clone(&journal)));
    assert_eq!(
        kill_then_run(&victim, &journal, "bystander runs"),
        [
            "kill starts",
            "destructor yields",
            "destructor goes on",
            "kill returns",
            "bystander runs"
        ]
    );
}
