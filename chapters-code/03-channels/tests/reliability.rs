//! Channels used from the idle hook, and values that must not be lost.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{Idle, IdleHook, catch_tasklet_panic, run, set_idle_hook, spawn};
use ch03_channels::{Channel, Preference};

/// An idle hook that sends one value, once, when asked to wait.
struct SendsOnce(Option<(Channel<u32>, u32)>);

impl IdleHook for SendsOnce {
    fn wait(&mut self) -> Idle {
        match self.0.take() {
            Some((channel, value)) => {
                // Receiver preference: the send would switch to the
                // receiver, but the hook cannot switch; it is woken instead.
                channel.send(value).expect("a receiver waits");
                Idle::Woke
            }
            None => Idle::Nothing,
        }
    }
}

#[test]
fn the_idle_hook_may_send_to_a_waiting_receiver() {
    let channel: Channel<u32> = Channel::new();
    let got = Rc::new(RefCell::new(None));
    let (rx, g) = (channel.clone(), Rc::clone(&got));
    spawn(move || *g.borrow_mut() = Some(rx.receive().unwrap()));
    set_idle_hook(Some(Box::new(SendsOnce(Some((channel.clone(), 7))))));
    run().unwrap();
    set_idle_hook(None);
    assert_eq!(*got.borrow(), Some(7));
    assert_eq!(channel.balance(), 0);
}

#[test]
fn a_value_accepted_by_send_reaches_main_even_if_the_sender_then_panics() {
    let channel: Channel<u32> = Channel::new();
    channel.set_preference(Preference::Neither); // the sender runs on
    let tx = channel.clone();
    spawn(move || {
        tx.send(42).expect("main waits for it");
        panic!("the sender panics after its send succeeded");
    });
    // Main was woken with 42 before the panic: it gets the value...
    assert_eq!(channel.receive().unwrap(), 42);
    // ...and the panic at its next scheduler call (rule 6).
    let panic = catch_tasklet_panic(run).unwrap_err();
    assert_eq!(
        panic.message(),
        "the sender panics after its send succeeded"
    );
    assert_eq!(panic.tasklet.id.0, 1, "the sender");
    run().unwrap();
}
