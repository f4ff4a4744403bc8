//! Chapter 9, exercise 3: a port scanner (reference solution).

use std::cell::{Cell, RefCell};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch03_channels::Channel;
use ch09_stackless_io::net::TcpStream;

/// The targets that accept a connection, with their banners, in order, with
/// at most `at_once` probes under way at a time.
pub fn scan(targets: &[SocketAddr], at_once: usize) -> Vec<(SocketAddr, String)> {
    let targets: Rc<[SocketAddr]> = targets.into();
    let next = Rc::new(Cell::new(0));
    let open = Rc::new(RefCell::new(vec![None; targets.len()]));
    let done: Channel<()> = Channel::new();
    let workers = at_once.max(1).min(targets.len());
    for _ in 0..workers {
        let (targets, next, open, done) =
            (targets.clone(), next.clone(), open.clone(), done.clone());
        spawn(move || {
            loop {
                let i = next.get();
                if i == targets.len() {
                    break;
                }
                next.set(i + 1);
                open.borrow_mut()[i] = banner(targets[i]);
            }
            done.send(()).unwrap();
        });
    }
    for _ in 0..workers {
        done.receive().unwrap();
    }
    let open = open.borrow();
    let found = targets.iter().zip(open.iter());
    found
        .filter_map(|(t, banner)| Some((*t, banner.clone()?)))
        .collect()
}

/// The first line `target` sends, if it accepts a connection.
fn banner(target: SocketAddr) -> Option<String> {
    let stream = TcpStream::connect(target).ok()?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).ok()?;
    Some(line.trim_end().to_owned())
}
