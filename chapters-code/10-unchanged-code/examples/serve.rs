//! Runs one of the chapter's servers, a tasklet per connection.
//!
//! Usage: `serve KIND [ADDR]`, KIND one of `chat` (lines: try
//! `nc 127.0.0.1 7000`, your name first), `json` (one JSON request per
//! line, such as `{"op":"add","a":2,"b":40}`), `websocket-echo` and
//! `websocket-chat`; ADDR defaults to 127.0.0.1:7000.

use std::process::ExitCode;

use ch09_stackless_io::net::TcpListener;
use ch10_unchanged_code::{chat, json_lines, websocket};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let serve: fn(TcpListener) = match args.first().map(String::as_str) {
        Some("chat") => chat::serve,
        Some("json") => json_lines::serve,
        Some("websocket-echo") => websocket::serve_echo,
        Some("websocket-chat") => websocket::serve_chat,
        _ => {
            eprintln!("usage: serve chat|json|websocket-echo|websocket-chat [ADDR]");
            return ExitCode::FAILURE;
        }
    };
    let addr = args.get(1).map_or("127.0.0.1:7000", String::as_str);
    let listener = match TcpListener::bind(addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("serve: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("serve: {} on {addr}", args[0]);
    ch02_scheduler::spawn(move || serve(listener));
    match ch02_scheduler::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve: {e}");
            ExitCode::FAILURE
        }
    }
}
