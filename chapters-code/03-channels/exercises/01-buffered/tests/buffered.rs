//! Chapter 3, exercise 1: a buffered channel: sends return at once while
//! there is room, block when it is full; receives take the oldest value and
//! block when it is empty; waiters are served in order.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{run, spawn};
use ch03_ex_buffered::Buffered;

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

#[test]
fn sends_fill_the_buffer_without_giving_up_control() {
    let channel = Buffered::new(3);
    let log = Log::default();
    let (tx, l) = (channel.clone(), Rc::clone(&log));
    spawn(move || {
        for i in 0..3 {
            tx.send(i);
            push(&l, format!("sent {i}"));
        }
    });
    let l = Rc::clone(&log);
    spawn(move || push(&l, "other runs"));
    run().unwrap();
    assert_eq!(*log.borrow(), ["sent 0", "sent 1", "sent 2", "other runs"]);
    assert_eq!(channel.len(), 3);
}

#[test]
fn a_full_buffer_blocks_the_sender_until_a_receive_makes_room() {
    let channel = Buffered::new(2);
    let log = Log::default();
    let (tx, l) = (channel.clone(), Rc::clone(&log));
    spawn(move || {
        for i in 0..3 {
            tx.send(i);
            push(&l, format!("sent {i}"));
        }
    });
    run().unwrap();
    assert_eq!(*log.borrow(), ["sent 0", "sent 1"], "the third send waits");
    assert_eq!(channel.receive(), 0);
    run().unwrap();
    assert_eq!(*log.borrow(), ["sent 0", "sent 1", "sent 2"]);
    assert_eq!((channel.receive(), channel.receive()), (1, 2));
    assert!(channel.is_empty());
}

#[test]
fn receivers_wait_on_an_empty_buffer_and_are_served_in_order() {
    let channel: Buffered<&str> = Buffered::new(1);
    let log = Log::default();
    for name in ["A", "B"] {
        let (rx, l) = (channel.clone(), Rc::clone(&log));
        spawn(move || {
            let value = rx.receive();
            push(&l, format!("{name} got {value}"));
        });
    }
    run().unwrap();
    assert!(log.borrow().is_empty(), "both wait");
    channel.send("x");
    // Full again: main parks here until A, woken by "x", has taken it.
    channel.send("y");
    run().unwrap();
    assert_eq!(*log.borrow(), ["A got x", "B got y"]);
}

#[test]
fn blocked_senders_are_served_in_order() {
    let channel = Buffered::new(1);
    channel.send(0);
    let log = Log::default();
    for (name, value) in [("S1", 1), ("S2", 2)] {
        let (tx, l) = (channel.clone(), Rc::clone(&log));
        spawn(move || {
            tx.send(value);
            push(&l, format!("{name} sent"));
        });
    }
    run().unwrap();
    assert!(log.borrow().is_empty(), "both wait for room");
    assert_eq!(channel.receive(), 0);
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["S1 sent"],
        "the first to wait is the first served"
    );
    assert_eq!(channel.receive(), 1);
    run().unwrap();
    assert_eq!(*log.borrow(), ["S1 sent", "S2 sent"]);
    assert_eq!(channel.receive(), 2);
}

#[test]
fn values_come_out_in_the_order_they_went_in_across_blocking() {
    let channel = Buffered::new(2);
    let tx = channel.clone();
    spawn(move || (0..10).for_each(|i| tx.send(i)));
    let (rx, got) = (channel.clone(), Rc::new(RefCell::new(Vec::new())));
    let g = Rc::clone(&got);
    spawn(move || (0..10).for_each(|_| g.borrow_mut().push(rx.receive())));
    run().unwrap();
    assert_eq!(*got.borrow(), (0..10).collect::<Vec<_>>());
}

#[test]
#[should_panic(expected = "use an unbuffered Channel")]
fn a_capacity_of_zero_is_refused() {
    let _ = Buffered::<u8>::new(0);
}

#[test]
fn a_woken_sender_checks_again_for_room() {
    let channel = Buffered::new(1);
    channel.send(1);
    let log = Log::default();
    let (tx, l) = (channel.clone(), Rc::clone(&log));
    spawn(move || {
        tx.send(2);
        push(&l, "sent 2");
    });
    run().unwrap(); // the sender finds the buffer full, and waits
    // Main's receive wakes the sender, and main goes on running: it takes
    // the room before the woken sender gets its turn.
    assert_eq!(channel.receive(), 1);
    push(&log, "main received 1");
    channel.send(3);
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["main received 1"],
        "the room was taken: wait again"
    );
    assert_eq!(channel.len(), 1, "never more than the capacity");
    assert_eq!(channel.receive(), 3);
    run().unwrap();
    assert_eq!(*log.borrow(), ["main received 1", "sent 2"]);
    assert_eq!(channel.receive(), 2);
}
