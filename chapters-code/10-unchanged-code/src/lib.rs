//! Chapter 10: existing blocking code, unchanged.
//!
//! Each module runs a crate that was written for blocking `std::io` on
//! chapter 9's sockets, a tasklet per connection. None of these crates
//! knows about tasklets: they call `read` and `write`, and chapter 9's
//! `read` and `write` park only the calling tasklet.

pub mod arena;
pub mod broadcast;
pub mod chat;
pub mod http;
pub mod http_client;
pub mod json_lines;
pub mod tls;
pub mod websocket;

use std::time::Duration;

use ch09_stackless_io::net::{TcpListener, TcpStream};

/// Accepts connections on `listener` forever, handing each to `serve`.
///
/// An error (most often `EMFILE`: the process has no file descriptor
/// left) is printed, and the loop sleeps 100 ms, for connections to
/// close, before it tries again. A failing `accept` returns at once,
/// without parking, so a loop that retried at once would keep every
/// other tasklet from running, and so from closing anything.
pub fn accept_each(listener: &TcpListener, mut serve: impl FnMut(TcpStream)) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => serve(stream),
            Err(e) => {
                eprintln!("accept failed, trying again in 100 ms: {e}");
                if ch04_lifecycle::time::sleep(Duration::from_millis(100)).is_err() {
                    return; // the tasklet is being killed
                }
            }
        }
    }
}
