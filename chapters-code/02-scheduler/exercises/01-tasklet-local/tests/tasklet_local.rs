//! Chapter 2, exercise 1: implement `TaskletLocal<T>`, one value per
//! tasklet, keyed by the id of the running tasklet (`current().id()`): a
//! tasklet sees only what it set itself, whatever the others set in
//! between, and the main tasklet has a value of its own.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_ex_tasklet_local::TaskletLocal;
use ch02_scheduler::{run, schedule, spawn};

type Log = Rc<RefCell<Vec<String>>>;

fn describe(value: Option<&String>) -> String {
    value.map_or_else(|| "nothing".to_string(), String::clone)
}

#[test]
fn each_tasklet_sees_its_own_value() {
    let local = Rc::new(TaskletLocal::<String>::new());
    let log = Log::default();
    local.set("main's".to_string());
    for name in ["A", "B", "C"] {
        let (local, log) = (Rc::clone(&local), Rc::clone(&log));
        spawn(move || {
            local.set(format!("{name}'s"));
            log.borrow_mut().push(format!("{name} set"));
            // The others set theirs meanwhile.
            schedule();
            let seen = local.with(describe);
            log.borrow_mut().push(format!("{name} sees {seen}"));
        });
    }
    run().unwrap();
    let seen = local.with(describe);
    log.borrow_mut().push(format!("main sees {seen}"));
    assert_eq!(
        *log.borrow(),
        [
            "A set",
            "B set",
            "C set",
            "A sees A's",
            "B sees B's",
            "C sees C's",
            "main sees main's"
        ]
    );
}

#[test]
fn a_tasklet_that_set_nothing_sees_nothing() {
    let local = Rc::new(TaskletLocal::<u32>::new());
    let log = Log::default();
    {
        let (local, log) = (Rc::clone(&local), Rc::clone(&log));
        spawn(move || {
            local.set(1);
            schedule();
            let seen = local.with(|v| v.copied());
            log.borrow_mut().push(format!("A sees {seen:?}"));
        });
    }
    {
        let (local, log) = (Rc::clone(&local), Rc::clone(&log));
        spawn(move || {
            let seen = local.with(|v| v.copied());
            log.borrow_mut().push(format!("B sees {seen:?}"));
            schedule();
            let seen = local.with(|v| v.copied());
            log.borrow_mut().push(format!("B still sees {seen:?}"));
        });
    }
    run().unwrap();
    let seen = local.with(|v| v.copied());
    log.borrow_mut().push(format!("main sees {seen:?}"));
    assert_eq!(
        *log.borrow(),
        [
            "B sees None",
            "A sees Some(1)",
            "B still sees None",
            "main sees None"
        ]
    );
}

#[test]
fn set_replaces_and_take_removes_only_ones_own() {
    let local = Rc::new(TaskletLocal::<u32>::new());
    let log = Log::default();
    local.set(0);
    for (name, value) in [("A", 10), ("B", 20)] {
        let (local, log) = (Rc::clone(&local), Rc::clone(&log));
        spawn(move || {
            local.set(value);
            local.set(value + 1);
            schedule();
            let taken = local.take();
            let again = local.take();
            let left = local.with(|v| v.copied());
            log.borrow_mut().push(format!(
                "{name} took {taken:?}, then {again:?}, left {left:?}"
            ));
        });
    }
    run().unwrap();
    log.borrow_mut()
        .push(format!("main has {:?}", local.with(|v| v.copied())));
    log.borrow_mut()
        .push(format!("main took {:?}", local.take()));
    log.borrow_mut()
        .push(format!("main has {:?}", local.with(|v| v.copied())));
    assert_eq!(
        *log.borrow(),
        [
            "A took Some(11), then None, left None",
            "B took Some(21), then None, left None",
            "main has Some(0)",
            "main took Some(0)",
            "main has None",
        ]
    );
}
