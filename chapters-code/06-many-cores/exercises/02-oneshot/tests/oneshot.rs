//! Chapter 6, exercise 2: a one-shot channel delivers its value across
//! threads, whether the receiver waits first or the sender comes first,
//! and tells the receiver when the sender is gone.

use std::sync::mpsc;

use ch02_scheduler::{run, spawn};
use ch06_ex_oneshot::{Canceled, oneshot};
use ch06_many_cores::spawn_thread;

#[path = "../../../tests/support/limit.rs"]
mod limit;
use limit::within_limit;

#[test]
fn a_value_sent_first_is_received_at_once() {
    let got = within_limit(|| {
        let (tx, rx) = oneshot();
        tx.send(5);
        rx.receive()
    });
    assert_eq!(got, Ok(5));
}

#[test]
fn a_receiver_waits_for_a_value_from_another_thread() {
    let got = within_limit(|| {
        let (tx, rx) = oneshot::<String>();
        let (ready, go) = mpsc::channel::<()>();
        let sender = spawn_thread(move || {
            go.recv().unwrap(); // until the receiver waits
            tx.send("from afar".to_owned());
        })
        .unwrap();
        let result = std::rc::Rc::new(std::cell::RefCell::new(None));
        let r = std::rc::Rc::clone(&result);
        spawn(move || *r.borrow_mut() = Some(rx.receive()));
        spawn(move || ready.send(()).unwrap()); // runs once the receiver parked
        run().unwrap();
        sender.join().unwrap();
        result.borrow_mut().take().unwrap()
    });
    assert_eq!(got, Ok("from afar".to_owned()));
}

#[test]
fn a_dropped_sender_cancels_the_receiver() {
    let got = within_limit(|| {
        let (tx, rx) = oneshot::<u8>();
        let (done, finished) = mpsc::channel::<()>();
        // The dropper stays alive, blocked outside any scheduler, until the
        // receiver is done: the world counts it as able to move, so no
        // deadlock is declared, and only the drop itself can end the wait.
        let dropper = spawn_thread(move || {
            drop(tx);
            finished.recv().unwrap();
        })
        .unwrap();
        let got = rx.receive();
        done.send(()).unwrap();
        dropper.join().unwrap();
        got
    });
    assert_eq!(got, Err(Canceled));
}
