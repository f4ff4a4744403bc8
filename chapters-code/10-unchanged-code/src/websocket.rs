//! WebSockets with tungstenite's blocking API, on chapter 9's sockets.
//!
//! tungstenite's `accept` and `client` take any `Read + Write` stream and
//! do the handshake with blocking calls; its `WebSocket` then reads and
//! writes messages the same way. Given a chapter 9 `TcpStream`, each of
//! those calls parks only the tasklet that owns the socket.

use ch09_stackless_io::net::{TcpListener, TcpStream};
use tungstenite::{Error, Message};

// ANCHOR: echo
/// Serves WebSocket clients on `listener`, forever, a tasklet each: every
/// text or binary message comes back as it was sent.
pub fn serve_echo(listener: TcpListener) {
    for stream in listener.incoming().map_while(Result::ok) {
        ch02_scheduler::spawn(move || {
            if let Err(e) = echo(stream) {
                eprintln!("websocket echo: {e}");
            }
        });
    }
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
