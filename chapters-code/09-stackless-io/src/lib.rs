//! Chapter 9: stackless I/O.
//!
//! Sockets with `std::net`'s shape whose calls block only the calling
//! tasklet. Underneath, each socket is non-blocking and registered with
//! its thread's [`hub`](hub::Hub), a mio `Poll` that the scheduler's idle
//! hook drives: a call that would block parks its tasklet, and the hub
//! unparks it when the socket is ready. Code written for blocking sockets
//! reads top to bottom, one tasklet per connection.
//!
//! ```
//! use std::io::{BufRead, BufReader, Write};
//!
//! use ch02_scheduler::{run, spawn};
//! use ch09_stackless_io::net::{TcpListener, TcpStream};
//!
//! let listener = TcpListener::bind("127.0.0.1:0").unwrap();
//! let addr = listener.local_addr().unwrap();
//! // The server: one tasklet, reading lines and shouting them back.
//! spawn(move || {
//!     let (stream, _) = listener.accept().unwrap();
//!     for line in BufReader::new(&stream).lines() {
//!         writeln!(&stream, "{}!", line.unwrap().to_uppercase()).unwrap();
//!     }
//! });
//! // The client: another tasklet on the same thread.
//! spawn(move || {
//!     let stream = TcpStream::connect(addr).unwrap();
//!     let mut replies = BufReader::new(&stream);
//!     for word in ["hello", "tasklets"] {
//!         writeln!(&stream, "{word}").unwrap();
//!         let mut reply = String::new();
//!         replies.read_line(&mut reply).unwrap();
//!         print!("{reply}");
//!     }
//! });
//! run().unwrap();
//! ```
//!
//! prints
//!
//! ```text
//! HELLO!
//! TASKLETS!
//! ```

pub mod blocking;
pub mod hub;
pub mod naive;
pub mod net;

/// Files, read and written on helper threads: see [`blocking`].
pub mod fs {
    pub use crate::blocking::{read_to_string, write};
}
