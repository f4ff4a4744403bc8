//! Chapter 9, exercise 2: `read_exact` with a deadline (reference solution).

use std::io::{self, Read};
use std::time::Duration;

use ch04_lifecycle::time;
use ch09_stackless_io::net::TcpStream;

/// Fills `buf` from `stream`, or fails with `TimedOut` once `limit` has
/// passed since the call.
///
/// # Errors
///
/// `TimedOut`, `UnexpectedEof`, or what a read reports.
pub fn read_exact_within(stream: &TcpStream, buf: &mut [u8], limit: Duration) -> io::Result<()> {
    let own = stream.read_timeout()?;
    let outcome = fill(stream, buf, time::now() + limit);
    stream.set_read_timeout(own)?;
    outcome
}

fn fill(stream: &TcpStream, mut buf: &mut [u8], deadline: Duration) -> io::Result<()> {
    while !buf.is_empty() {
        let left = deadline.saturating_sub(time::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the deadline passed",
            ));
        }
        stream.set_read_timeout(Some(left))?;
        match (&*stream).read(buf) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => buf = &mut buf[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
