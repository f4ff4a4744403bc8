//! Chapter 3, exercise 3: `merge` carries every value of every input,
//! keeps each input's order, and closes when every input is closed.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;
use ch03_ex_merge::merge;

/// A producer that sends `values` on a new channel, then closes it.
fn producer(values: Vec<u32>) -> Channel<u32> {
    let channel = Channel::new();
    let tx = channel.clone();
    spawn(move || {
        tx.send_sequence(values).unwrap();
        tx.close();
    });
    channel
}

/// A consumer that collects what `channel` carries until it is closed.
fn collect(channel: Channel<u32>) -> Rc<RefCell<Vec<u32>>> {
    let got = Rc::new(RefCell::new(Vec::new()));
    let g = Rc::clone(&got);
    spawn(move || {
        for value in channel {
            g.borrow_mut().push(value);
        }
    });
    got
}

#[test]
fn every_value_arrives_each_input_in_order() {
    let inputs = vec![
        producer(vec![1, 2, 3]),
        producer(vec![10, 20]),
        producer(vec![100]),
    ];
    let got = collect(merge(inputs));
    run().unwrap();
    let got = got.borrow();
    assert_eq!(got.len(), 6);
    let from = |lo: u32, hi: u32| {
        got.iter()
            .copied()
            .filter(|v| (lo..hi).contains(v))
            .collect::<Vec<_>>()
    };
    assert_eq!(from(1, 10), [1, 2, 3]);
    assert_eq!(from(10, 100), [10, 20]);
    assert_eq!(from(100, 1000), [100]);
}

#[test]
fn the_output_closes_only_when_every_input_is_closed() {
    let (open, done) = (Channel::new(), producer(vec![1]));
    let output = merge(vec![open.clone(), done]);
    let got = collect(output.clone());
    run().unwrap();
    assert_eq!(*got.borrow(), [1]);
    assert!(!output.is_closed(), "one input is still open");
    open.close();
    run().unwrap();
    assert!(output.is_closed());
}

#[test]
fn merging_nothing_gives_a_closed_channel() {
    let output: Channel<u32> = merge(Vec::new());
    assert!(output.is_closed());
    assert!(output.receive().is_err());
}
