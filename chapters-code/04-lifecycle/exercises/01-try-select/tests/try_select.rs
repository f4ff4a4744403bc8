//! Chapter 4, exercise 1: `try_select` takes the first ready channel in
//! order, reports a closed one, and returns `None` at once when none is
//! ready, leaving no trace on the channels.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{run, spawn};
use ch03_channels::{Channel, ChannelError};
use ch04_ex_try_select::try_select;

fn sender(channel: &Channel<u32>, value: u32) {
    let tx = channel.clone();
    spawn(move || tx.send(value).unwrap());
}

#[test]
fn with_nothing_ready_it_takes_the_default_branch_at_once() {
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    let log: Rc<RefCell<Vec<&str>>> = Rc::default();
    let (ra, rb, l) = (a.clone(), b.clone(), Rc::clone(&log));
    spawn(move || {
        assert!(try_select(&[&ra, &rb]).is_none());
        l.borrow_mut().push("default branch");
    });
    let l = Rc::clone(&log);
    spawn(move || l.borrow_mut().push("second tasklet"));
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["default branch", "second tasklet"],
        "it did not wait"
    );
    assert_eq!((a.balance(), b.balance()), (0, 0), "it left nothing behind");
}

#[test]
fn the_first_ready_channel_in_order_wins() {
    let (a, b, c) = (Channel::new(), Channel::new(), Channel::new());
    sender(&c, 3);
    sender(&b, 2);
    run().unwrap();
    assert!(matches!(try_select(&[&a, &b, &c]), Some((1, Ok(2)))));
    assert!(matches!(try_select(&[&a, &b, &c]), Some((2, Ok(3)))));
    assert!(try_select(&[&a, &b, &c]).is_none());
}

#[test]
fn a_closed_channel_is_ready_with_its_error() {
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    b.close();
    assert!(matches!(
        try_select(&[&a, &b]),
        Some((1, Err(ChannelError::Closed(None))))
    ));
}

#[test]
fn a_sent_error_is_ready_too() {
    let (a, b) = (Channel::<u32>::new(), Channel::<u32>::new());
    let tx = b.clone();
    spawn(move || tx.send_exception(Box::new("no more")).unwrap());
    run().unwrap();
    let Some((1, Err(ChannelError::Exception(payload)))) = try_select(&[&a, &b]) else {
        panic!("the sent error is the ready channel's result");
    };
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"no more"));
    assert_eq!(b.balance(), 0, "the sender was served");
}
