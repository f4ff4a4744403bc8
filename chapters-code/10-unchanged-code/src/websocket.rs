//! WebSockets with tungstenite's blocking API, on chapter 9's sockets.
//!
//! tungstenite's `accept` and `client` take any `Read + Write` stream and
//! do the handshake with blocking calls; its `WebSocket` then reads and
//! writes messages the same way. Given a chapter 9 `TcpStream`, each of
//! those calls parks only the tasklet that owns the socket.
//!
//! A chat needs more: a client's tasklet must wait for its client *and*
//! for the room at once. tungstenite's blocking `WebSocket` cannot be
//! split into a reading and a writing half (both halves share its frame
//! state, and a read may have to write a pong), so one tasklet owns it,
//! reads without parking, and parks on the socket and the room together.

use std::io::{self, Read, Write};
use std::rc::Rc;

use ch09_stackless_io::net::{TcpListener, TcpStream};
use tungstenite::{Error, HandshakeError, Message, WebSocket};

use crate::broadcast::Broadcast;

// ANCHOR: echo
/// Serves WebSocket clients on `listener`, forever, a tasklet each: every
/// text or binary message comes back as it was sent.
pub fn serve_echo(listener: TcpListener) {
    crate::accept_each(&listener, |stream| {
        ch02_scheduler::spawn(move || {
            if let Err(e) = echo(stream) {
                eprintln!("websocket echo: {e}");
            }
        });
    });
}

/// One client: the handshake, then messages until it closes.
fn echo(stream: TcpStream) -> Result<(), Error> {
    let mut socket = tungstenite::accept(stream).map_err(|e| match e {
        tungstenite::HandshakeError::Failure(e) => e,
        // Our sockets block (their tasklet), so a handshake never stops
        // half-way with WouldBlock.
        tungstenite::HandshakeError::Interrupted(_) => unreachable!("blocking stream"),
    })?;
    loop {
        match socket.read() {
            Ok(message @ (Message::Text(_) | Message::Binary(_))) => socket.send(message)?,
            Ok(_) => {} // pings are answered by tungstenite itself
            Err(Error::ConnectionClosed) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: echo

/// Who said something in a chat room, and what.
pub type Said = (u64, Rc<str>);

/// Serves a WebSocket chat room on `listener`, forever: a client's first
/// text message is its name, and each later one goes to everyone else as
/// `name: text`. One tasklet owns each client's socket.
pub fn serve_chat(listener: TcpListener) {
    let room: Rc<Broadcast<Said>> = Broadcast::new(64);
    let mut ids = 0..;
    crate::accept_each(&listener, |stream| {
        let (room, id) = (Rc::clone(&room), ids.next().expect("endless"));
        ch02_scheduler::spawn(move || {
            if let Err(e) = member(id, &stream, &room) {
                eprintln!("websocket chat: {e}");
            }
        });
    });
}

// ANCHOR: chat
/// A client's tasklet: it sends what the others said, reads what the
/// client says, and parks until either happens.
fn member(id: u64, stream: &TcpStream, room: &Rc<Broadcast<Said>>) -> Result<(), Error> {
    let mut socket = accept_owned(stream)?;
    let heard = room.subscribe();
    let mut name = None;
    loop {
        while let Some((from, text)) = heard.try_next() {
            if from != id {
                socket.send(Message::text(&*text))?;
            }
        }
        match socket.read() {
            Ok(Message::Text(text)) => match &name {
                None => name = Some(text.to_string()),
                Some(name) => room.send(&(id, format!("{name}: {text}").into())),
            },
            Ok(_) => {}
            Err(Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => {
                stream.wait_readable_or(|me| heard.wake_on_send(me))?;
            }
            Err(Error::ConnectionClosed) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}
// ANCHOR_END: chat

// ANCHOR: owned
/// A socket as its owner's WebSocket sees it: a read never parks (it says
/// `WouldBlock`, from which tungstenite resumes), so that the owner can
/// wait on the socket and the room at once; a write parks as usual.
pub struct Owned<'a>(&'a TcpStream);

impl Read for Owned<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }
}

impl Write for Owned<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&mut &*self.0).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
// ANCHOR_END: owned

/// The server's side of the handshake, for a tasklet that will own the
/// socket: its WebSocket reads never park (see [`Owned`]).
///
/// # Errors
///
/// The handshake failed, or the connection did.
pub fn accept_owned(stream: &TcpStream) -> Result<WebSocket<Owned<'_>>, Error> {
    let mut handshake = tungstenite::accept(Owned(stream));
    loop {
        match handshake {
            Ok(socket) => return Ok(socket),
            Err(HandshakeError::Interrupted(midway)) => {
                stream.wait_readable_or(|_| {})?;
                handshake = midway.handshake();
            }
            Err(HandshakeError::Failure(e)) => return Err(e),
        }
    }
}
