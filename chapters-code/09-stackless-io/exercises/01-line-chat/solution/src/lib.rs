//! Chapter 9, exercise 1: a line-based chat server (reference solution).

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch09_stackless_io::net::{TcpListener, TcpStream};

/// The clients that have joined: a number each, and the connection.
type Room = Rc<RefCell<Vec<(u64, Rc<TcpStream>)>>>;

/// Serves chat clients on `listener`, forever: a tasklet per client.
pub fn serve(listener: TcpListener) {
    let room: Room = Rc::default();
    for id in 0.. {
        let Ok((stream, _)) = listener.accept() else {
            continue;
        };
        let room = Rc::clone(&room);
        spawn(move || chat(id, Rc::new(stream), &room));
    }
}

fn chat(id: u64, stream: Rc<TcpStream>, room: &Room) {
    let mut lines = BufReader::new(&*stream).lines();
    let Some(Ok(name)) = lines.next() else {
        return;
    };
    tell_others(room, id, &format!("* {name} joined"));
    room.borrow_mut().push((id, Rc::clone(&stream)));
    for line in lines {
        let Ok(line) = line else { break };
        tell_others(room, id, &format!("{name}: {line}"));
    }
    room.borrow_mut().retain(|(other, _)| *other != id);
}

/// Sends `line` to everyone but `from`; no borrow is held while writing.
fn tell_others(room: &Room, from: u64, line: &str) {
    let others: Vec<Rc<TcpStream>> = room
        .borrow()
        .iter()
        .filter(|(id, _)| *id != from)
        .map(|(_, stream)| Rc::clone(stream))
        .collect();
    for stream in others {
        // A client gone is its own tasklet's business.
        let _ = writeln!(&*stream, "{line}");
    }
}
