//! Chapter 5, exercise 1: `pipeline` applies each stage in turn, keeps the
//! order, and closes stage after stage when the input is closed.

use std::cell::RefCell;
use std::rc::Rc;

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;
use ch05_ex_pipeline::{Stage, pipeline};

/// Feeds `values` into a new channel from a tasklet, then closes it.
fn source(values: Vec<i64>) -> Channel<i64> {
    let channel = Channel::new();
    let tx = channel.clone();
    spawn(move || {
        tx.send_sequence(values).unwrap();
        tx.close();
    });
    channel
}

fn collect(channel: Channel<i64>) -> Rc<RefCell<Vec<i64>>> {
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
fn each_stage_is_applied_in_turn_and_the_order_is_kept() {
    let stages: Vec<Stage> = vec![Box::new(|x| x + 1), Box::new(|x| x * 10), Box::new(|x| -x)];
    let got = collect(pipeline(source(vec![1, 2, 3]), stages));
    run().unwrap();
    assert_eq!(*got.borrow(), [-20, -30, -40]);
}

#[test]
fn closing_the_input_closes_the_whole_pipeline() {
    let input = Channel::new();
    let stages: Vec<Stage> = vec![Box::new(|x| x), Box::new(|x| x)];
    let output = pipeline(input.clone(), stages);
    run().unwrap();
    assert!(!output.is_closed());
    input.close();
    run().unwrap();
    assert!(output.is_closed());
}

#[test]
fn no_stages_pass_values_through() {
    let got = collect(pipeline(source(vec![7, 8]), Vec::new()));
    run().unwrap();
    assert_eq!(*got.borrow(), [7, 8]);
}

#[test]
fn every_stage_is_a_tasklet_of_its_own() {
    let seen_by_first: Rc<RefCell<Vec<i64>>> = Rc::default();
    let gate: Channel<()> = Channel::new();
    let seen = Rc::clone(&seen_by_first);
    let held = gate.clone();
    let stages: Vec<Stage> = vec![
        Box::new(move |x| {
            seen.borrow_mut().push(x);
            x
        }),
        // The second stage holds the first value until the gate opens.
        Box::new(move |x| {
            if x == 1 {
                held.receive().unwrap();
            }
            x
        }),
    ];
    let got = collect(pipeline(source(vec![1, 2, 3]), stages));
    run().unwrap();
    // While the second stage waits with value 1, the first has already
    // taken value 2: the stages run side by side.
    assert_eq!(*seen_by_first.borrow(), [1, 2]);
    assert!(got.borrow().is_empty());
    gate.send(()).unwrap();
    run().unwrap();
    assert_eq!(*got.borrow(), [1, 2, 3]);
}
