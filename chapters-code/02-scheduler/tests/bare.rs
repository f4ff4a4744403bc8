//! The bare scheduler that chapter 2 opens with (`chapters-code/bare.rs`)
//! does what the book says: spawned tasklets wait their turn, `schedule`
//! sends the caller to the end of the ring, and `run` returns when the
//! ring is empty. Its Hello/Goodbye prints what the real scheduler's does.

use std::cell::RefCell;

#[path = "../../bare.rs"]
mod bare;

thread_local! {
    static SAID: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn say(line: String) {
    SAID.with(|said| said.borrow_mut().push(line));
}

#[test]
fn hello_goodbye_on_the_bare_scheduler_prints_what_the_real_one_does() {
    for name in ["A", "B"] {
        bare::spawn(move || {
            say(format!("Hello {name}"));
            bare::schedule();
            say(format!("Goodbye {name}"));
        });
    }
    bare::run();
    let expected: Vec<&str> = include_str!("../examples/output/hello_goodbye.txt")
        .lines()
        .collect();
    SAID.with(|said| assert_eq!(*said.borrow(), expected));
}

#[test]
fn spawning_does_not_run_and_run_ends_with_an_empty_ring() {
    bare::spawn(|| say("ran".to_owned()));
    SAID.with(|said| assert!(said.borrow().is_empty(), "spawn only queues"));
    bare::run();
    SAID.with(|said| assert_eq!(*said.borrow(), ["ran"]));
    bare::run(); // nothing left: returns at once
}
