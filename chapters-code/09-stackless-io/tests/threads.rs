//! One blocking `poll` per thread, woken by a socket, a timer, or another
//! thread; and a hub on every thread.

mod support;

use std::cell::RefCell;
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::{run, spawn};
use ch04_lifecycle::time::sleep;
use ch06_many_cores::{XChannel, spawn_thread};
use ch09_stackless_io::blocking;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use support::{pair, within};

// ANCHOR: three_wakes
/// A reader waits on a socket, so the thread blocks in `poll`. A sleeper's
/// timer, a helper thread's file read and a message from another thread
/// must each wake that same `poll`.
#[test]
fn a_timer_a_helper_and_another_thread_wake_a_thread_blocked_on_a_socket() {
    let log = within(|| {
        let (server, client) = pair();
        let log = Rc::new(RefCell::new(Vec::new()));
        let from_afar: XChannel<&str> = XChannel::new();
        let remote = from_afar.clone();
        let (l1, l2) = (log.clone(), log.clone());
        spawn(move || {
            let mut word = [0u8; 4];
            (&server).read_exact(&mut word).unwrap();
            l1.borrow_mut()
                .push(String::from_utf8_lossy(&word).into_owned());
        });
        spawn(move || {
            sleep(Duration::from_millis(5)).unwrap();
            l2.borrow_mut().push("timer".to_owned());
            let path = std::env::current_exe().unwrap();
            let bytes = blocking::unblock(move || std::fs::read(path).unwrap().len()).unwrap();
            l2.borrow_mut().push(format!("file read: {}", bytes > 0));
            let message = from_afar.receive().unwrap();
            l2.borrow_mut().push(message.to_owned());
            (&client).write_all(b"done").unwrap();
        });
        let other =
            spawn_thread(move || send_once_awaited(&remote, "from another thread")).unwrap();
        run().unwrap();
        other.join().unwrap();
        Rc::try_unwrap(log).unwrap().into_inner()
    });
    assert_eq!(
        log,
        ["timer", "file read: true", "from another thread", "done"]
    );
}
// ANCHOR_END: three_wakes

/// Sends `message` on `channel` once a receiver waits, so that it is the
/// message that wakes the receiver.
fn send_once_awaited(channel: &XChannel<&'static str>, message: &'static str) {
    while channel.balance() >= 0 {
        std::thread::yield_now();
    }
    channel.send(message).unwrap();
}

/// Every thread has its own hub; with `SO_REUSEPORT`, each listens on the
/// same port, and the kernel spreads connections between them.
#[test]
fn a_hub_on_every_thread_serves_one_port() {
    within(|| {
        let first = TcpListener::bind_reuse_port("127.0.0.1:0".parse().unwrap()).unwrap();
        let addr = first.local_addr().unwrap();
        let servers: Vec<_> = (0..2)
            .map(|i| {
                std::thread::spawn(move || {
                    let listener = TcpListener::bind_reuse_port(addr).unwrap();
                    let (stream, _) = listener.accept().unwrap();
                    let mut buf = [0u8; 5];
                    (&stream).read_exact(&mut buf).unwrap();
                    (&stream).write_all(format!("{i}").as_bytes()).unwrap();
                })
            })
            .collect();
        drop(first);
        // Connect until both servers have answered once.
        let mut answered = [false; 2];
        while !answered.iter().all(|&a| a) {
            let Ok(stream) = TcpStream::connect(addr) else {
                continue; // a server just left the port
            };
            if (&stream).write_all(b"hello").is_err() {
                continue;
            }
            let mut reply = [0u8; 1];
            if (&stream).read_exact(&mut reply).is_ok() {
                answered[(reply[0] - b'0') as usize] = true;
            }
        }
        for server in servers {
            server.join().unwrap();
        }
    });
}

/// Files and names go to helper threads, and the tasklets keep running.
#[test]
fn files_and_names_on_helper_threads() {
    within(|| {
        let path = std::env::temp_dir().join(format!("ch09-{}.txt", std::process::id()));
        ch09_stackless_io::fs::write(&path, "written by a helper").unwrap();
        let text = ch09_stackless_io::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(text, "written by a helper");
        let addrs = ch09_stackless_io::net::lookup_host("localhost:80").unwrap();
        assert!(
            addrs.iter().any(|a| a.ip().is_loopback() && a.port() == 80),
            "{addrs:?}"
        );
    });
}

/// A note from another thread that arrives while this thread is still
/// running: its ring of the hub's waker is taken by the hub's first look
/// when the thread goes idle, and the note must be delivered then, before
/// the hub blocks for a socket. Otherwise the tasklet it wakes never runs.
#[test]
fn a_note_that_came_while_the_thread_ran_is_delivered_before_it_blocks() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    within(|| {
        let (server, client) = pair(); // the hub, with its waker as alarm
        let rang = Arc::new(AtomicBool::new(false));
        let remote = Rc::new(RefCell::new(None));
        let handed = Rc::clone(&remote);
        spawn(move || {
            ch02_scheduler::park(ch02_scheduler::WaitOn::new("a note"), |unparker| {
                *handed.borrow_mut() = Some(ch06_many_cores::RemoteUnparker::new(unparker));
            })
            .unwrap();
            (&client).write_all(b"!").unwrap(); // wakes main
        });
        ch02_scheduler::schedule(); // the tasklet parks
        let remote = remote.borrow_mut().take().expect("the tasklet parked");
        let done = Arc::clone(&rang);
        std::thread::spawn(move || {
            remote.unpark(ch02_scheduler::Wake(0));
            done.store(true, Ordering::Release);
        });
        // Busy until the note is sent: the waker rings while this runs.
        while !rang.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        let mut byte = [0];
        (&server).read_exact(&mut byte).unwrap();
        assert_eq!(&byte, b"!");
    });
}
