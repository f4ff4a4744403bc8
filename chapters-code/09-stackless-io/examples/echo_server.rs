//! The echo server of the chapter's benchmark: a tasklet per connection,
//! on one hub thread or several (each with its own `SO_REUSEPORT`
//! listener on the same port).
//!
//! Usage: `echo_server ADDR [THREADS]`, such as `echo_server 127.0.0.1:7000 2`.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;

use ch02_scheduler::{Builder, run};
use ch09_stackless_io::net::{TcpListener, TcpStream};

// ANCHOR: echo
/// Echoes what the peer sends until it hangs up.
fn echo(stream: TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match (&stream).read(&mut buf) {
            Ok(0) | Err(_) => return, // the peer is gone
            Ok(n) => {
                if (&stream).write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

/// Accepts connections forever, each served by a tasklet of its own.
fn serve(listener: TcpListener) {
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                if let Err(e) = Builder::new()
                    .stack_size(32 * 1024)
                    .spawn(move || echo(stream))
                {
                    eprintln!("echo_server: no tasklet for a connection: {e}");
                }
            }
            Err(e) => eprintln!("echo_server: {e}"),
        }
    }
}
// ANCHOR_END: echo

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (addr, threads) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("echo_server: {message}\nusage: echo_server ADDR [THREADS]");
            return ExitCode::FAILURE;
        }
    };
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                let listener = match TcpListener::bind_reuse_port(addr) {
                    Ok(listener) => listener,
                    Err(e) => {
                        eprintln!("echo_server: cannot listen on {addr}: {e}");
                        std::process::exit(1);
                    }
                };
                Builder::new()
                    .spawn(move || serve(listener))
                    .expect("a first tasklet");
                run().expect("the server runs until killed");
            })
        })
        .collect();
    for handle in handles {
        let _ = handle.join();
    }
    ExitCode::SUCCESS
}

fn parse(args: &[String]) -> Result<(SocketAddr, usize), String> {
    let addr = args.first().ok_or("no address given")?;
    let addr = addr
        .parse()
        .map_err(|e| format!("{addr:?} is not an address such as 127.0.0.1:7000: {e}"))?;
    let threads = match args.get(1) {
        None => 1,
        Some(n) => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{n:?} is not a number of threads"))?,
    };
    Ok((addr, threads))
}
