//! Each crate runs unchanged on tasklets, end to end on loopback, with a
//! deadline.

#[path = "support/buffers.rs"]
mod buffers;
#[path = "../../09-stackless-io/tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};

use ch02_scheduler::spawn;
use ch09_stackless_io::net::{TcpListener, TcpStream};
use ch10_unchanged_code::json_lines::{Reply, Request};
use ch10_unchanged_code::{chat, json_lines, websocket};
use support::within;
use tungstenite::Message;

/// Starts `serve` on a fresh loopback listener; returns its address.
fn start(serve: fn(TcpListener)) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    spawn(move || serve(listener));
    addr
}

fn hear(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    line.trim_end().to_owned()
}

#[test]
fn chat_over_bufread_and_bufwriter() {
    within(|| {
        let addr = start(chat::serve);
        let alice = TcpStream::connect(addr).unwrap();
        let bob = TcpStream::connect(addr).unwrap();
        let (mut alice_hears, mut bob_hears) = (BufReader::new(&alice), BufReader::new(&bob));
        writeln!(&alice, "alice").unwrap();
        writeln!(&bob, "bob").unwrap();
        // Alice joined before Bob spoke: she hears him.
        writeln!(&bob, "hi").unwrap();
        assert_eq!(hear(&mut alice_hears), "bob: hi");
        writeln!(&alice, "hello\nhow are you?").unwrap();
        assert_eq!(hear(&mut bob_hears), "alice: hello");
        assert_eq!(hear(&mut bob_hears), "alice: how are you?");
    });
}

#[test]
fn a_websocket_echo_with_tungstenite() {
    within(|| {
        let addr = start(websocket::serve_echo);
        let stream = TcpStream::connect(addr).unwrap();
        let (mut socket, response) =
            tungstenite::client(format!("ws://{addr}/echo"), stream).unwrap();
        assert_eq!(response.status(), 101);
        for text in ["hello", "tasklets"] {
            socket.send(Message::text(text)).unwrap();
            assert_eq!(socket.read().unwrap(), Message::text(text));
        }
        socket.send(Message::binary(vec![1, 2, 3])).unwrap();
        assert_eq!(socket.read().unwrap(), Message::binary(vec![1, 2, 3]));
        socket.close(None).unwrap();
    });
}

/// A WebSocket client of the chat on `addr`, joined as `name`; its
/// socket receives at most `buffer` bytes that it has not read.
fn join_chat(
    addr: std::net::SocketAddr,
    name: &str,
    buffer: Option<usize>,
) -> tungstenite::WebSocket<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    if let Some(bytes) = buffer {
        socket.set_recv_buffer_size(bytes).unwrap();
    }
    socket.connect(&addr.into()).unwrap(); // on loopback, at once
    let stream = TcpStream::from_std(socket.into()).unwrap();
    let (mut chat, _) = tungstenite::client(format!("ws://{addr}/chat"), stream).unwrap();
    chat.send(Message::text(name)).unwrap();
    chat
}

#[test]
fn a_websocket_chat_where_a_client_that_never_reads_stalls_no_one() {
    within(|| {
        let addr = start(websocket::serve_chat);
        let mut alice = join_chat(addr, "alice", None);
        let mut bob = join_chat(addr, "bob", None);
        let mut carol = join_chat(addr, "carol", Some(4096)); // never reads, till the end
        // Twice what Carol's socket buffers may hold, in messages of 8 kB.
        let messages = 2 * buffers::send_buffer_max() / 8000 + 100;
        let said = |i: usize| format!("{i} {}", "-".repeat(8000));
        for i in 0..messages {
            alice.send(Message::text(said(i))).unwrap();
            assert_eq!(
                bob.read().unwrap(),
                Message::text(format!("alice: {}", said(i)))
            );
        }
        bob.send(Message::text("bye")).unwrap();
        assert_eq!(alice.read().unwrap(), Message::text("bob: bye"));
        // Carol's tasklet parked on her full socket, and her inbox kept
        // only the newest: she hears the start, a gap, and the end.
        let mut heard = Vec::new();
        while heard.last().is_none_or(|last| last != "bob: bye") {
            heard.push(carol.read().unwrap().into_text().unwrap().to_string());
        }
        assert_eq!(heard[0], format!("alice: {}", said(0)));
        assert!(
            heard.len() <= messages,
            "carol heard all {} messages",
            heard.len()
        );
    });
}

#[test]
fn json_requests_on_a_connection_that_stays_open() {
    within(|| {
        let addr = start(json_lines::serve);
        let stream = TcpStream::connect(addr).unwrap();
        let mut replies = BufReader::new(&stream);
        let mut ask = |request: &Request| -> Reply {
            serde_json::to_writer(&stream, request).unwrap();
            serde_json::from_str(&hear(&mut replies)).unwrap()
        };
        assert_eq!(ask(&Request::Add { a: 2, b: 40 }), Reply::Value(42));
        assert_eq!(ask(&Request::Count), Reply::Value(2));
        // No line breaks needed between requests: the stream finds them.
        (&stream)
            .write_all(br#"{"op":"count"}{"op":"add","a":1,"b":1}"#)
            .unwrap();
        assert_eq!(hear(&mut replies), r#"{"value":3}"#);
        assert_eq!(hear(&mut replies), r#"{"value":2}"#);
        (&stream).write_all(b"[not a request]").unwrap();
        let reply: Reply = serde_json::from_str(&hear(&mut replies)).unwrap();
        assert!(matches!(reply, Reply::Error(_)), "{reply:?}");
    });
}

/// A certificate for `localhost`, made now, and the two configurations
/// that use it: the server's, and a client's that trusts only it.
fn tls_configs() -> (
    std::sync::Arc<rustls::ServerConfig>,
    std::sync::Arc<rustls::ClientConfig>,
) {
    use std::sync::Arc;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let server = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (Arc::new(server), Arc::new(client))
}

#[test]
fn tls_with_rustls_stream_owned() {
    within(|| {
        let (server_config, client_config) = tls_configs();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        spawn(move || ch10_unchanged_code::tls::serve_echo(listener, server_config));
        let tls =
            ch10_unchanged_code::tls::connect(addr, "localhost", client_config.clone()).unwrap();
        assert!(tls.conn.protocol_version().is_some());
        let mut tls = BufReader::new(tls);
        for line in ["hello over TLS", "second line"] {
            writeln!(tls.get_mut(), "{line}").unwrap();
            assert_eq!(hear(&mut tls), line);
        }
        // A name the certificate does not cover fails the handshake.
        let wrong = ch10_unchanged_code::tls::connect(addr, "example.com", client_config);
        assert!(wrong.is_err());
    });
}

/// A server that answers any request with `body` and closes.
fn serve_plain_http(listener: TcpListener, body: &'static str) {
    for stream in listener.incoming().map_while(Result::ok) {
        spawn(move || {
            let mut request = BufReader::new(&stream);
            // The request head ends with an empty line.
            while !hear(&mut request).is_empty() {}
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            (&stream).write_all(response.as_bytes()).unwrap();
        });
    }
}

#[test]
fn an_http_client_with_ureq_over_a_tasklet_transport() {
    within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        spawn(move || serve_plain_http(listener, "hello from a tasklet"));
        let agent = ch10_unchanged_code::http_client::agent(ureq::config::Config::default());
        // Two requests at once, each in a tasklet of its own.
        let bodies: ch03_channels::Channel<String> = ch03_channels::Channel::new();
        for path in ["/a", "/b"] {
            let (agent, bodies) = (agent.clone(), bodies.clone());
            spawn(move || {
                let mut response = agent.get(format!("http://{addr}{path}")).call().unwrap();
                bodies
                    .send(response.body_mut().read_to_string().unwrap())
                    .unwrap();
            });
        }
        let bodies = [bodies.receive().unwrap(), bodies.receive().unwrap()];
        assert_eq!(bodies, ["hello from a tasklet"; 2]);
    });
}

#[test]
fn an_http_request_to_a_server_that_never_answers_times_out() {
    within(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        // Accepts, and says nothing.
        spawn(move || {
            let quiet: Vec<TcpStream> = listener.incoming().map_while(Result::ok).collect();
            drop(quiet);
        });
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(std::time::Duration::from_millis(200)))
            .build();
        let agent = ch10_unchanged_code::http_client::agent(config);
        let error = agent.get(format!("http://{addr}/")).call().unwrap_err();
        assert!(matches!(error, ureq::Error::Timeout(_)), "{error}");
    });
}
