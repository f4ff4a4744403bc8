//! Chapter 9, exercise 2: `read_exact` with a deadline (a plausible wrong
//! solution: the limit bounds each read, not the whole).

use std::io::{self, Read};
use std::time::Duration;

use ch09_stackless_io::net::TcpStream;

/// Fills `buf` from `stream`, or fails with `TimedOut` once `limit` has
/// passed since the call.
///
/// # Errors
///
/// `TimedOut`, `UnexpectedEof`, or what a read reports.
pub fn read_exact_within(stream: &TcpStream, buf: &mut [u8], limit: Duration) -> io::Result<()> {
    let own = stream.read_timeout()?;
    stream.set_read_timeout(Some(limit))?;
    let outcome = (&*stream).read_exact(buf);
    stream.set_read_timeout(own)?;
    outcome
}
