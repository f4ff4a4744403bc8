//! `select` and `receive_timeout`, on a virtual clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::{Error, run, spawn};
use ch03_channels::{Channel, ChannelError};
use ch04_lifecycle::time::{self, VirtualClock};
use ch04_lifecycle::{Kill, SelectError, receive_timeout, select};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn virtual_clock() {
    time::set_clock(VirtualClock::new());
}

/// A tasklet that sends `value` on `channel` (and blocks until taken).
fn sender(channel: &Channel<u32>, value: u32) {
    let tx = channel.clone();
    spawn(move || tx.send(value).unwrap());
}

#[test]
fn when_several_are_ready_the_first_in_order_wins() {
    let (a, b) = (Channel::new(), Channel::new());
    sender(&b, 2);
    sender(&a, 1);
    run().unwrap(); // both senders now wait
    assert_eq!(select(&[&a, &b], None).unwrap(), (0, 1));
    assert_eq!(select(&[&a, &b], None).unwrap(), (1, 2));
}

#[test]
fn a_waiting_select_takes_the_first_sender_and_leaves_the_other_channels() {
    let (a, b, c) = (Channel::new(), Channel::new(), Channel::new());
    let got: Rc<RefCell<Option<(usize, u32)>>> = Rc::default();
    let (ra, rb, rc, g) = (a.clone(), b.clone(), c.clone(), Rc::clone(&got));
    spawn(move || *g.borrow_mut() = Some(select(&[&ra, &rb, &rc], None).unwrap()));
    run().unwrap();
    assert_eq!((a.balance(), b.balance(), c.balance()), (-1, -1, -1));
    sender(&b, 20);
    run().unwrap();
    assert_eq!(*got.borrow(), Some((1, 20)));
    assert_eq!((a.balance(), b.balance(), c.balance()), (0, 0, 0));
}

#[test]
fn a_select_times_out_at_its_deadline() {
    virtual_clock();
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    let outcome = select(&[&a, &b], Some(ms(250)));
    assert!(matches!(outcome, Err(SelectError::TimedOut)), "{outcome:?}");
    assert_eq!(time::now(), ms(250));
    assert_eq!((a.balance(), b.balance()), (0, 0));
}

#[test]
fn a_value_before_the_timeout_wins_and_its_timer_is_forgotten() {
    virtual_clock();
    let channel = Channel::new();
    let rx = channel.clone();
    let got = Rc::new(RefCell::new(None));
    let g = Rc::clone(&got);
    let receiver = spawn(move || {
        *g.borrow_mut() = Some(receive_timeout(&rx, Duration::from_secs(60)).unwrap())
    });
    receiver.run().unwrap(); // it parks, with a timer; `run()` would wait for it
    sender(&channel, 5);
    run().unwrap();
    assert_eq!(*got.borrow(), Some(5));
    assert_eq!(
        time::now(),
        Duration::ZERO,
        "nobody waited for the dead timer"
    );
}

#[test]
fn a_closed_channel_is_reported_with_its_index() {
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    b.close();
    let outcome = select(&[&a, &b], None);
    assert!(
        matches!(
            outcome,
            Err(SelectError::Channel {
                index: 1,
                error: ChannelError::Closed(None)
            })
        ),
        "{outcome:?}"
    );
}

#[test]
fn closing_a_channel_wakes_a_select_waiting_on_it() {
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    let (ra, rb) = (a.clone(), b.clone());
    let got: Rc<RefCell<Option<String>>> = Rc::default();
    let g = Rc::clone(&got);
    spawn(move || *g.borrow_mut() = Some(select(&[&ra, &rb], None).unwrap_err().to_string()));
    run().unwrap();
    a.close();
    run().unwrap();
    assert_eq!(
        got.borrow().as_deref(),
        Some("channel 0 of the select: the channel is closed")
    );
    assert_eq!(b.balance(), 0);
}

#[test]
fn main_selecting_with_nothing_to_wake_it_is_a_deadlock() {
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    let outcome = select(&[&a, &b], None);
    assert!(
        matches!(outcome, Err(SelectError::Scheduler(Error::Deadlock(_)))),
        "{outcome:?}"
    );
    assert_eq!((a.balance(), b.balance()), (0, 0));
}

#[test]
fn killing_a_selecting_tasklet_takes_it_off_every_channel() {
    virtual_clock();
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    let (ra, rb) = (a.clone(), b.clone());
    let t = spawn(move || drop(select(&[&ra, &rb], Some(Duration::from_secs(10)))));
    t.run().unwrap();
    assert_eq!((a.balance(), b.balance()), (-1, -1));
    t.kill().unwrap();
    assert_eq!((a.balance(), b.balance()), (0, 0));
    run().unwrap();
    assert_eq!(time::now(), Duration::ZERO, "its timer went with it");
}
