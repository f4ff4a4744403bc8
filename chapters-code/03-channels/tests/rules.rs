//! Rules 8 to 12 of `shared/stackless-semantics.md`, one test each, with
//! exact interleavings.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{Builder, run, spawn};
use ch03_channels::{Channel, ChannelError, Preference};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: String) {
    log.borrow_mut().push(entry);
}

fn entries(log: &Log) -> Vec<String> {
    log.borrow().clone()
}

/// A consumer that receives `n` values, then a producer that sends 0..n.
fn producer_consumer(preference: Preference, n: u32) -> Vec<String> {
    let log = Log::default();
    let ch = Channel::new();
    ch.set_preference(preference);
    let (c, l) = (ch.clone(), Rc::clone(&log));
    spawn(move || {
        for _ in 0..n {
            let v = c.receive().unwrap();
            push(&l, format!("r{v}"));
        }
    });
    let (c, l) = (ch.clone(), Rc::clone(&log));
    spawn(move || {
        for i in 0..n {
            push(&l, format!("s{i}"));
            c.send(i).unwrap();
        }
    });
    run().unwrap();
    entries(&log)
}

#[test]
fn rule_8_send_blocks_until_a_receiver_takes_the_value() {
    let ch = Channel::new();
    let log = Log::default();
    let (c, l) = (ch.clone(), Rc::clone(&log));
    spawn(move || {
        push(&l, "sending".into());
        c.send("hello").unwrap();
        push(&l, "sent".into());
    });
    run().unwrap();
    assert_eq!(entries(&log), ["sending"]);
    assert_eq!(ch.balance(), 1, "rule 9: one blocked sender");
    assert_eq!(ch.receive().unwrap(), "hello");
    assert_eq!(ch.balance(), 0);
    run().unwrap();
    assert_eq!(entries(&log), ["sending", "sent"]);
}

#[test]
fn rule_9_balance_counts_blocked_receivers_negatively() {
    let ch: Channel<u32> = Channel::new();
    for _ in 0..3 {
        let c = ch.clone();
        spawn(move || drop(c.receive()));
    }
    run().unwrap();
    assert_eq!(ch.balance(), -3);
    ch.send(1).unwrap();
    assert_eq!(ch.balance(), -2);
    ch.close();
    run().unwrap();
    assert_eq!(ch.balance(), 0);
}

#[test]
fn rule_10_preferring_the_receiver_alternates() {
    assert_eq!(
        producer_consumer(Preference::Receiver, 3),
        ["s0", "r0", "s1", "r1", "s2", "r2"]
    );
}

#[test]
fn rule_10_preferring_neither_lets_the_producer_run_until_it_blocks() {
    assert_eq!(
        producer_consumer(Preference::Neither, 3),
        ["s0", "s1", "r0", "r1", "s2", "r2"]
    );
}

#[test]
fn rule_11_send_sequence_and_iteration() {
    let ch = Channel::new();
    let got = Rc::new(RefCell::new(Vec::new()));
    let (c, g) = (ch.clone(), Rc::clone(&got));
    spawn(move || g.borrow_mut().extend(c));
    let c = ch.clone();
    let count = Rc::new(RefCell::new(0));
    let n = Rc::clone(&count);
    spawn(move || {
        *n.borrow_mut() = c.send_sequence([1, 2, 3]).unwrap();
        c.close();
    });
    run().unwrap();
    assert_eq!(*got.borrow(), [1, 2, 3]);
    assert_eq!(*count.borrow(), 3);
}

#[test]
fn rule_12_close_wakes_blocked_receivers_and_drains_blocked_senders() {
    let ch = Channel::new();
    let log = Log::default();
    let (c, l) = (ch.clone(), Rc::clone(&log));
    Builder::new()
        .spawn(move || match c.receive() {
            Err(ChannelError::Closed(None)) => push(&l, "receiver: closed".into()),
            other => push(&l, format!("receiver: {other:?}")),
        })
        .unwrap();
    run().unwrap();
    ch.close();
    assert!(matches!(ch.send(5), Err(ChannelError::Closed(Some(5)))));
    run().unwrap();
    assert_eq!(entries(&log), ["receiver: closed"]);

    // A sender blocked before the close still hands over its value.
    let ch = Channel::new();
    let c = ch.clone();
    spawn(move || drop(c.send("held")));
    run().unwrap();
    ch.close();
    // Closing, not yet closed: a blocked sender still holds a value.
    assert_eq!((ch.is_closing(), ch.is_closed()), (true, false));
    assert_eq!(ch.receive().unwrap(), "held");
    assert_eq!((ch.is_closing(), ch.is_closed()), (true, true));
    assert!(matches!(ch.receive(), Err(ChannelError::Closed(None))));
}

#[test]
fn rule_11_iteration_ends_only_when_the_channel_is_closed() {
    // A sent exception is raised in the loop, as the panic it carries.
    let ch: Channel<u32> = Channel::new();
    let tx = ch.clone();
    spawn(move || {
        tx.send(1).unwrap();
        tx.send_exception(Box::new("stop")).unwrap();
    });
    let mut seen = Vec::new();
    let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        for v in ch.clone() {
            seen.push(v);
        }
    }));
    assert_eq!(seen, [1]);
    assert_eq!(raised.unwrap_err().downcast_ref::<&str>(), Some(&"stop"));
    // A deadlock is not the end of the stream either: it panics, saying so.
    let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ch.clone().count()));
    let message = raised.unwrap_err();
    let message = message.downcast_ref::<String>().expect("a message");
    assert!(message.contains("deadlock"), "{message}");
}

#[test]
fn rule_7_main_receiving_on_an_empty_channel_is_a_deadlock_naming_the_channel() {
    let ch: Channel<u8> = Channel::new();
    let err = ch.receive().unwrap_err();
    let ChannelError::Deadlock(d) = &err else {
        panic!("{err}")
    };
    let text = d.to_string();
    assert!(
        text.contains(&format!("receive on channel {}", ch.id())),
        "{text}"
    );
    assert_eq!(ch.balance(), 0, "main's cancelled wait is not counted");
}

#[test]
fn rule_7_main_deadlocked_in_send_leaves_nothing_in_the_queue() {
    let ch: Channel<Rc<()>> = Channel::new();
    let value = Rc::new(());
    let err = ch.send(Rc::clone(&value)).unwrap_err();
    assert!(matches!(err, ChannelError::Deadlock(_)), "{err}");
    // The message left the queue with main's wait, not at some later send.
    assert_eq!(Rc::strong_count(&value), 1);
    assert_eq!(ch.balance(), 0);
}

#[test]
fn rule_13_a_sent_exception_is_the_receivers_error() {
    let ch: Channel<u32> = Channel::new();
    let c = ch.clone();
    spawn(move || c.send_exception(Box::new("the well ran dry")).unwrap());
    let err = ch.receive().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the sender sent an error: the well ran dry"
    );
    let ChannelError::Exception(payload) = err else {
        panic!("expected the sent error")
    };
    assert_eq!(*payload.downcast::<&str>().unwrap(), "the well ran dry");
    run().unwrap();
    assert_eq!(ch.balance(), 0);
}

#[test]
fn values_in_a_closed_channel_and_in_cancelled_waits_are_dropped() {
    struct Counted(Rc<RefCell<u32>>);
    impl Drop for Counted {
        fn drop(&mut self) {
            *self.0.borrow_mut() += 1;
        }
    }
    let drops = Rc::new(RefCell::new(0));
    let ch = Channel::new();
    for _ in 0..3 {
        let (c, d) = (ch.clone(), Rc::clone(&drops));
        spawn(move || drop(c.send(Counted(d))));
    }
    run().unwrap();
    assert_eq!(ch.balance(), 3);
    ch.close();
    // Blocked senders still hold their values; draining drops them here.
    let drained: Vec<_> = ch.clone().collect();
    assert_eq!(drained.len(), 3);
    drop(drained);
    assert_eq!(*drops.borrow(), 3);
    let refused = ch.send(Counted(Rc::clone(&drops)));
    assert!(matches!(refused, Err(ChannelError::Closed(Some(_)))));
    drop(refused);
    run().unwrap();
    assert_eq!(*drops.borrow(), 4, "every value was dropped exactly once");
}
