//! The talk's ordering example: one consumer, two producers. With the
//! default preference (receiver first), each value is consumed as soon as
//! it is sent.

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;

// ANCHOR: main
fn main() {
    let ch: Channel<String> = Channel::new();
    let consumer = ch.clone();
    spawn(move || {
        for value in consumer {
            println!("  consumer got {value}");
        }
        println!("  consumer: the channel is closed");
    });
    let p1 = ch.clone();
    spawn(move || {
        for value in ["A", "B"] {
            println!("producer 1 sends {value}");
            p1.send(value.to_owned()).unwrap();
        }
    });
    let p2 = ch.clone();
    spawn(move || {
        println!("producer 2 sends the sequence 1, 2, 3");
        let sent = p2.send_sequence((1..=3).map(|n| n.to_string())).unwrap();
        println!("producer 2 sent {sent}");
    });
    run().unwrap();
    println!("main closes the channel");
    ch.close();
    run().unwrap();
}
// ANCHOR_END: main
