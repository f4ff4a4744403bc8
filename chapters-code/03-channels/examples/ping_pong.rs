//! Ping-pong: two tasklets bounce a ball over two channels.

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;

// ANCHOR: main
fn main() {
    let (to_pong, to_ping) = (Channel::new(), Channel::new());
    let (out, back) = (to_pong.clone(), to_ping.clone());
    spawn(move || {
        for ball in 1..=3 {
            println!("ping sends {ball}");
            out.send(ball).unwrap();
            let reply = back.receive().unwrap();
            println!("ping got {reply} back");
        }
        out.close();
    });
    spawn(move || {
        for ball in to_pong {
            println!("  pong returns {}", ball * 10);
            to_ping.send(ball * 10).unwrap();
        }
        println!("  pong: no more balls");
    });
    run().unwrap();
}
// ANCHOR_END: main
