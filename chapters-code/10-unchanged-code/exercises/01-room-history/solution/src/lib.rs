//! Chapter 10, exercise 1: a WebSocket room with history.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io;
use std::rc::Rc;

use ch09_stackless_io::net::{TcpListener, TcpStream};
use ch10_unchanged_code::broadcast::Broadcast;
use ch10_unchanged_code::websocket::{Said, accept_owned};
use tungstenite::{Error, Message};

/// The room: its broadcast, and the last messages said in it.
struct Room {
    said: Rc<Broadcast<Said>>,
    history: RefCell<VecDeque<Rc<str>>>,
    keep: usize,
}

/// Serves a WebSocket chat room on `listener`, forever. A member's first
/// text message is its name; each later one goes to everyone else as
/// `name: text`. A member that has just sent its name first receives the
/// last `keep` messages said in the room, oldest first.
pub fn serve(listener: TcpListener, keep: usize) {
    let room = Rc::new(Room {
        said: Broadcast::new(64),
        history: RefCell::default(),
        keep,
    });
    for (id, stream) in (0..).zip(listener.incoming().map_while(Result::ok)) {
        let room = Rc::clone(&room);
        ch02_scheduler::spawn(move || {
            let _ = member(id, &stream, &room);
        });
    }
}

fn member(id: u64, stream: &TcpStream, room: &Room) -> Result<(), Error> {
    let mut socket = accept_owned(stream)?;
    let name = loop {
        match socket.read() {
            Ok(Message::Text(text)) => break text.to_string(),
            Ok(_) => {}
            Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                stream.wait_readable_or(|_| {})?;
            }
            Err(Error::ConnectionClosed) => return Ok(()),
            Err(e) => return Err(e),
        }
    };
    // The history and the subscription at the same instant: what is said
    // from now on arrives in the inbox, after the history, once each.
    let heard = room.said.subscribe();
    let old: Vec<Rc<str>> = room.history.borrow().iter().cloned().collect();
    for line in old {
        socket.send(Message::text(&*line))?;
    }
    loop {
        while let Some((from, text)) = heard.try_next() {
            if from != id {
                socket.send(Message::text(&*text))?;
            }
        }
        match socket.read() {
            Ok(Message::Text(text)) => {
                let line: Rc<str> = format!("{name}: {text}").into();
                remember(room, &line);
                room.said.send(&(id, line));
            }
            Ok(_) => {}
            Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                stream.wait_readable_or(|me| heard.wake_on_send(me))?;
            }
            Err(Error::ConnectionClosed) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// Keeps `line` among the room's last `keep` messages.
fn remember(room: &Room, line: &Rc<str>) {
    let mut history = room.history.borrow_mut();
    if history.len() == room.keep {
        history.pop_front();
    }
    if room.keep > 0 {
        history.push_back(Rc::clone(line));
    }
}
