//! Chapter 9, exercise 3: a port scanner (a plausible wrong solution: a
//! tasklet per target, all probing at once).

use std::cell::RefCell;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch03_channels::Channel;
use ch09_stackless_io::net::TcpStream;

/// The targets that accept a connection, with their banners, in order, with
/// at most `at_once` probes under way at a time.
pub fn scan(targets: &[SocketAddr], at_once: usize) -> Vec<(SocketAddr, String)> {
    let _ = at_once;
    let open = Rc::new(RefCell::new(vec![None; targets.len()]));
    let done: Channel<()> = Channel::new();
    for (i, target) in targets.iter().copied().enumerate() {
        let (open, done) = (open.clone(), done.clone());
        spawn(move || {
            open.borrow_mut()[i] = banner(target);
            done.send(()).unwrap();
        });
    }
    for _ in targets {
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
