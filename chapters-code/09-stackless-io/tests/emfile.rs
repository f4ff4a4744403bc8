//! Running out of file descriptors in `accept`: a clear error, and an
//! accept loop that survives it. A test binary of its own, since it lowers
//! this process's limit on open files (and puts it back).

#[path = "support/files.rs"]
mod files;
mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::{run, spawn};
use ch04_lifecycle::time::sleep;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use files::open_files_limit;
use support::within;

fn set_nofile(limit: libc::rlimit) {
    // SAFETY: `limit` is a valid rlimit, whose soft limit is at most the
    // hard one.
    let status = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(status, 0, "setrlimit: {}", std::io::Error::last_os_error());
}

/// The lowest file descriptor not in use: the next one `accept` gets.
fn next_fd() -> libc::c_int {
    // SAFETY: dup of stdin gives a new descriptor, closed at once.
    unsafe {
        let fd = libc::dup(0);
        libc::close(fd);
        fd
    }
}

#[test]
fn accept_says_the_files_ran_out_and_the_loop_resumes() {
    let log = within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        // Two connections wait in the backlog, accepted by the kernel.
        let clients = [
            std::net::TcpStream::connect(addr).unwrap(),
            std::net::TcpStream::connect(addr).unwrap(),
        ];
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        let accepted: Rc<RefCell<Vec<TcpStream>>> = Rc::default();
        let (server_log, kept) = (Rc::clone(&log), Rc::clone(&accepted));
        // An accept loop as a server would write it: on an error, say so,
        // wait a little, and try again.
        spawn(move || {
            let mut accepted = 0;
            while accepted < 2 {
                match listener.accept() {
                    Ok((stream, _)) => {
                        accepted += 1;
                        server_log.borrow_mut().push("accepted".into());
                        kept.borrow_mut().push(stream);
                    }
                    Err(e) => {
                        server_log.borrow_mut().push(e.to_string());
                        // Free a descriptor, as a server's other tasklets
                        // would by closing their connections.
                        kept.borrow_mut().clear();
                        sleep(Duration::from_millis(1)).unwrap();
                    }
                }
            }
        });
        // Now (the tasklet's stack made): room for exactly one more descriptor.
        let saved = open_files_limit();
        set_nofile(libc::rlimit {
            rlim_cur: next_fd() as libc::rlim_t + 1,
            rlim_max: saved.rlim_max,
        });
        run().unwrap();
        set_nofile(saved);
        drop(clients);
        Rc::try_unwrap(log).unwrap().into_inner()
    });
    assert_eq!(log[0], "accepted");
    assert!(log[1].contains("ulimit -n"), "{}", log[1]);
    assert!(log[1].contains("Too many open files"), "{}", log[1]);
    assert_eq!(&log[2..], ["accepted"]);
}
