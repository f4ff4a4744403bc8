//! UDP sockets: datagrams both ways, and a receive that times out.

mod support;

use std::io::ErrorKind;
use std::time::Duration;

use ch02_scheduler::{run, spawn};
use ch09_stackless_io::net::UdpSocket;
use support::within;

#[test]
fn datagrams_both_ways_between_two_tasklets() {
    let heard = within(|| {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let server_addr = server.local_addr().unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        // The server waits first: its receive parks until the datagram.
        spawn(move || {
            let mut buf = [0u8; 64];
            let (n, from) = server.recv_from(&mut buf).unwrap();
            let reply = String::from_utf8_lossy(&buf[..n]).to_uppercase();
            server.send_to(reply.as_bytes(), from).unwrap();
        });
        let reply = spawn_reply(client, server_addr);
        run().unwrap();
        reply.take()
    });
    assert_eq!(heard, "PING");
}

/// The client: connects to `server` (so that `send` and `recv` need no
/// address), pings, and keeps the reply.
fn spawn_reply(
    client: UdpSocket,
    server: std::net::SocketAddr,
) -> std::rc::Rc<std::cell::Cell<String>> {
    let reply = std::rc::Rc::new(std::cell::Cell::new(String::new()));
    let kept = std::rc::Rc::clone(&reply);
    spawn(move || {
        client.connect(server).unwrap();
        client.send(b"ping").unwrap();
        let mut buf = [0u8; 64];
        let n = client.recv(&mut buf).unwrap();
        kept.set(String::from_utf8_lossy(&buf[..n]).into_owned());
    });
    reply
}

#[test]
fn a_receive_times_out() {
    within(|| {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(10)))
            .unwrap();
        let error = socket.recv_from(&mut [0u8; 8]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::TimedOut);
    });
}
