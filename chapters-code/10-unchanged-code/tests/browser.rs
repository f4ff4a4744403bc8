//! The battle in a real browser: headless Chromium loads the page from
//! the arena's server, runs its JavaScript, receives the frames as
//! Server-Sent Events until the server ends the stream (its test mode),
//! and the page shows what the frames said. Chromium is driven over its
//! DevTools protocol, a WebSocket, with tungstenite.
//!
//! The page's text is compared with `examples/output/browser.txt`; the
//! screenshot the book shows is `book/images/ch10-browser.png`. `BLESS=1`
//! rewrites both from this run.
//!
//! Skipped, with a message, where Chromium is missing, unless `CI` is set.

#[path = "../../golden.rs"]
#[allow(dead_code)] // only `compare` is used here
mod golden;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine;
use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::{Positions, Rules};
use ch07_core_war::redcode::Warrior;
use ch08_live_view::bout::Bout;
use ch09_stackless_io::net::TcpListener;
use ch10_unchanged_code::arena::{Arena, Settings};
use ch10_unchanged_code::http::{Limits, serve};
use serde_json::{Value, json};

/// Frames each viewer receives before the server ends its stream.
const FRAMES: u64 = 30;
/// Where warrior 2 starts.
const FIXED: u32 = 4000;
/// How long the whole test may take.
const DEADLINE: Duration = Duration::from_secs(60);

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The two warriors of the test's battle.
fn warriors() -> Vec<(String, Warrior)> {
    let book = crate_dir().join("../07-core-war/warriors/book");
    ["stone", "paper"]
        .map(|id| {
            let path = book.join(format!("{id}.red"));
            let warrior = read_warrior(&path.to_string_lossy(), &Environment::default());
            (id.to_owned(), warrior.expect("a book warrior assembles"))
        })
        .to_vec()
}

fn settings() -> Settings {
    Settings {
        fixed: Some(FIXED),
        lockstep: true,
        wait_for_viewer: true,
        events: Some(FRAMES),
        ..Settings::default()
    }
}

/// Starts the arena on a thread of its own; returns its address.
fn start_arena() -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        tx.send(listener.local_addr().expect("an address"))
            .expect("the test waits");
        let arena = Arena::new(warriors(), settings()).expect("two warriors");
        arena.start().expect("the battle starts");
        let handle = move |request: &_, stream: &_| arena.handle(request, stream);
        ch02_scheduler::spawn(move || serve(&listener, Limits::default(), handle));
        ch02_scheduler::run().expect("the arena runs");
    });
    rx.recv_timeout(DEADLINE).expect("the arena starts")
}

/// What the page should show after [`FRAMES`] frames: the same battle,
/// played here, without a browser.
fn expected_cycle() -> u64 {
    let rules = Rules::default();
    let pair = warriors().into_iter().map(|(_, w)| w).collect();
    let mut bout = Bout::new(pair, rules, 10, Positions::fixed(FIXED, rules));
    for _ in 0..FRAMES {
        bout.run(1000);
    }
    bout.look().cycle
}

/// A headless Chromium of this test's own, killed when dropped.
struct Chromium {
    child: Child,
    profile: PathBuf,
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Chromium {
    /// Starts Chromium; returns it and its DevTools address, or `None`
    /// (after saying so) where it is not installed.
    fn start() -> Option<(Chromium, String)> {
        if Command::new("chromium").arg("--version").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromium is missing: `ci/install-tools --linkcheck` installs it (Debian: apt-get install chromium)"
            );
            eprintln!("skipping the browser test: chromium is not installed");
            return None;
        }
        let profile = std::env::temp_dir().join(format!("ch10-chromium-{}", std::process::id()));
        let mut child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
            ])
            .args(["--no-first-run", "--disable-background-networking"])
            .args([
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .args(["--window-size=1150,720", "--remote-debugging-port=0"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium says where its DevTools listen on stderr.
        let stderr = child.stderr.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        let browser = rx
            .recv_timeout(DEADLINE)
            .expect("chromium's DevTools address");
        let port = browser.split(':').nth(2).and_then(|p| p.split('/').next());
        let port = port.expect("ws://127.0.0.1:PORT/...").to_owned();
        Some((Chromium { child, profile }, port))
    }
}

/// The DevTools WebSocket of Chromium's first page.
fn page_socket(port: &str) -> String {
    let mut http = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).expect("DevTools");
    write!(
        http,
        "GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    // Chromium keeps the connection open: read the head, then the body's
    // Content-Length bytes.
    let mut response = BufReader::new(http);
    let mut length = 0;
    for line in (&mut response).lines().map(|l| l.expect("a header")) {
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("a length");
        }
    }
    let mut body = vec![0; length];
    response.read_exact(&mut body).expect("the target list");
    let targets: Vec<Value> = serde_json::from_slice(&body).expect("JSON targets");
    let page = targets
        .iter()
        .find(|t| t["type"] == "page")
        .expect("a page");
    page["webSocketDebuggerUrl"]
        .as_str()
        .expect("its socket")
        .to_owned()
}

/// A DevTools connection: commands, and their results.
struct DevTools {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    next: u64,
}

impl DevTools {
    fn connect(url: &str) -> DevTools {
        let (socket, _) = tungstenite::connect(url).expect("the page's DevTools socket");
        if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream.set_read_timeout(Some(DEADLINE)).unwrap();
        }
        DevTools { socket, next: 0 }
    }

    /// Runs `method`; its result (events in between are ignored).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let command = json!({"id": self.next, "method": method, "params": params});
        self.socket
            .send(command.to_string().into())
            .expect("a command");
        loop {
            let message = self.socket.read().expect("a reply");
            let reply: Value = serde_json::from_str(message.to_text().expect("text")).unwrap();
            if reply["id"] == self.next {
                assert!(reply["error"].is_null(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let params = json!({"expression": expression, "returnByValue": true});
        self.call("Runtime.evaluate", params)["result"]["value"].clone()
    }
}

#[test]
fn the_page_draws_the_battle_from_its_events_in_chromium() {
    let Some((_chromium, port)) = Chromium::start() else {
        return;
    };
    let addr = start_arena();
    let url = page_socket(&port);
    let mut page = DevTools::connect(&url);
    page.call("Page.navigate", json!({"url": format!("http://{addr}/")}));
    let started = Instant::now();
    while page.eval("document.body.dataset.state") != "ended" {
        assert!(started.elapsed() < DEADLINE, "the stream did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
    let shown = page.eval(
        "[...document.querySelectorAll('header, aside p, #warriors tr')]
            .map(e => e.innerText.replace(/\\s+/g, ' ').trim()).join('\\n')",
    );
    let shown = shown.as_str().expect("the page's text").to_owned() + "\n";
    let cycle = expected_cycle().to_string();
    assert_eq!(
        page.eval("document.body.dataset.frames"),
        FRAMES.to_string()
    );
    assert_eq!(
        page.eval("document.getElementById('cycle').textContent"),
        cycle
    );
    assert_eq!(
        page.eval("document.getElementById('dropped').textContent"),
        "0"
    );
    golden::compare(&crate_dir().join("examples/output/browser.txt"), &shown);

    let shot = page.call("Page.captureScreenshot", json!({"format": "png"}));
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("base64"))
        .expect("a PNG");
    assert_eq!(&png[1..4], b"PNG");
    let book = crate_dir().join("../../book/images/ch10-browser.png");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(book, &png).expect("the screenshot can be written");
    }
}
