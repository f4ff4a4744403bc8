//! Chapter 9, exercise 2: the deadline bounds the whole read, on a virtual
//! clock, so that the times are exact.

#[path = "../../../tests/support/mod.rs"]
mod support;

use std::io::{ErrorKind, Write};
use std::time::Duration;

use ch02_scheduler::spawn;
use ch04_lifecycle::time::{self, VirtualClock, sleep};
use ch09_ex_read_deadline::read_exact_within;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use support::within;

const MS: Duration = Duration::from_millis(1);

/// A connection whose peer sends `bytes` one at a time, `every` apart.
fn trickle(bytes: &'static [u8], every: Duration) -> TcpStream {
    time::set_clock(VirtualClock::new());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (stream, _) = listener.accept().unwrap();
    spawn(move || {
        for byte in bytes {
            (&peer).write_all(&[*byte]).unwrap();
            sleep(every).unwrap();
        }
        sleep(Duration::from_secs(3600)).unwrap(); // and stays connected
    });
    stream
}

#[test]
fn a_trickle_slower_than_the_deadline_times_out() {
    within(|| {
        let stream = trickle(b"0123456789", 30 * MS);
        let start = time::now();
        let mut buf = [0u8; 10];
        let error = read_exact_within(&stream, &mut buf, 100 * MS).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TimedOut);
        // Bytes came at 0, 30, 60 and 90 ms; the deadline is at 100.
        assert_eq!(time::now() - start, 100 * MS);
        assert_eq!(&buf[..4], b"0123");
    });
}

#[test]
fn a_trickle_that_makes_it_in_time_is_read_whole() {
    within(|| {
        let stream = trickle(b"0123", 30 * MS);
        stream
            .set_read_timeout(Some(Duration::from_secs(7)))
            .unwrap();
        let mut buf = [0u8; 4];
        read_exact_within(&stream, &mut buf, 100 * MS).unwrap();
        assert_eq!(&buf, b"0123");
        assert_eq!(stream.read_timeout().unwrap(), Some(Duration::from_secs(7)));
    });
}

#[test]
fn the_end_of_the_stream_is_unexpected() {
    within(|| {
        time::set_clock(VirtualClock::new());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (stream, _) = listener.accept().unwrap();
        (&peer).write_all(b"ab").unwrap();
        drop(peer);
        let error = read_exact_within(&stream, &mut [0u8; 4], 100 * MS).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof);
        assert_eq!(stream.read_timeout().unwrap(), None);
    });
}
