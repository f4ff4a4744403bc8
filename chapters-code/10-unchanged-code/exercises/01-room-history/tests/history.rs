//! A newcomer hears the room's last messages, then what is said after.

#[path = "../../../../09-stackless-io/tests/support/mod.rs"]
mod support;

use std::time::Duration;

use ch02_scheduler::spawn;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use ch10_ex_room_history::serve;
use support::within;
use tungstenite::{Message, WebSocket};

fn join(addr: std::net::SocketAddr, name: &str) -> WebSocket<TcpStream> {
    let stream = TcpStream::connect(addr).unwrap();
    // A message that never comes fails the test in 5 s, not at its deadline.
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let (mut socket, _) = tungstenite::client(format!("ws://{addr}/"), stream).unwrap();
    socket.send(Message::text(name)).unwrap();
    socket
}

fn hear(socket: &mut WebSocket<TcpStream>) -> String {
    socket.read().unwrap().into_text().unwrap().to_string()
}

#[test]
fn a_newcomer_hears_the_last_messages_then_what_follows() {
    within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        spawn(move || serve(listener, 3));
        let mut alice = join(addr, "alice");
        let mut carol = join(addr, "carol");
        for i in 1..=5 {
            alice.send(Message::text(format!("m{i}"))).unwrap();
            // Carol heard it: the room has it.
            assert_eq!(hear(&mut carol), format!("alice: m{i}"));
        }
        let mut bob = join(addr, "bob");
        for i in 3..=5 {
            assert_eq!(hear(&mut bob), format!("alice: m{i}"));
        }
        carol.send(Message::text("hello bob")).unwrap();
        assert_eq!(hear(&mut bob), "carol: hello bob");
        assert_eq!(hear(&mut alice), "carol: hello bob");
    });
}

#[test]
fn a_room_that_keeps_nothing_tells_a_newcomer_nothing_old() {
    within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        spawn(move || serve(listener, 0));
        let mut alice = join(addr, "alice");
        let mut carol = join(addr, "carol");
        alice.send(Message::text("before")).unwrap();
        assert_eq!(hear(&mut carol), "alice: before");
        let mut bob = join(addr, "bob");
        // Carol hears Bob: he is in the room.
        bob.send(Message::text("hi")).unwrap();
        assert_eq!(hear(&mut carol), "bob: hi");
        alice.send(Message::text("after")).unwrap();
        assert_eq!(hear(&mut bob), "alice: after");
    });
}
