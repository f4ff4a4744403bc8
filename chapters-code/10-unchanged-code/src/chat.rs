//! A line-based chat server on `BufRead::lines` and `BufWriter`.
//!
//! Each client has two tasklets: one reads its lines with `std`'s
//! `BufReader`, one writes what the others said through a `BufWriter`,
//! flushing when nothing more is queued for it. The reader hands each
//! line to every other client's writer over a channel.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch03_channels::Channel;
use ch09_stackless_io::net::{TcpListener, TcpStream};

/// Who is in the room: each client's number and the channel to its writer.
type Members = Rc<RefCell<Vec<(u64, Channel<Rc<str>>)>>>;

// ANCHOR: serve
/// Serves chat clients on `listener`, forever. A client's first line is
/// its name; each later line goes to everyone else as `name: line`.
pub fn serve(listener: TcpListener) {
    let (members, mut ids): (Members, _) = (Rc::default(), 0..);
    crate::accept_each(&listener, |stream| {
        let (stream, id) = (Rc::new(stream), ids.next().expect("endless"));
        let outbox: Channel<Rc<str>> = Channel::new();
        let (to_write, queued) = (Rc::clone(&stream), outbox.clone());
        spawn(move || {
            write_lines(&to_write, &queued);
            // Gone: release the senders waiting for it, refuse the rest.
            queued.close();
            while queued.receive().is_ok() {}
        });
        let members = Rc::clone(&members);
        spawn(move || {
            read_lines(id, &stream, outbox.clone(), &members);
            outbox.close(); // the writer ends when its queue is empty
        });
    });
}

/// Reads a client's lines until it hangs up, and tells the others.
fn read_lines(id: u64, stream: &TcpStream, outbox: Channel<Rc<str>>, members: &Members) {
    let mut lines = BufReader::new(stream).lines();
    let Some(Ok(name)) = lines.next() else { return };
    members.borrow_mut().push((id, outbox));
    for line in lines.map_while(Result::ok) {
        tell_others(members, id, format!("{name}: {line}\n").into());
    }
    members.borrow_mut().retain(|(member, _)| *member != id);
}
// ANCHOR_END: serve

// ANCHOR: write
/// Writes what is queued for a client, flushing only when the queue is
/// empty: many lines, one system call.
fn write_lines(stream: &TcpStream, outbox: &Channel<Rc<str>>) {
    let mut out = BufWriter::new(stream);
    while let Ok(line) = outbox.receive() {
        if out.write_all(line.as_bytes()).is_err() {
            return;
        }
        if outbox.balance() <= 0 && out.flush().is_err() {
            return;
        }
    }
}
// ANCHOR_END: write

/// Queues `line` for every member but `from`.
fn tell_others(members: &Members, from: u64, line: Rc<str>) {
    let others: Vec<Channel<Rc<str>>> = members
        .borrow()
        .iter()
        .filter(|(id, _)| *id != from)
        .map(|(_, outbox)| outbox.clone())
        .collect();
    for outbox in others {
        // A writer that has gone has closed its channel: skip it.
        let _ = outbox.send(Rc::clone(&line));
    }
}
