//! The scheduler trace records exactly what happened.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::trace::{self, Event};
use ch02_scheduler::{Unparker, WaitOn, Wake, current, park, run, schedule, spawn};

#[test]
fn hello_goodbye_is_recorded_switch_by_switch() {
    trace::start();
    let [a, b] = [0, 1].map(|_| spawn(schedule));
    run().unwrap();
    let (a, b) = (a.id(), b.id());
    assert_eq!(
        trace::stop(),
        [
            Event::Run(a),
            Event::Run(b),
            Event::Run(a),
            Event::Exit(a),
            Event::Run(b),
            Event::Exit(b)
        ]
    );
}

#[test]
fn parks_and_wakes_name_who_and_what() {
    let slot: Rc<RefCell<Option<Unparker>>> = Rc::default();
    let s = Rc::clone(&slot);
    trace::start();
    let sleeper = spawn(move || {
        park(WaitOn::object("the bell", 1), |u| *s.borrow_mut() = Some(u)).unwrap();
    });
    let s = Rc::clone(&slot);
    let ringer = spawn(move || {
        s.borrow_mut().take().unwrap().unpark(Wake(0));
    });
    run().unwrap();
    let (z, r) = (sleeper.id(), ringer.id());
    let events = trace::stop();
    assert_eq!(
        events,
        [
            Event::Run(z),
            Event::Park(z, WaitOn::object("the bell", 1)),
            Event::Run(r),
            Event::Unpark { waker: r, woken: z },
            Event::Exit(r),
            Event::Run(z),
            Event::Exit(z),
        ]
    );
    // Ids count per thread, and each test has a thread of its own.
    assert_eq!((z.0, r.0), (1, 2));
    assert_ne!(current().id(), z);
    let name = |id| {
        if id == z {
            "sleeper".into()
        } else {
            "ringer".into()
        }
    };
    let expected = "\
sequenceDiagram
    participant T1 as sleeper
    participant T2 as ringer
    Note over T1: runs
    Note over T1: waits: the bell 1
    T1-->>T2: switch
    T2->>T1: wakes
    Note over T2: ends
    T2-->>T1: switch
    Note over T1: ends
";
    assert_eq!(trace::to_mermaid(&events, name), expected);
}

#[test]
fn nothing_is_recorded_unless_started() {
    spawn(|| {});
    run().unwrap();
    assert!(trace::stop().is_empty());
}
