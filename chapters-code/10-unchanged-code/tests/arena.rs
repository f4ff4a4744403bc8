//! The arena's HTTP server and its viewers, end to end on loopback: the
//! requests it refuses, keep-alive, the read timeout, the controls, a
//! viewer that never reads, and a thousand viewers at once.

#[path = "support/buffers.rs"]
mod buffers;
#[path = "../../09-stackless-io/tests/support/files.rs"]
mod files;
#[path = "../../09-stackless-io/tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use ch02_scheduler::spawn;
use ch03_channels::Channel;
use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::Rules;
use ch07_core_war::redcode::Warrior;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use ch10_unchanged_code::arena::{Arena, Settings};
use ch10_unchanged_code::http::{Limits, serve};
use serde_json::Value;
use support::within;

/// The warriors, assembled for a core of `size` cells.
fn library(size: u32) -> Vec<(String, Warrior)> {
    let env = Environment {
        size,
        ..Environment::default()
    };
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../07-core-war/warriors/book");
    let ids: &[&str] = match size {
        8000 => &["imp", "dwarf", "stone", "paper"],
        _ => &["imp", "dwarf"], // stone and paper want 8,000 cells
    };
    ids.iter()
        .map(|id| {
            let path = book.join(format!("{id}.red"));
            let warrior = read_warrior(&path.to_string_lossy(), &env);
            (id.to_string(), warrior.expect("a book warrior"))
        })
        .collect()
}

/// Starts an arena with `settings` and `limits` on this thread; returns
/// its address.
fn start(settings: Settings, limits: Limits) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let arena = Arena::new(library(settings.rules.size), settings).unwrap();
    arena.start().unwrap();
    spawn(move || serve(&listener, limits, move |r, s| arena.handle(r, s)));
    addr
}

/// Settings for tests: frame `n` shows the same cycle on every machine.
fn lockstep() -> Settings {
    Settings {
        fixed: Some(4000),
        lockstep: true,
        wait_for_viewer: true,
        frame: Duration::from_millis(5),
        ..Settings::default()
    }
}

/// Sends `request` whole, and reads one response: its status line and
/// its body.
fn exchange(stream: &TcpStream, request: &str) -> (String, String) {
    (&*stream).write_all(request.as_bytes()).unwrap();
    read_response(&mut BufReader::new(stream))
}

fn read_response(reader: &mut impl BufRead) -> (String, String) {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim_end().is_empty() {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (
        status.trim_end().to_owned(),
        String::from_utf8(body).unwrap(),
    )
}

/// Sends `request` on a new connection: the status line, and whether
/// the server closed the connection after it.
fn refused(addr: SocketAddr, request: &[u8]) -> (String, bool) {
    let stream = TcpStream::connect(addr).unwrap();
    (&stream).write_all(request).unwrap();
    let mut reader = BufReader::new(&stream);
    let (status, _) = read_response(&mut reader);
    let closed = reader.read(&mut [0]).unwrap() == 0;
    (status, closed)
}

#[test]
fn requests_it_refuses_get_their_status_and_the_server_goes_on() {
    within(|| {
        let limits = Limits {
            head: 1024,
            headers: 8,
            body: 100,
            ..Limits::default()
        };
        let addr = start(lockstep(), limits);
        let still_sending = [
            b"POST /battle HTTP/1.1\r\nContent-Length: 200000\r\n\r\n".as_slice(),
            &[b'x'; 200_000],
        ]
        .concat();
        let cases: [(&[u8], &str); 8] = [
            (b"NOT HTTP\r\n\r\n", "400 Bad Request"),
            (b"POST /battle HTTP/1.1\r\nContent-Length: x\r\n\r\n", "400 Bad Request"),
            (b"POST /battle HTTP/1.1\r\nContent-Length: 101\r\n\r\n", "413 Content Too Large"),
            (&[b"GET / HTTP/1.1\r\nX: ".as_slice(), &[b'a'; 1100], b"\r\n\r\n"].concat(), "431"),
            (b"GET / HTTP/1.1\r\na: 1\r\nb: 1\r\nc: 1\r\nd: 1\r\ne: 1\r\nf: 1\r\ng: 1\r\nh: 1\r\ni: 1\r\n\r\n", "431"),
            (b"POST /battle HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "501 Not Implemented"),
            (b"POST /battle HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", "400"),
            // The body keeps coming after the refusal: the server reads it
            // away, so that the client sees the status, not a reset.
            (&still_sending, "413 Content Too Large"),
        ];
        for (request, status) in cases {
            let (got, closed) = refused(addr, request);
            assert!(got.starts_with(&format!("HTTP/1.1 {status}")), "{got}");
            assert!(closed, "{status}: the connection is closed after a refusal");
        }
        let stream = TcpStream::connect(addr).unwrap();
        let get = |path: &str| exchange(&stream, &format!("GET {path} HTTP/1.1\r\n\r\n")).0;
        assert_eq!(get("/nowhere"), "HTTP/1.1 404 Not Found");
        assert_eq!(get("/"), "HTTP/1.1 200 OK");
        let (status, body) = exchange(&stream, "POST /warriors HTTP/1.1\r\n\r\n");
        assert_eq!(
            (status.as_str(), body.trim()),
            (
                "HTTP/1.1 405 Method Not Allowed",
                "this path takes GET only"
            )
        );
    });
}

#[test]
fn one_connection_serves_requests_one_after_another_even_sent_at_once() {
    within(|| {
        let addr = start(lockstep(), Limits::default());
        let stream = TcpStream::connect(addr).unwrap();
        let mut reader = BufReader::new(&stream);
        (&stream)
            .write_all(b"GET /warriors HTTP/1.1\r\n\r\nGET /arena.css HTTP/1.1\r\n\r\nGET /x HTTP/1.0\r\n\r\n")
            .unwrap();
        let (status, warriors) = read_response(&mut reader);
        assert_eq!(status, "HTTP/1.1 200 OK");
        let warriors: Value = serde_json::from_str(&warriors).unwrap();
        assert_eq!(
            warriors[1],
            serde_json::json!({"id": "dwarf", "name": "Dwarf"})
        );
        assert!(read_response(&mut reader).1.contains("canvas"));
        assert_eq!(read_response(&mut reader).0, "HTTP/1.1 404 Not Found");
        // HTTP/1.0 closes unless asked not to.
        assert_eq!(reader.read(&mut [0]).unwrap(), 0);
    });
}

#[test]
fn a_client_too_slow_to_send_its_request_gets_408_and_a_silent_one_is_closed() {
    within(|| {
        let limits = Limits {
            idle: Duration::from_millis(100),
            ..Limits::default()
        };
        let addr = start(lockstep(), limits);
        let (status, closed) = refused(addr, b"GET / HTTP/1.1\r\n");
        assert_eq!(
            (status.as_str(), closed),
            ("HTTP/1.1 408 Request Timeout", true)
        );
        let silent = TcpStream::connect(addr).unwrap();
        assert_eq!((&silent).read(&mut [0]).unwrap(), 0);
    });
}

/// A viewer of the arena's events, on a connection of its own.
struct Viewer {
    reader: BufReader<TcpStream>,
}

impl Viewer {
    fn watch(addr: SocketAddr, receive_buffer: Option<usize>) -> Viewer {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        if let Some(bytes) = receive_buffer {
            socket.set_recv_buffer_size(bytes).unwrap();
        }
        socket.connect(&addr.into()).unwrap(); // on loopback, at once
        let stream = TcpStream::from_std(socket.into()).unwrap();
        (&stream)
            .write_all(b"GET /events HTTP/1.1\r\n\r\n")
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        while line != "\r\n" {
            line.clear();
            reader.read_line(&mut line).unwrap();
        }
        Viewer { reader }
    }

    /// The next event's data: `None` for the stream's end.
    fn next(&mut self) -> Option<Value> {
        let (mut event, mut data) = (String::new(), String::new());
        self.reader.read_line(&mut event).unwrap();
        if event.starts_with("event: end") {
            return None;
        }
        self.reader.read_line(&mut data).unwrap();
        assert_eq!(data, "\n", "one line of data per event");
        Some(serde_json::from_str(event.strip_prefix("data: ").unwrap()).unwrap())
    }
}

fn post(addr: SocketAddr, path: &str, body: &str) -> String {
    let stream = TcpStream::connect(addr).unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    exchange(&stream, &request).0
}

#[test]
fn the_controls_pause_and_start_a_new_battle() {
    within(|| {
        let addr = start(lockstep(), Limits::default());
        let mut viewer = Viewer::watch(addr, None);
        let first = viewer.next().unwrap();
        assert_eq!(first["frame"]["cycle"], 500);
        assert_eq!(first["frame"]["warriors"][0]["name"], "Imp");
        assert_eq!(post(addr, "/pause", ""), "HTTP/1.1 204 No Content");
        while viewer.next().unwrap()["frame"]["paused"] != true {}
        let body = r#"{"warriors": ["paper", "stone"]}"#;
        assert_eq!(post(addr, "/battle", body), "HTTP/1.1 202 Accepted");
        let frame = loop {
            let frame = viewer.next().unwrap()["frame"].clone();
            if frame["warriors"][0]["name"] == "Paper" {
                break frame;
            }
        };
        assert_eq!(
            (&frame["warriors"][1]["name"], &frame["paused"]),
            (&"Stone".into(), &true.into())
        );
        assert_eq!(
            frame["cycle"], 0,
            "a new battle starts at cycle 0, paused as the old one was"
        );
        let unknown = post(addr, "/battle", r#"{"warriors": ["paper", "nobody"]}"#);
        assert_eq!(unknown, "HTTP/1.1 400 Bad Request");
    });
}

#[test]
fn a_viewer_that_never_reads_loses_frames_and_stalls_no_one() {
    within(|| {
        // Twice what the sockets' buffers may hold, in frames of 8 kB.
        let frames = (2 * buffers::send_buffer_max() / 8000 + 100) as u64;
        let settings = Settings {
            events: Some(frames),
            frame: Duration::from_millis(1),
            ..lockstep()
        };
        let addr = start(settings, Limits::default());
        let mut slow = Viewer::watch(addr, Some(4096));
        let mut fast = Viewer::watch(addr, None);
        let mut received = 0;
        while fast.next().is_some() {
            received += 1;
        }
        assert_eq!(
            received, frames,
            "the battle went on while the slow viewer was stuck"
        );
        // The slow viewer reads at last: first what its socket held, then
        // frames from its inbox, which says how many it skipped.
        while slow.next().expect("frames until the first skip")["dropped"] == 0 {}
    });
}

#[test]
fn a_thousand_viewers_receive_every_frame() {
    const FRAMES: usize = 10;
    // Both ends of each connection live in this process.
    let limit = files::open_files_limit().rlim_cur;
    let viewers = 1000.min((limit.saturating_sub(100) / 2) as usize);
    if viewers < 1000 {
        eprintln!("`ulimit -n` is {limit}: testing {viewers} viewers instead of 1000");
    }
    within(move || {
        // The arena on a thread of its own, the viewers on this one.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // A small core, small frames; an inbox that holds them all,
            // so that a frame is missed only if the broadcast loses it.
            let rules = Rules {
                size: 800,
                cycles: 8000,
                processes: 800,
                ..Rules::default()
            };
            let settings = Settings {
                rules,
                fixed: Some(400),
                frame: Duration::from_millis(40),
                inbox: FRAMES + 1,
                hold: 0,
                rounds: 1000, // outlasts the connects, however slow
                events: Some(FRAMES as u64),
                ..lockstep()
            };
            tx.send(start(settings, Limits::default())).unwrap();
            ch02_scheduler::run().unwrap();
        });
        let addr = rx.recv().unwrap();
        let received: Channel<Vec<(u64, u64, u64)>> = Channel::new();
        for _ in 0..viewers {
            let received = received.clone();
            spawn(move || {
                let mut viewer = Viewer::watch(addr, None);
                let mut seen = Vec::new();
                while let Some(event) = viewer.next() {
                    let number = |v: &Value| v.as_u64().unwrap();
                    let frame = &event["frame"];
                    seen.push((
                        number(&event["dropped"]),
                        number(&frame["round"]),
                        number(&frame["cycle"]),
                    ));
                }
                received.send(seen).unwrap();
            });
        }
        for _ in 0..viewers {
            let seen = received.receive().unwrap();
            assert_eq!(seen.len(), FRAMES);
            assert!(seen.iter().all(|&(dropped, _, _)| dropped == 0), "{seen:?}");
            // Consecutive frames: 500 cycles a frame (1,000 instructions,
            // two warriors), or fewer where a round ended early, or the
            // next round's first frame.
            for pair in seen.windows(2) {
                let [(_, round, cycle), (_, next_round, next_cycle)] = [pair[0], pair[1]];
                let next = (next_round == round && next_cycle > cycle && next_cycle <= cycle + 500)
                    || (next_round == round + 1 && next_cycle <= 500);
                assert!(next, "a frame went missing: {seen:?}");
            }
        }
    });
}
