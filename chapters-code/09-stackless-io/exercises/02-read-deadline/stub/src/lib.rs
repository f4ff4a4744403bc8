//! Chapter 9, exercise 2: `read_exact` with a deadline. The task is in
//! this exercise's `README.md`; check your work with
//! `cargo test -p ch09-ex-read-deadline`.

use std::io;
use std::time::Duration;

use ch09_stackless_io::net::TcpStream;

/// Fills `buf` from `stream`, or fails with `TimedOut` once `limit` has
/// passed since the call.
///
/// # Errors
///
/// `TimedOut`, `UnexpectedEof`, or what a read reports.
pub fn read_exact_within(stream: &TcpStream, buf: &mut [u8], limit: Duration) -> io::Result<()> {
    let _ = (stream, buf, limit);
    todo!("a deadline on chapter 4's clock, and each read given the time left")
}
