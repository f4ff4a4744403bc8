//! Rule 10: who runs first when a producer meets a waiting consumer.
//!
//! `cargo run -p ch03-channels --example preferences -- receiver` prints the
//! interleaving; add `--mermaid` for the scheduler's trace of the same run
//! as a sequence diagram (the book's diagrams are these).

use std::cell::RefCell;
use std::rc::Rc;

use ch01_tasklets::TaskletId;
use ch02_scheduler::trace::{self, Event};
use ch02_scheduler::{Builder, run};
use ch03_channels::{Channel, Preference};

// ANCHOR: play
/// A consumer waits; a producer sends 0, 1 and 2 on a channel with
/// `preference`. Returns the log (`s` a send, `r` a receive), the
/// scheduler's trace of the run, and the consumer's and producer's ids.
fn play(preference: Preference) -> (Vec<String>, Vec<Event>, [TaskletId; 2]) {
    let ch = Channel::new();
    ch.set_preference(preference);
    let log = Rc::new(RefCell::new(Vec::new()));
    let (c, l) = (ch.clone(), Rc::clone(&log));
    let consumer = Builder::new().name("consumer").spawn(move || {
        for _ in 0..3 {
            let v = c.receive().unwrap();
            l.borrow_mut().push(format!("r{v}"));
        }
    });
    let (c, l) = (ch.clone(), Rc::clone(&log));
    let producer = Builder::new().name("producer").spawn(move || {
        for i in 0..3 {
            l.borrow_mut().push(format!("s{i}"));
            c.send(i).unwrap();
        }
    });
    let ids = [consumer.unwrap().id(), producer.unwrap().id()];
    trace::start();
    run().unwrap();
    (log.take(), trace::stop(), ids)
}
// ANCHOR_END: play

fn main() {
    let mut args = std::env::args().skip(1);
    let preference = match args.next().as_deref() {
        Some("receiver") => Preference::Receiver,
        Some("neither") => Preference::Neither,
        Some("sender") => Preference::Sender,
        other => {
            eprintln!("usage: preferences receiver|neither|sender [--mermaid]; got {other:?}");
            std::process::exit(2);
        }
    };
    let mermaid = args.next().as_deref() == Some("--mermaid");
    let (log, events, [consumer, producer]) = play(preference);
    if mermaid {
        let name = |id| match id {
            id if id == consumer => "consumer",
            id if id == producer => "producer",
            _ => "main",
        };
        print!("{}", trace::to_mermaid(&events, |id| name(id).to_owned()));
    } else {
        println!("{:?}: {}", preference, log.join(" "));
    }
}
