//! What the scheduler guarantees from inside the idle hook, to refused
//! calls, and at thread exit (rule 18): each test drives the public, safe
//! API the way a careless or adversarial program might.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use ch01_tasklets::{MAX_STACK_SIZE, StackError};
use ch02_scheduler::{
    Builder, Error, Idle, IdleHook, State, TaskletExit, WaitOn, current, park, run, run_count,
    run_watchdog, schedule, set_idle_hook, spawn, switch_point, with_running_stack,
};

type Log = Rc<RefCell<Vec<String>>>;

fn entries(log: &Log) -> Vec<String> {
    log.borrow().clone()
}

/// An idle hook whose `poll` calls back into the scheduler.
struct Calls<F: FnMut()>(F);

impl<F: FnMut()> IdleHook for Calls<F> {
    fn wait(&mut self) -> Idle {
        Idle::Nothing
    }
    fn poll(&mut self) {
        (self.0)();
    }
}

#[test]
fn schedule_in_the_idle_hook_returns_at_once() {
    let polls = Rc::new(Cell::new(0));
    let p = Rc::clone(&polls);
    set_idle_hook(Some(Box::new(Calls(move || {
        p.set(p.get() + 1);
        schedule();
    }))));
    let turns = Rc::new(Cell::new(0));
    let t = Rc::clone(&turns);
    spawn(move || {
        for _ in 0..300 {
            t.set(t.get() + 1);
            schedule();
        }
    });
    run().unwrap();
    set_idle_hook(None);
    assert_eq!(turns.get(), 300);
    assert!(
        polls.get() >= 4,
        "the hook was polled {} times",
        polls.get()
    );
}

#[test]
fn no_tasklet_is_running_while_the_idle_hook_runs() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = Rc::clone(&seen);
    set_idle_hook(Some(Box::new(Calls(move || {
        s.borrow_mut()
            .push(with_running_stack(|stack| stack.id).map(|id| id.0));
    }))));
    // Past the spare records a thread keeps, a finished tasklet's record is
    // freed at once: a stale pointer to it would be read after free.
    for i in 0..300 {
        drop(Builder::new().name(format!("short-lived {i}")).spawn(|| {}));
    }
    run().unwrap();
    set_idle_hook(None);
    let seen = seen.borrow();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(Option::is_none), "{seen:?}");
}

#[test]
fn an_absurd_stack_size_is_refused_with_a_clear_error() {
    for size in [MAX_STACK_SIZE + 1, 1 << 60, usize::MAX] {
        let ran = Rc::new(Cell::new(false));
        let r = Rc::clone(&ran);
        let refused = Builder::new().stack_size(size).spawn(move || r.set(true));
        match refused {
            Err(Error::Stack(StackError::TooLarge { requested })) => assert_eq!(requested, size),
            other => panic!("stack_size({size:#x}) gave {other:?}"),
        }
        run().unwrap();
        assert!(!ran.get());
    }
    // A refused size leaves nothing behind: the next spawn works.
    let t = Builder::new().stack_size(64 * 1024).spawn(|| {}).unwrap();
    run().unwrap();
    assert_eq!(t.state(), State::Dead);
}

#[test]
fn run_watchdog_refused_in_a_tasklet_leaves_the_watchdog_on() {
    let points = Rc::new(Cell::new(0));
    let (p, refusal) = (Rc::clone(&points), Rc::new(RefCell::new(None)));
    let r = Rc::clone(&refusal);
    Builder::new()
        .name("runaway")
        .spawn(move || {
            *r.borrow_mut() = Some(run_watchdog(5).map(|_| ()));
            for _ in 0..10_000 {
                switch_point();
                p.set(p.get() + 1);
            }
        })
        .unwrap();
    let interrupted = run_watchdog(100)
        .unwrap()
        .expect("the runaway was interrupted");
    assert_eq!(interrupted.name(), Some("runaway"));
    assert!(matches!(
        refusal.borrow_mut().take(),
        Some(Err(Error::NotMain { .. }))
    ));
    assert_eq!(points.get(), 99, "interrupted at its 100th switch point");
    drop(interrupted); // its last handle: rule 15 kills it
    run().unwrap();
}

#[test]
fn a_tasklet_that_pauses_itself_with_no_handle_left_is_killed() {
    let log = Log::default();
    let l = Rc::clone(&log);
    let other = spawn(|| {});
    other.remove().unwrap();
    drop(spawn(move || {
        struct Guard(Log);
        impl Drop for Guard {
            fn drop(&mut self) {
                let unwinding = std::thread::panicking();
                self.0
                    .borrow_mut()
                    .push(format!("guard dropped, unwinding {unwinding}"));
            }
        }
        let _guard = Guard(Rc::clone(&l));
        other.switch().unwrap(); // leaves me paused, and nobody can insert me
        l.borrow_mut().push("resumed".into());
    }));
    run().unwrap();
    assert_eq!(entries(&log), ["guard dropped, unwinding true"]);
    assert_eq!(run_count(), 1);
}

// ---- Thread exit (rule 18) -------------------------------------------------

/// A log that the test reads after the thread that wrote it has ended.
type Shared = Arc<Mutex<Vec<String>>>;

/// Runs `f` on a thread of its own, waits for the thread to end, its
/// teardown included, and returns what was logged.
fn on_a_thread(f: impl FnOnce(Shared) + Send + 'static) -> Vec<String> {
    let log = Shared::default();
    let l = Arc::clone(&log);
    std::thread::spawn(move || f(l))
        .join()
        .expect("the thread ended without panicking");
    let log = log.lock().unwrap();
    log.clone()
}

fn push(log: &Shared, line: impl Into<String>) {
    log.lock().unwrap().push(line.into());
}

/// Logs, when dropped, whether it is unwinding and which tasklet runs.
struct Witness(Shared, &'static str);

impl Drop for Witness {
    fn drop(&mut self) {
        let me = current();
        let line = format!(
            "{} dropped: unwinding {}, in tasklet {} ({:?})",
            self.1,
            std::thread::panicking(),
            me.name().unwrap_or("main"),
            me.state(),
        );
        push(&self.0, line);
    }
}

#[test]
fn at_thread_exit_a_tasklet_that_never_started_is_killed_and_never_runs() {
    let log = on_a_thread(|log| {
        let witness = Witness(Arc::clone(&log), "capture");
        let a = Builder::new()
            .name("a")
            .spawn(move || drop(witness))
            .unwrap();
        Builder::new()
            .name("b")
            .spawn(move || push(&log, "b ran"))
            .unwrap();
        a.remove().unwrap();
        a.insert().unwrap(); // b is now ahead of a
    });
    assert_eq!(
        log,
        ["capture dropped: unwinding true, in tasklet a (Current)"]
    );
}

#[test]
fn at_thread_exit_a_blocked_tasklet_unwinds_with_tasklet_exit() {
    let log = on_a_thread(|log| {
        spawn(move || {
            let caught = catch_unwind(AssertUnwindSafe(|| {
                let _ = park(WaitOn::new("forever"), |_| {});
            }));
            let payload = caught.expect_err("parked for ever: only a kill ends it");
            push(
                &log,
                format!("TaskletExit: {}", payload.is::<TaskletExit>()),
            );
            std::panic::resume_unwind(payload);
        });
        run().unwrap();
    });
    assert_eq!(log, ["TaskletExit: true"]);
}

#[test]
fn at_thread_exit_spawn_is_refused_and_the_free_spawn_makes_a_dead_tasklet() {
    let log = on_a_thread(|log| {
        struct SpawnsOnDrop(Shared);
        impl Drop for SpawnsOnDrop {
            fn drop(&mut self) {
                let refused = Builder::new().spawn(|| unreachable!()).map(|_| ());
                push(&self.0, format!("{:?}", refused.map_err(|e| e.to_string())));
                let dead = spawn(|| unreachable!("a dying thread runs nothing new"));
                push(&self.0, format!("{:?}", dead.state()));
            }
        }
        let guard = SpawnsOnDrop(log);
        spawn(move || {
            let _guard = guard;
            let _ = park(WaitOn::new("forever"), |_| {});
        });
        run().unwrap();
    });
    assert!(log[0].contains("this thread is exiting"), "{log:?}");
    assert_eq!(log[1], "Dead");
}

#[test]
fn at_thread_exit_a_tasklet_that_catches_every_kill_is_left_alone() {
    let log = on_a_thread(|log| {
        spawn(move || {
            loop {
                let caught = catch_unwind(AssertUnwindSafe(|| park(WaitOn::new("x"), |_| {})));
                if caught.is_err() {
                    push(&log, "caught a kill");
                }
            }
        });
        run().unwrap();
    });
    assert_eq!(log.len(), 3, "killed three times, then left be: {log:?}");
}

#[test]
fn a_panic_main_never_saw_is_printed_when_its_thread_ends() {
    // In a child process (this test binary again), whose stderr we read.
    const CHILD: &str = "CH02_PENDING_PANIC_CHILD";
    if std::env::var_os(CHILD).is_some() {
        std::panic::set_hook(Box::new(|_| {})); // only the runtime's line
        std::thread::spawn(|| {
            let waker = Rc::new(RefCell::new(None));
            let w = Rc::clone(&waker);
            Builder::new()
                .name("waker")
                .spawn(move || {
                    let unparker: ch02_scheduler::Unparker = w.borrow_mut().take().unwrap();
                    unparker.unpark(ch02_scheduler::Wake(1));
                    panic!("after the wake");
                })
                .unwrap();
            // Woken before the panic: park returns, and the thread ends
            // without entering the scheduler again.
            park(WaitOn::new("the waker"), |u| *waker.borrow_mut() = Some(u)).unwrap();
        })
        .join()
        .unwrap();
        return;
    }
    // Its name as the harness knows it: inside a module when chapter 11
    // includes this file.
    let test = match module_path!().split_once("::") {
        Some((_, module)) => {
            format!("{module}::a_panic_main_never_saw_is_printed_when_its_thread_ends")
        }
        None => "a_panic_main_never_saw_is_printed_when_its_thread_ends".to_owned(),
    };
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &test, "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("tasklet #1 (waker) panicked: after the wake; main did not enter"),
        "{stderr}"
    );
}

#[test]
fn a_payload_replaced_by_a_kill_is_dropped_outside_the_scheduler_s_borrow() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    /// Its destructor calls into the scheduler.
    struct AsksTheScheduler(Arc<AtomicUsize>);
    impl Drop for AsksTheScheduler {
        fn drop(&mut self) {
            self.0.store(run_count(), Ordering::Relaxed);
        }
    }
    let seen = Arc::new(AtomicUsize::new(0));
    let s = Arc::clone(&seen);
    drop(spawn(move || {
        current()
            .raise_pending(Box::new(AsksTheScheduler(s)))
            .unwrap();
        // No handle is left: rule 15 replaces the payload with a kill.
        let _ = ch02_scheduler::schedule_remove();
        unreachable!("killed");
    }));
    run().unwrap();
    assert!(
        seen.load(Ordering::Relaxed) >= 1,
        "the destructor ran, and could ask"
    );
}
