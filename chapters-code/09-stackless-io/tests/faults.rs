//! Bad peers and hard limits: each fails the one connection it concerns,
//! with the error `std` would give, and the rest carry on.

#[path = "support/files.rs"]
mod files;
mod support;

use std::cell::{Cell, RefCell};
use std::io::{self, ErrorKind, Read, Write};
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::{run, schedule, spawn};
use ch04_lifecycle::kill::Kill;
use ch09_stackless_io::hub::hub;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use files::open_files_limit;
use support::{pair, within};

/// Spawns `f`, and gives a place where its result will be.
fn spawn_result<T: 'static>(f: impl FnOnce() -> T + 'static) -> Rc<RefCell<Option<T>>> {
    let slot = Rc::new(RefCell::new(None));
    let filled = Rc::clone(&slot);
    spawn(move || *filled.borrow_mut() = Some(f()));
    slot
}

fn take<T>(slot: Rc<RefCell<Option<T>>>) -> T {
    slot.borrow_mut().take().expect("the tasklet finished")
}

#[test]
fn a_peer_that_resets_mid_read_fails_the_read() {
    let kind = within(|| {
        let (server, client) = pair();
        let read = spawn_result(move || (&server).read(&mut [0u8; 16]).map_err(|e| e.kind()));
        spawn(move || {
            // Close with a zero linger: the kernel sends a reset, not a FIN.
            let client = client.into_std().unwrap();
            let linger = socket2::SockRef::from(&client).set_linger(Some(Duration::ZERO));
            linger.unwrap();
        });
        run().unwrap();
        take(read)
    });
    assert_eq!(kind, Err(ErrorKind::ConnectionReset));
}

#[test]
fn a_slow_reader_parks_the_writer_and_memory_stays_bounded() {
    within(|| {
        let (server, client) = pair();
        const TOTAL: usize = 64 << 20;
        let written = Rc::new(Cell::new(0));
        let progress = Rc::clone(&written);
        let writer = spawn_result(move || {
            let chunk = [1u8; 64 * 1024];
            while progress.get() < TOTAL {
                let n = (&server).write(&chunk).unwrap();
                progress.set(progress.get() + n);
            }
        });
        let reader = spawn_result(move || {
            // Read nothing until the writer parks: the kernel's buffers
            // are full, and the writer holds one chunk, no more.
            while hub().stats().parked == 0 {
                schedule();
            }
            let before_reading = written.get();
            let mut got = 0;
            let mut buf = vec![0u8; 64 * 1024];
            while got < TOTAL {
                got += (&client).read(&mut buf).unwrap();
            }
            before_reading
        });
        run().unwrap();
        take(writer);
        let parked_at = take(reader);
        assert!(
            parked_at < TOTAL / 4,
            "the writer parked after {parked_at} bytes"
        );
    });
}

#[test]
fn a_thousand_connections_opened_and_dropped_at_once() {
    let limit = open_files_limit().rlim_cur;
    // Both ends live in this process.
    let n = 1000.min((limit.saturating_sub(100) / 2) as usize);
    if n < 1000 {
        eprintln!("`ulimit -n` is {limit}: testing {n} connections instead of 1000");
    }
    let ended = within(move || {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let ended = Rc::new(Cell::new(0));
        let count = Rc::clone(&ended);
        spawn(move || {
            for _ in 0..n {
                let (stream, _) = listener.accept().unwrap();
                let count = Rc::clone(&count);
                spawn(move || {
                    let mut rest = Vec::new();
                    (&stream).read_to_end(&mut rest).unwrap();
                    count.set(count.get() + 1);
                });
            }
        });
        spawn(move || {
            let clients: Vec<TcpStream> =
                (0..n).map(|_| TcpStream::connect(addr).unwrap()).collect();
            drop(clients);
        });
        run().unwrap();
        assert_eq!(hub().stats().sources, 0, "every socket deregistered");
        ended.get()
    });
    assert_eq!(ended, n);
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    let kind = within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        TcpStream::connect(addr).map(|_| ()).map_err(|e| e.kind())
    });
    assert_eq!(kind, Err(ErrorKind::ConnectionRefused));
}

#[test]
fn a_read_timeout_fails_the_read_and_not_the_connection() {
    within(|| {
        let (server, client) = pair();
        server
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let error = (&server).read(&mut [0u8; 4]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TimedOut);
        assert!(error.to_string().contains("timed out"), "{error}");
        assert_eq!(hub().stats().parked, 0);
        (&client).write_all(b"late").unwrap();
        let mut word = [0u8; 4];
        (&server).read_exact(&mut word).unwrap();
        assert_eq!(&word, b"late");
        assert_eq!(
            server
                .set_read_timeout(Some(Duration::ZERO))
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidInput
        );
    });
}

#[test]
fn a_tasklet_killed_on_a_socket_unlinks_itself() {
    within(|| {
        let (server, client) = pair();
        let server = Rc::new(server);
        let reading = Rc::clone(&server);
        let victim = spawn(move || {
            let _ = (&*reading).read(&mut [0u8; 4]);
            unreachable!("killed while it waits");
        });
        schedule(); // the victim runs, and parks on the socket
        assert_eq!(hub().stats().parked, 1);
        victim.kill().unwrap();
        assert_eq!(hub().stats().parked, 0);
        // The socket is whole: another tasklet reads from it.
        (&client).write_all(b"next").unwrap();
        let mut word = [0u8; 4];
        (&*server).read_exact(&mut word).unwrap();
        assert_eq!(&word, b"next");
    });
}

#[test]
fn errors_from_the_pool_and_for_unresolvable_names_are_plain_io_errors() {
    within(|| {
        let missing = ch09_stackless_io::blocking::read_to_string("/nonexistent/file");
        assert_eq!(missing.unwrap_err().kind(), ErrorKind::NotFound);
        let no_port = ch09_stackless_io::blocking::lookup_host("localhost");
        assert_eq!(no_port.unwrap_err().kind(), ErrorKind::InvalidInput);
        let _: io::Result<()> = Ok(());
    });
}
