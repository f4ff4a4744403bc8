//! Chapter 9, exercise 1: names announced, lines to the others only, and a
//! client that leaves does not stop the rest.

#[path = "../../../tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};

use ch02_scheduler::spawn;
use ch09_ex_line_chat::serve;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use support::within;

/// A client: its connection, and a reader for its lines.
struct Client {
    stream: TcpStream,
}

impl Client {
    fn join(addr: std::net::SocketAddr, name: &str) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        writeln!(&stream, "{name}").unwrap();
        Client { stream }
    }

    fn say(&self, line: &str) {
        writeln!(&self.stream, "{line}").unwrap();
    }

    /// The next line this client hears. Reads a byte at a time, so that
    /// nothing is buffered past the line.
    fn hear(&self) -> String {
        let mut line = Vec::new();
        BufReader::with_capacity(1, &self.stream)
            .read_until(b'\n', &mut line)
            .unwrap();
        String::from_utf8(line).unwrap().trim_end().to_owned()
    }
}

#[test]
fn a_chat_room() {
    within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        spawn(move || serve(listener));
        let alice = Client::join(addr, "alice");
        let bob = Client::join(addr, "bob");
        assert_eq!(alice.hear(), "* bob joined");
        let carol = Client::join(addr, "carol");
        assert_eq!(alice.hear(), "* carol joined");
        assert_eq!(bob.hear(), "* carol joined");

        alice.say("hello");
        assert_eq!(bob.hear(), "alice: hello");
        assert_eq!(carol.hear(), "alice: hello");
        bob.say("hi");
        // Alice's next line is Bob's: her own did not come back.
        assert_eq!(alice.hear(), "bob: hi");
        assert_eq!(carol.hear(), "bob: hi");

        drop(carol);
        alice.say("still here?");
        assert_eq!(bob.hear(), "alice: still here?");
        bob.say("yes");
        assert_eq!(alice.hear(), "bob: yes");
    });
}
