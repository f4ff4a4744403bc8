//! The bare channel that chapter 3 opens with (`chapters-code/bare.rs`)
//! does what the book says: a rendezvous, first come first served, the
//! receiver preferred (it runs as soon as a value reaches it).

use std::cell::RefCell;

#[path = "../../bare.rs"]
mod bare;

thread_local! {
    static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn note(line: String) {
    SEEN.with(|seen| seen.borrow_mut().push(line));
}

#[test]
fn a_value_passes_from_sender_to_receiver_and_the_receiver_runs_first() {
    let channel = std::rc::Rc::new(bare::Channel::default());
    let rx = std::rc::Rc::clone(&channel);
    bare::spawn(move || {
        for _ in 0..2 {
            let value = rx.receive();
            note(format!("r{value}"));
        }
    });
    bare::spawn(move || {
        for value in 0..2 {
            note(format!("s{value}"));
            channel.send(value);
        }
        note("sender done".to_owned());
    });
    bare::run();
    // The receiver waits first; each send runs it at once.
    SEEN.with(|seen| assert_eq!(*seen.borrow(), ["s0", "r0", "s1", "r1", "sender done"]));
}

#[test]
fn blocked_senders_are_served_in_order() {
    let channel = std::rc::Rc::new(bare::Channel::default());
    for value in [1, 2] {
        let tx = std::rc::Rc::clone(&channel);
        bare::spawn(move || tx.send(value));
    }
    bare::spawn(move || {
        let got = (channel.receive(), channel.receive());
        note(format!("{got:?}"));
    });
    bare::run();
    SEEN.with(|seen| assert_eq!(*seen.borrow(), ["(1, 2)"]));
}
