//! Chapter 2, exercise 2: implement `spawn_join` and `JoinHandle::join`:
//! `join` parks the caller until the joined tasklet finishes, then returns
//! its result. It works from the main tasklet (whose park runs the others)
//! and from another tasklet, and returns at once, without giving up
//! control, if the tasklet has already finished.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_ex_join::spawn_join;
use ch02_scheduler::{run, schedule, spawn};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

#[test]
fn main_joins_a_tasklet_while_others_run() {
    let log = Log::default();
    let worker = {
        let log = Rc::clone(&log);
        spawn_join(move || {
            push(&log, "w1");
            schedule();
            push(&log, "w2");
            schedule();
            push(&log, "w3");
            42
        })
    };
    {
        let log = Rc::clone(&log);
        spawn(move || {
            for step in ["o1", "o2", "o3", "o4"] {
                push(&log, step);
                schedule();
            }
        });
    }
    push(&log, "main joins");
    let result = worker.join();
    push(&log, format!("main got {result}"));
    run().unwrap();
    push(&log, "end");
    assert_eq!(
        *log.borrow(),
        [
            "main joins",
            "w1",
            "o1",
            "w2",
            "o2",
            "w3",
            "o3",
            "main got 42",
            "o4",
            "end"
        ]
    );
}

#[test]
fn a_tasklet_joins_another() {
    let log = Log::default();
    let worker = {
        let log = Rc::clone(&log);
        spawn_join(move || {
            push(&log, "w1");
            schedule();
            push(&log, "w2");
            ["a", "result"].join(" ")
        })
    };
    {
        let log = Rc::clone(&log);
        spawn(move || {
            push(&log, "j waits");
            let result = worker.join();
            push(&log, format!("j got {result}"));
        });
    }
    {
        let log = Rc::clone(&log);
        spawn(move || {
            push(&log, "o1");
            schedule();
            push(&log, "o2");
            schedule();
            push(&log, "o3");
        });
    }
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["w1", "j waits", "o1", "w2", "o2", "j got a result", "o3"]
    );
}

#[test]
fn joining_a_finished_tasklet_returns_at_once() {
    let log = Log::default();
    let done = spawn_join(|| 7);
    let also_done = spawn_join(|| "main's");
    assert!(!done.is_finished());
    run().unwrap();
    assert!(done.is_finished());
    assert!(also_done.is_finished());
    // From main: parking here would find nothing to run and deadlock.
    assert_eq!(also_done.join(), "main's");
    // From a tasklet: it must not give up control, so `y` runs after it.
    {
        let log = Rc::clone(&log);
        spawn(move || {
            push(&log, "x joins");
            let result = done.join();
            push(&log, format!("x got {result}"));
        });
    }
    {
        let log = Rc::clone(&log);
        spawn(move || push(&log, "y runs"));
    }
    run().unwrap();
    assert_eq!(*log.borrow(), ["x joins", "x got 7", "y runs"]);
}

#[test]
fn several_joins_in_a_row() {
    let log = Log::default();
    let handles: Vec<_> = (1..=3)
        .map(|n| {
            let log = Rc::clone(&log);
            spawn_join(move || {
                for step in 0..n {
                    push(&log, format!("t{n} step {step}"));
                    schedule();
                }
                n * 100
            })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles.into_iter().rev() {
        results.push(handle.join());
        push(&log, format!("main joined {}", results.last().unwrap()));
    }
    assert_eq!(results, [300, 200, 100]);
    assert_eq!(
        *log.borrow(),
        [
            "t1 step 0",
            "t2 step 0",
            "t3 step 0",
            "t2 step 1",
            "t3 step 1",
            "t3 step 2",
            "main joined 300",
            "main joined 200",
            "main joined 100",
        ]
    );
}
