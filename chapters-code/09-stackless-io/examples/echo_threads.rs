//! The benchmark's other yardstick: a thread per connection on blocking
//! `std` sockets, at most 1,000 threads (later connections are closed).
//!
//! Usage: `echo_threads ADDR`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// More threads than this, and the machine spends its time scheduling them.
const MAX_THREADS: usize = 1000;

fn echo(mut stream: TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if stream.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

fn main() -> ExitCode {
    let Some(addr) = std::env::args().nth(1) else {
        eprintln!("echo_threads: no address given\nusage: echo_threads ADDR");
        return ExitCode::FAILURE;
    };
    let listener = match TcpListener::bind(&addr) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("echo_threads: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let alive = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if alive.load(Ordering::Relaxed) >= MAX_THREADS {
            continue; // dropped: closed
        }
        let _ = stream.set_nodelay(true);
        alive.fetch_add(1, Ordering::Relaxed);
        let count = Arc::clone(&alive);
        let started = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || {
                echo(stream);
                count.fetch_sub(1, Ordering::Relaxed);
            });
        if let Err(e) = started {
            alive.fetch_sub(1, Ordering::Relaxed);
            eprintln!("echo_threads: no thread for a connection: {e}");
        }
    }
    ExitCode::SUCCESS
}
