//! Chapter 9, exercise 3: a port scanner. The task is in this exercise's
//! `README.md`; check your work with `cargo test -p ch09-ex-port-scan`.

use std::net::SocketAddr;

/// The targets that accept a connection, with their banners, in order, with
/// at most `at_once` probes under way at a time.
pub fn scan(targets: &[SocketAddr], at_once: usize) -> Vec<(SocketAddr, String)> {
    let _ = (targets, at_once);
    todo!("a few worker tasklets, each probing the next target")
}
