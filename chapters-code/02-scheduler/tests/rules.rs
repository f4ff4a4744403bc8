//! One test per rule of `shared/stackless-semantics.md` that chapter 2
//! implements, named after it, plus park/unpark and the idle hook.
//! Each test runs on its own thread, so each gets a fresh scheduler.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use ch02_scheduler::{
    Builder, Error, Idle, IdleHook, State, Tasklet, Unparker, WaitOn, Wake, current, park, run,
    run_count, schedule, set_idle_hook, spawn,
};

type Log = Rc<RefCell<Vec<String>>>;

fn logger(log: &Log, name: &str) -> Tasklet {
    let (log, name) = (Rc::clone(log), name.to_owned());
    spawn(move || log.borrow_mut().push(name))
}

fn entries(log: &Log) -> Vec<String> {
    log.borrow().clone()
}

#[test]
fn rule_1_spawn_appends_to_the_queue_without_running() {
    assert_eq!(run_count(), 1, "main alone");
    let log = Log::default();
    let t = logger(&log, "t");
    assert_eq!(t.state(), State::Scheduled);
    assert!(!t.started());
    assert_eq!(run_count(), 2);
    assert!(entries(&log).is_empty());
    run().unwrap();
    assert_eq!(entries(&log), ["t"]);
    assert_eq!(t.state(), State::Dead);
}

#[test]
fn rule_2_schedule_moves_the_current_tasklet_to_the_end() {
    let log = Log::default();
    for name in ["A", "B"] {
        let log = Rc::clone(&log);
        spawn(move || {
            log.borrow_mut().push(format!("Hello {name}"));
            schedule();
            log.borrow_mut().push(format!("Goodbye {name}"));
        });
    }
    run().unwrap();
    assert_eq!(
        entries(&log),
        ["Hello A", "Hello B", "Goodbye A", "Goodbye B"]
    );
}

#[test]
fn rule_2_schedule_with_nothing_else_runnable_returns_at_once() {
    schedule();
    assert_eq!(current().state(), State::Current);
}

#[test]
fn rule_3_run_returns_when_only_blocked_tasklets_are_left() {
    let blocked = spawn(|| {
        let _ = park(WaitOn::new("nothing"), |_| {});
        unreachable!("nobody wakes it");
    });
    run().unwrap();
    assert_eq!(blocked.state(), State::Blocked);
    run().unwrap(); // and again, at once
}

#[test]
fn rule_4_remove_pauses_and_insert_requeues() {
    let log = Log::default();
    let a = logger(&log, "a");
    let _b = logger(&log, "b");
    a.remove().unwrap();
    assert_eq!(a.state(), State::Paused);
    a.remove().unwrap(); // removing a paused tasklet does nothing
    run().unwrap();
    assert_eq!(entries(&log), ["b"]);
    a.insert().unwrap();
    run().unwrap();
    assert_eq!(entries(&log), ["b", "a"]);
    assert!(matches!(
        a.insert(),
        Err(Error::Dead { call: "insert", .. })
    ));
    assert!(matches!(
        a.remove(),
        Err(Error::Dead { call: "remove", .. })
    ));
}

#[test]
fn rule_4_blocked_tasklets_cannot_be_removed_or_inserted() {
    let t = spawn(|| {
        let _ = park(WaitOn::object("channel", 3), |_| {});
    });
    run().unwrap();
    let err = t.remove().unwrap_err();
    assert!(matches!(err, Error::Blocked { call: "remove", .. }));
    assert!(err.to_string().contains("channel 3"), "{err}");
    assert!(matches!(t.insert(), Err(Error::Blocked { .. })));
    assert!(matches!(t.run(), Err(Error::Blocked { .. })));
}

#[test]
fn rule_5_removing_the_current_tasklet_is_an_error() {
    let outcome = Rc::new(RefCell::new(None));
    let seen = Rc::clone(&outcome);
    spawn(move || *seen.borrow_mut() = Some(current().remove()));
    run().unwrap();
    let err = outcome.borrow_mut().take().unwrap().unwrap_err();
    assert!(matches!(err, Error::RemoveCurrent { .. }), "{err}");
}

#[test]
fn rule_5_run_moves_the_ring_position_to_the_target() {
    let log = Log::default();
    let [_t1, t2, _t3] = ["t1", "t2", "t3"].map(|n| logger(&log, n));
    t2.run().unwrap();
    log.borrow_mut().push("main".into());
    run().unwrap();
    assert_eq!(entries(&log), ["t2", "t3", "main", "t1"]);
}

#[test]
fn rule_5_a_paused_target_runs_just_before_the_caller() {
    let log = Log::default();
    let [t1, _t2] = ["t1", "t2"].map(|n| logger(&log, n));
    t1.remove().unwrap();
    t1.run().unwrap();
    log.borrow_mut().push("main".into());
    run().unwrap();
    assert_eq!(entries(&log), ["t1", "main", "t2"]);
}

#[test]
fn rule_5_switch_leaves_the_caller_paused() {
    let log = Log::default();
    let b = logger(&log, "b");
    b.remove().unwrap();
    let (l, b2) = (Rc::clone(&log), b.clone());
    let a = spawn(move || {
        l.borrow_mut().push("a before".into());
        b2.switch().unwrap();
        l.borrow_mut().push("a after".into());
    });
    run().unwrap();
    assert_eq!(entries(&log), ["a before", "b"]);
    assert_eq!(a.state(), State::Paused);
    a.insert().unwrap();
    run().unwrap();
    assert_eq!(entries(&log), ["a before", "b", "a after"]);
}

#[test]
fn rule_5_main_switching_away_with_nobody_to_return_is_a_deadlock() {
    let t = spawn(|| {});
    let err = t.switch().unwrap_err();
    assert!(matches!(err, Error::Deadlock(_)), "{err}");
    assert_eq!(current().state(), State::Current);
}

#[test]
fn rule_6_a_panic_is_reraised_in_main_and_the_others_stay_queued() {
    let log = Log::default();
    let l = Rc::clone(&log);
    spawn(move || {
        l.borrow_mut().push("steady 1".into());
        schedule();
        l.borrow_mut().push("steady 2".into());
    });
    let faulty = Builder::new()
        .name("faulty")
        .spawn(|| panic!("out of coffee"))
        .unwrap();
    let panic = ch02_scheduler::catch_tasklet_panic(run).unwrap_err();
    assert_eq!(panic.tasklet, faulty.describe());
    assert_eq!(panic.message(), "out of coffee");
    assert_eq!(
        panic.to_string(),
        format!("tasklet {} (faulty) panicked: out of coffee", faulty.id())
    );
    assert_eq!(faulty.state(), State::Dead);
    assert_eq!(entries(&log), ["steady 1"]);
    run().unwrap();
    assert_eq!(entries(&log), ["steady 1", "steady 2"]);
}

#[test]
fn rule_6_a_panic_reaches_main_while_it_is_parked() {
    spawn(|| panic!("boom"));
    // The payload itself reaches main: a plain `catch_unwind` sees it.
    let caught = catch_unwind(AssertUnwindSafe(|| park(WaitOn::new("never"), |_| {}))).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(current().state(), State::Current);
}

#[test]
fn rule_7_main_parked_with_nothing_to_wake_it_gets_a_deadlock_error() {
    let waiter = Builder::new()
        .name("waiter")
        .spawn(|| {
            let _ = park(WaitOn::object("an event", 7), |_| {});
        })
        .unwrap();
    let err = park(WaitOn::new("a reply"), |_| {}).unwrap_err();
    let Error::Deadlock(d) = &err else {
        panic!("{err}")
    };
    let blocked: Vec<_> = d
        .blocked
        .iter()
        .map(|b| (b.tasklet.id, b.waiting_on.unwrap().to_string()))
        .collect();
    assert_eq!(
        blocked,
        [
            (current().id(), "a reply".to_owned()),
            (waiter.id(), "an event 7".to_owned())
        ]
    );
    assert!(err.to_string().starts_with("deadlock:"));
}

#[test]
fn run_from_a_tasklet_is_an_error() {
    let result = Rc::new(RefCell::new(None));
    let r = Rc::clone(&result);
    let t = spawn(move || *r.borrow_mut() = Some(run()));
    run().unwrap();
    let err = result.borrow_mut().take().unwrap().unwrap_err();
    let Error::NotMain {
        call: "run",
        tasklet,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(tasklet.id, t.id());
}

#[test]
fn park_wakes_exactly_once_whichever_source_fires_first() {
    let sources: Rc<RefCell<Vec<Unparker>>> = Rc::default();
    let woke = Rc::new(RefCell::new(Vec::new()));
    let (s, w) = (Rc::clone(&sources), Rc::clone(&woke));
    let t = spawn(move || {
        let wake = park(WaitOn::new("two sources"), |u| {
            s.borrow_mut().push(u.clone());
            s.borrow_mut().push(u);
        })
        .unwrap();
        w.borrow_mut().push(wake);
    });
    run().unwrap();
    let [first, second] = <[Unparker; 2]>::try_from(sources.take()).unwrap();
    assert!(first.is_waiting() && second.is_waiting());
    assert!(second.unpark(Wake(2)));
    assert!(
        !first.unpark(Wake(1)),
        "the other source's unparker went stale"
    );
    assert!(!first.is_waiting());
    run().unwrap();
    assert_eq!(*woke.borrow(), [Wake(2)]);
    assert_eq!(t.state(), State::Dead);
}

#[test]
fn an_unparker_from_an_earlier_park_is_stale() {
    let kept: Rc<RefCell<Vec<Unparker>>> = Rc::default();
    let k = Rc::clone(&kept);
    spawn(move || {
        for _ in 0..2 {
            park(WaitOn::new("twice"), |u| k.borrow_mut().push(u)).unwrap();
        }
    });
    run().unwrap();
    let first = kept.borrow()[0].clone();
    assert!(first.unpark(Wake(0)));
    run().unwrap(); // parks a second time
    assert!(
        !first.unpark(Wake(0)),
        "woke the second park with the first's unparker"
    );
    assert!(kept.borrow()[1].unpark(Wake(0)));
    run().unwrap();
}

#[test]
fn unpark_next_runs_the_tasklet_before_the_rest_of_the_queue() {
    let log = Log::default();
    let slot: Rc<RefCell<Option<Unparker>>> = Rc::default();
    let (l, s) = (Rc::clone(&log), Rc::clone(&slot));
    spawn(move || {
        park(WaitOn::new("a nudge"), |u| *s.borrow_mut() = Some(u)).unwrap();
        l.borrow_mut().push("woken".into());
    });
    run().unwrap();
    let _q = logger(&log, "queued");
    slot.borrow_mut().take().unwrap().unpark_next(Wake(0));
    run().unwrap();
    assert_eq!(entries(&log), ["woken", "queued"]);
}

#[test]
fn a_source_may_unpark_during_registration() {
    let wake = park(WaitOn::new("ready at once"), |u| {
        assert!(u.unpark(Wake(9)));
    })
    .unwrap();
    assert_eq!(wake, Wake(9));
}

/// An idle hook that wakes whoever waits on it, once.
struct Doorbell(Rc<RefCell<Option<Unparker>>>);

impl IdleHook for Doorbell {
    fn wait(&mut self) -> Idle {
        match self.0.borrow_mut().take() {
            Some(u) => {
                u.unpark(Wake(1));
                Idle::Woke
            }
            None => Idle::Nothing,
        }
    }
}

#[test]
fn the_idle_hook_runs_when_nothing_is_runnable() {
    let bell: Rc<RefCell<Option<Unparker>>> = Rc::default();
    set_idle_hook(Some(Box::new(Doorbell(Rc::clone(&bell)))));
    let log = Log::default();
    let (l, b) = (Rc::clone(&log), Rc::clone(&bell));
    spawn(move || {
        let wake = park(WaitOn::new("the doorbell"), |u| *b.borrow_mut() = Some(u)).unwrap();
        l.borrow_mut().push(format!("answered {wake:?}"));
    });
    run().unwrap();
    assert_eq!(entries(&log), ["answered Wake(1)"]);
    // Main itself can wait on the hook.
    let wake = park(WaitOn::new("the doorbell"), |u| {
        *bell.borrow_mut() = Some(u)
    })
    .unwrap();
    assert_eq!(wake, Wake(1));
    assert!(set_idle_hook(None).is_some());
}

#[test]
fn rule_18_tasklets_still_parked_when_their_thread_exits_are_unwound() {
    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&dropped);
    std::thread::spawn(move || {
        spawn(move || {
            let _guard = SetOnDrop(flag);
            let _ = park(WaitOn::new("forever"), |_| {});
        });
        run().unwrap();
    })
    .join()
    .unwrap();
    assert!(
        dropped.load(Ordering::SeqCst),
        "the parked tasklet's locals were not dropped"
    );
}

#[test]
fn a_tasklet_gets_the_stack_size_it_asks_for() {
    let depth = Rc::new(RefCell::new(0));
    let d = Rc::clone(&depth);
    Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            // 512 KiB on the stack: fine with 1 MiB, fatal with the default.
            let big = [1u8; 512 * 1024];
            *d.borrow_mut() = std::hint::black_box(&big).iter().map(|&b| b as usize).sum();
        })
        .unwrap();
    run().unwrap();
    assert_eq!(*depth.borrow(), 512 * 1024);
}

#[test]
fn a_hundred_thousand_tasklets_park_at_once() {
    const N: usize = 100_000;
    let waiting: Rc<RefCell<Vec<Unparker>>> = Rc::default();
    for _ in 0..N {
        let w = Rc::clone(&waiting);
        // Small stacks keep this test light; the example `parked` uses the
        // default size.
        Builder::new()
            .stack_size(16 * 1024)
            .spawn(move || {
                park(WaitOn::new("the signal"), |u| w.borrow_mut().push(u)).unwrap();
            })
            .unwrap();
    }
    run().unwrap();
    assert_eq!(waiting.borrow().len(), N);
    for u in waiting.take() {
        assert!(u.unpark(Wake(0)));
    }
    run().unwrap();
}

#[test]
fn rule_4_the_main_tasklet_cannot_be_removed() {
    let main = current();
    let err = Rc::new(RefCell::new(None));
    let e = Rc::clone(&err);
    spawn(move || *e.borrow_mut() = Some(main.remove()));
    run().unwrap();
    let result = err.borrow_mut().take().unwrap();
    assert!(
        matches!(result, Err(Error::Main { call: "remove" })),
        "{result:?}"
    );
    assert!(matches!(current().remove(), Err(Error::Main { .. })));
}

#[test]
fn rule_5_run_from_a_tasklet_moves_the_ring_too() {
    // With main in run(), the ring is t1 (current), t2, t3, main; t3.run()
    // from t1 gives t3, main, t1, t2 — and main's turn does nothing visible.
    let log = Log::default();
    let t3_slot: Rc<RefCell<Option<Tasklet>>> = Rc::default();
    let (l, slot) = (Rc::clone(&log), Rc::clone(&t3_slot));
    spawn(move || {
        l.borrow_mut().push("t1 starts".into());
        let t3 = slot.borrow_mut().take().unwrap();
        t3.run().unwrap();
        l.borrow_mut().push("t1 resumes".into());
    });
    let _t2 = logger(&log, "t2");
    *t3_slot.borrow_mut() = Some(logger(&log, "t3"));
    run().unwrap();
    assert_eq!(entries(&log), ["t1 starts", "t3", "t1 resumes", "t2"]);
}

#[test]
fn started_is_true_for_the_running_tasklet_and_false_before() {
    let seen = Rc::new(RefCell::new(None));
    let s = Rc::clone(&seen);
    let t = spawn(move || *s.borrow_mut() = Some(current().started()));
    assert!(!t.started());
    run().unwrap();
    assert_eq!(*seen.borrow(), Some(true));
    assert!(t.started());
    assert!(current().started(), "main always runs");
}

#[test]
fn an_unwinding_tasklet_cannot_switch_away() {
    struct Hop(Tasklet, Rc<RefCell<Option<Result<(), Error>>>>);
    impl Drop for Hop {
        fn drop(&mut self) {
            *self.1.borrow_mut() = Some(self.0.run());
        }
    }
    std::panic::set_hook(Box::new(|_| {}));
    let other = spawn(|| {});
    other.remove().unwrap();
    let result: Rc<RefCell<Option<Result<(), Error>>>> = Rc::default();
    let r = Rc::clone(&result);
    spawn(move || {
        let _hop = Hop(other, r);
        panic!("unwinding");
    });
    let caught = catch_unwind(AssertUnwindSafe(run)).unwrap_err();
    let _ = std::panic::take_hook();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"unwinding"));
    let outcome = result.borrow_mut().take().unwrap();
    assert!(
        matches!(outcome, Err(Error::Unwinding { call: "run" })),
        "{outcome:?}"
    );
}

/// An idle hook that panics, or that tries to switch.
struct Misbehaving {
    panics: bool,
    saw: Rc<RefCell<Vec<String>>>,
}

impl IdleHook for Misbehaving {
    fn wait(&mut self) -> Idle {
        if self.panics {
            panic!("the hook broke");
        }
        let err = park(WaitOn::new("inside the hook"), |_| {}).unwrap_err();
        self.saw.borrow_mut().push(err.to_string());
        let err = run().unwrap_err();
        self.saw.borrow_mut().push(err.to_string());
        Idle::Nothing
    }
}

#[test]
fn rule_19_the_idle_hook_may_not_switch() {
    let saw = Log::default();
    set_idle_hook(Some(Box::new(Misbehaving {
        panics: false,
        saw: Rc::clone(&saw),
    })));
    run().unwrap();
    let saw = entries(&saw);
    assert_eq!(saw.len(), 2);
    assert!(saw.iter().all(|e| e.contains("idle hook")), "{saw:?}");
}

#[test]
fn a_panicking_idle_hook_leaves_main_able_to_go_on() {
    let saw = Log::default();
    set_idle_hook(Some(Box::new(Misbehaving {
        panics: true,
        saw: Rc::clone(&saw),
    })));
    let caught = catch_unwind(AssertUnwindSafe(|| park(WaitOn::new("x"), |_| {}))).unwrap_err();
    assert_eq!(caught.downcast_ref::<&str>(), Some(&"the hook broke"));
    assert_eq!(current().state(), State::Current);
    set_idle_hook(None);
    // The scheduler still works: a park that is woken at once, then a run.
    let wake = park(WaitOn::new("y"), |u| {
        u.unpark(Wake(3));
    })
    .unwrap();
    assert_eq!(wake, Wake(3));
    let log = Log::default();
    logger(&log, "after");
    run().unwrap();
    assert_eq!(entries(&log), ["after"]);
}

#[test]
fn rule_1_the_run_count_includes_main_while_it_is_in_run() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    for _ in 0..2 {
        let s = Rc::clone(&seen);
        spawn(move || s.borrow_mut().push(run_count()));
    }
    assert_eq!(run_count(), 3);
    run().unwrap();
    // The first sees itself, the second and main; the second, itself and main.
    assert_eq!(*seen.borrow(), [3, 2]);
    assert_eq!(run_count(), 1);
}

#[test]
fn a_tasklet_can_give_main_its_turn_during_run() {
    let log = Log::default();
    let main = current();
    let l = Rc::clone(&log);
    spawn(move || {
        l.borrow_mut().push("before".into());
        main.run().unwrap(); // main's turn inside run() does nothing visible
        l.borrow_mut().push("after".into());
    });
    run().unwrap();
    assert_eq!(entries(&log), ["before", "after"]);
    assert_eq!(current().state(), State::Current);
}

#[test]
fn rule_4_schedule_remove_pauses_the_current_tasklet_until_it_is_inserted() {
    let log = Log::default();
    let l = Rc::clone(&log);
    let t = spawn(move || {
        l.borrow_mut().push("paused".into());
        ch02_scheduler::schedule_remove().unwrap();
        l.borrow_mut().push("back".into());
    });
    run().unwrap();
    assert_eq!(
        (t.state(), entries(&log)),
        (State::Paused, vec!["paused".into()])
    );
    assert_eq!(run_count(), 1, "a paused tasklet is not runnable");
    t.insert().unwrap();
    run().unwrap();
    assert_eq!(entries(&log), ["paused", "back"]);
}

#[test]
fn rule_4_main_removing_itself_is_put_back_by_a_tasklet_or_deadlocks() {
    let log = Log::default();
    let l = Rc::clone(&log);
    spawn(move || {
        l.borrow_mut().push("tasklet puts main back".into());
        ch02_scheduler::main_tasklet().insert().unwrap();
    });
    ch02_scheduler::schedule_remove().unwrap();
    assert_eq!(entries(&log), ["tasklet puts main back"]);
    assert_eq!(current().state(), State::Current);
    // With nobody to put it back, main would wait for ever (rule 7).
    let err = ch02_scheduler::schedule_remove().unwrap_err();
    assert!(matches!(err, Error::Deadlock(_)), "{err}");
    assert_eq!(current().state(), State::Current);
}

#[test]
fn rule_15_a_tasklet_removing_itself_with_no_handle_left_is_killed() {
    let log = Log::default();
    let l = Rc::clone(&log);
    drop(spawn(move || {
        struct Bye(Log);
        impl Drop for Bye {
            fn drop(&mut self) {
                self.0.borrow_mut().push("unwound".into());
            }
        }
        let _bye = Bye(Rc::clone(&l));
        let _ = ch02_scheduler::schedule_remove();
        l.borrow_mut().push("resumed".into());
    }));
    run().unwrap();
    assert_eq!(entries(&log), ["unwound"]);
}

#[test]
fn rule_6_catch_tasklet_panic_names_main_for_a_panic_of_its_own() {
    let panic = ch02_scheduler::catch_tasklet_panic(|| std::panic::panic_any("mine")).unwrap_err();
    assert_eq!((panic.tasklet.id.0, panic.message()), (0, "mine"));
    // A tasklet's, re-raised by `run`, names the tasklet.
    Builder::new()
        .name("other")
        .spawn(|| std::panic::panic_any("theirs"))
        .unwrap();
    let panic = ch02_scheduler::catch_tasklet_panic(run).unwrap_err();
    assert_eq!(
        (panic.tasklet.name.as_deref(), panic.message()),
        (Some("other"), "theirs")
    );
}

#[test]
fn the_idle_hook_is_polled_every_64_resumes() {
    struct Counter(Rc<Cell<u32>>);
    impl IdleHook for Counter {
        fn wait(&mut self) -> Idle {
            Idle::Nothing
        }
        fn poll(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let polls = Rc::new(Cell::new(0));
    set_idle_hook(Some(Box::new(Counter(Rc::clone(&polls)))));
    // Two tasklets that give up control 63 times each: 2 × 64 resumes.
    for _ in 0..2 {
        spawn(|| (0..63).for_each(|_| schedule()));
    }
    run().unwrap();
    assert_eq!(polls.get(), 2, "128 resumes, a poll every 64");
    set_idle_hook(None);
}
