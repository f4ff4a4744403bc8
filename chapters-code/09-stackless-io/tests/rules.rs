//! mio's rules, each kept by the hub.

mod support;

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::Shutdown;
use std::rc::Rc;

use ch02_scheduler::{run, spawn};
use ch03_channels::Channel;
use ch04_lifecycle::kill::Kill;
use ch09_stackless_io::hub::hub;
use ch09_stackless_io::net::TcpListener;
use support::{pair, within};

// ANCHOR: drain
/// Edge-triggered: one event says "readable" however much arrived. A
/// reader keeps reading until `WouldBlock`, and only then waits again.
#[test]
fn a_reader_drains_what_one_event_announced() {
    within(|| {
        let (server, client) = pair();
        let sent: Vec<u8> = (0..256 * 1024).map(|i| i as u8).collect();
        let expected = sent.clone();
        spawn(move || (&client).write_all(&sent).unwrap());
        let mut got = vec![0u8; expected.len()];
        // 256 reads of 1 KiB, after one event, or fewer if more came.
        for chunk in got.chunks_mut(1024) {
            (&server).read_exact(chunk).unwrap();
        }
        assert!(got == expected);
    });
}
// ANCHOR_END: drain

/// An event wakes every tasklet waiting in its direction; those that find
/// nothing to read wait again, and get the next bytes.
#[test]
fn a_reader_woken_for_nothing_waits_again() {
    let log = within(|| {
        let (server, client) = pair();
        let server = Rc::new(server);
        let log = Rc::new(RefCell::new(Vec::new()));
        let first_read: Channel<()> = Channel::new();
        for name in ["a", "b"] {
            let (server, log, first_read) = (server.clone(), log.clone(), first_read.clone());
            spawn(move || {
                let mut byte = [0u8];
                let n = (&*server).read(&mut byte).unwrap();
                log.borrow_mut()
                    .push(format!("{name} read {:?}", &byte[..n]));
                if name == "a" {
                    first_read.send(()).unwrap();
                }
            });
        }
        spawn(move || {
            (&client).write_all(b"1").unwrap();
            first_read.receive().unwrap();
            (&client).write_all(b"2").unwrap();
        });
        run().unwrap();
        Rc::try_unwrap(log).unwrap().into_inner()
    });
    // Both woke at "1": a took it, b found nothing and waited for "2".
    assert_eq!(log, ["a read [49]", "b read [50]"]);
}

/// `Ok(0)` is the end of the stream, for good; the other direction of a
/// half-closed connection still works.
#[test]
fn zero_bytes_mean_the_end_and_the_other_half_still_works() {
    within(|| {
        let (server, client) = pair();
        (&client).write_all(b"last words").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut heard = String::new();
        (&server).read_to_string(&mut heard).unwrap();
        assert_eq!(heard, "last words");
        assert_eq!((&server).read(&mut [0u8; 8]).unwrap(), 0, "and again");
        (&server).write_all(b"reply").unwrap();
        drop(server);
        let mut reply = String::new();
        (&client).read_to_string(&mut reply).unwrap();
        assert_eq!(reply, "reply");
    });
}

/// The peer's last bytes and its end of stream come in one event. The
/// read that takes the bytes is short, which clears the flag; the end of
/// stream must still be seen, not waited for.
#[test]
fn the_end_of_the_stream_after_a_short_read_is_not_waited_for() {
    within(|| {
        let (server, client) = pair();
        let reader = spawn(move || {
            let mut buf = [0u8; 64];
            assert_eq!(
                (&server).read(&mut buf).unwrap(),
                3,
                "parks, then the bytes"
            );
            assert_eq!((&server).read(&mut buf).unwrap(), 0, "then the end");
        });
        spawn(move || {
            // The reader is parked by now; both come before the hub looks.
            (&client).write_all(b"bye").unwrap();
            client.shutdown(Shutdown::Write).unwrap();
        });
        run().unwrap();
        assert!(reader.is_dead());
    });
}

/// A source is deregistered before it closes; the hub forgets it.
#[test]
fn closing_a_socket_deregisters_it() {
    within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let before = hub().stats();
        let streams: Vec<_> = (0..100).map(|_| pair()).collect();
        // A pair's listener is gone; its two ends stay.
        assert_eq!(hub().stats().sources, before.sources + 200);
        drop(streams);
        assert_eq!(hub().stats(), before);
        drop(listener);
        assert_eq!(hub().stats().sources, 0);
        // The descriptors come back, with new tokens, and work.
        let (server, client) = pair();
        (&client).write_all(b"x").unwrap();
        (&server).read_exact(&mut [0u8]).unwrap();
    });
}

/// A signal that interrupts the hub's `epoll_wait` makes it look again.
#[test]
fn a_signal_in_the_poll_is_retried() {
    use std::sync::mpsc;
    use std::time::Duration;

    extern "C" fn ignore(_: libc::c_int) {}
    // SAFETY: installs a handler that does nothing, without SA_RESTART, so
    // that a blocked epoll_wait returns EINTR.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as usize;
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }
    within(|| {
        let (server, client) = pair();
        let client = client.into_std().unwrap();
        let (started, ready) = mpsc::channel();
        // SAFETY: pthread_self has no preconditions.
        let me = unsafe { libc::pthread_self() } as usize;
        let signaller = std::thread::spawn(move || {
            ready.recv().unwrap();
            for _ in 0..50 {
                // SAFETY: the test thread is alive: it waits for these bytes.
                unsafe { libc::pthread_kill(me as libc::pthread_t, libc::SIGUSR1) };
                std::thread::sleep(Duration::from_millis(1));
            }
            (&client).write_all(b"through").unwrap();
        });
        started.send(()).unwrap();
        let mut word = [0u8; 7];
        (&server).read_exact(&mut word).unwrap();
        assert_eq!(&word, b"through");
        signaller.join().unwrap();
    });
}

/// `try_read` never parks, and `wait_readable_or` wakes for the socket or
/// for the other source it was given, whichever fires first.
#[test]
fn a_tasklet_waits_on_a_socket_and_another_source_at_once() {
    within(|| {
        let (server, client) = pair();
        let mut buf = [0u8; 16];
        let nothing = server.try_read(&mut buf).unwrap_err();
        assert_eq!(nothing.kind(), std::io::ErrorKind::WouldBlock);
        // The other source first: a tasklet unparks main.
        let other = Rc::new(RefCell::new(None::<ch02_scheduler::Unparker>));
        let waker = Rc::clone(&other);
        spawn(move || {
            let unparker = waker.borrow_mut().take().expect("main waits");
            unparker.unpark(ch02_scheduler::Wake(1));
        });
        server
            .wait_readable_or(|me| *other.borrow_mut() = Some(me))
            .unwrap();
        assert_eq!(
            hub().stats().parked,
            0,
            "the woken tasklet left the socket's list"
        );
        // Then the socket.
        spawn(move || (&client).write_all(b"ready").unwrap());
        server.wait_readable_or(|_| {}).unwrap();
        assert_eq!(server.try_read(&mut buf).unwrap(), 5);
    });
}
