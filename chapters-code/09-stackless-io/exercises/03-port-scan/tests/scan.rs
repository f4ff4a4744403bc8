//! Chapter 9, exercise 3: the scan finds the open ports among closed ones,
//! and their banners, with several probes under way at once, never more
//! than asked.

#[path = "../../../tests/support/mod.rs"]
mod support;

use std::cell::Cell;
use std::io::Write;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::spawn;
use ch04_lifecycle::time::{self, VirtualClock, sleep};
use ch09_ex_port_scan::scan;
use ch09_stackless_io::hub::hub;
use ch09_stackless_io::net::TcpListener;
use support::within;

const SERVICES: usize = 10;
const AT_ONCE: usize = 4;

/// An address nobody listens on: a port the system just gave and took back.
fn closed_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A service that greets each client with `banner`, after 10 ms.
fn service(banner: String) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    spawn(move || {
        loop {
            let (stream, _) = listener.accept().unwrap();
            let banner = banner.clone();
            spawn(move || {
                sleep(Duration::from_millis(10)).unwrap();
                let _ = writeln!(&stream, "{banner}");
            });
        }
    });
    addr
}

#[test]
fn open_ports_and_their_banners_a_few_probes_at_a_time() {
    within(|| {
        time::set_clock(VirtualClock::new());
        let open: Vec<(SocketAddr, String)> = (0..SERVICES)
            .map(|i| format!("service {i} ready"))
            .map(|banner| (service(banner.clone()), banner))
            .collect();
        // Closed ports taken after the services bound theirs, so that none
        // is one of theirs.
        let mut targets: Vec<SocketAddr> = (0..190).map(|_| closed_port()).collect();
        for (i, (addr, _)) in open.iter().enumerate() {
            targets.insert(i * 19, *addr);
        }
        // Every millisecond, count the probes waiting for a banner: the
        // tasklets parked on a socket, but for the services' accept loops.
        let scanning = Rc::new(Cell::new(true));
        let most = Rc::new(Cell::new(0));
        let (watching, seen) = (Rc::clone(&scanning), Rc::clone(&most));
        spawn(move || {
            while watching.get() {
                seen.set(
                    seen.get()
                        .max(hub().stats().parked.saturating_sub(SERVICES)),
                );
                sleep(Duration::from_millis(1)).unwrap();
            }
        });
        let found = scan(&targets, AT_ONCE);
        scanning.set(false);
        assert_eq!(found, open);
        let most = most.get();
        assert!(most > 1, "one probe at a time: {most} at most");
        assert!(
            most <= AT_ONCE,
            "{most} probes under way at once, above {AT_ONCE}"
        );
    });
}
