//! The naive hub against the real one: round-trip latency to a server
//! tasklet, and what an idle server costs. A client thread with blocking
//! `std` sockets pings a server thread ROUNDS times (default 40), then
//! leaves the connection idle for a second while the server waits.
//!
//! Usage: `naive_latency [ROUNDS]`.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ch02_scheduler::{run, spawn};
use ch09_stackless_io::naive::start_polling;
use ch09_stackless_io::net::TcpListener;

/// What the server thread cost while its one connection stayed quiet.
struct Idle {
    cpu: Duration,
    wakeups: u64,
}

fn main() -> ExitCode {
    let rounds = match std::env::args().nth(1).map(|n| n.parse::<usize>()) {
        None => 40,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!(
                "naive_latency: ROUNDS must be a positive number\nusage: naive_latency [ROUNDS]"
            );
            return ExitCode::FAILURE;
        }
    };
    for naive in [true, false] {
        let (latencies, idle) = measure(naive, rounds);
        let mut sorted = latencies.clone();
        sorted.sort();
        let median = sorted[sorted.len() / 2];
        let worst = sorted[sorted.len() - 1];
        println!(
            "{:<34} round trip: median {:>9.3} ms, worst {:>9.3} ms; idle second: {:>3} wake-ups, {:.3} ms of CPU",
            if naive {
                "naive hub (a tasklet polls, 50 ms)"
            } else {
                "hub under the idle hook"
            },
            median.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            idle.wakeups,
            idle.cpu.as_secs_f64() * 1e3,
        );
    }
    ExitCode::SUCCESS
}

/// Runs a one-connection echo server on a thread of its own, naive or not,
/// and pings it.
fn measure(naive: bool, rounds: usize) -> (Vec<Duration>, Idle) {
    let (addr_tx, addr_rx) = mpsc::channel::<(SocketAddr, libc::pid_t)>();
    let server = std::thread::spawn(move || {
        if naive {
            start_polling(Duration::from_millis(50)).expect("a fresh thread has no hub");
        }
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::gettid() };
        addr_tx.send((listener.local_addr().unwrap(), tid)).unwrap();
        spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut buf = [0u8; 64];
            loop {
                match (&stream).read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => (&stream).write_all(&buf[..n]).unwrap(),
                }
            }
        });
        run().unwrap();
    });
    let (addr, tid) = addr_rx.recv().unwrap();
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    client.set_nodelay(true).unwrap();
    let mut latencies = Vec::with_capacity(rounds);
    let mut byte = [0u8];
    for _ in 0..rounds {
        let start = Instant::now();
        client.write_all(b"x").unwrap();
        client.read_exact(&mut byte).unwrap();
        latencies.push(start.elapsed());
    }
    let before = thread_usage(tid);
    std::thread::sleep(Duration::from_secs(1));
    let after = thread_usage(tid);
    drop(client);
    server.join().unwrap();
    let idle = Idle {
        cpu: after.0.saturating_sub(before.0),
        wakeups: after.1 - before.1,
    };
    (latencies, idle)
}

/// A thread's CPU time and voluntary context switches (each a wake-up
/// after sleeping), from /proc.
fn thread_usage(tid: libc::pid_t) -> (Duration, u64) {
    let task = format!("/proc/self/task/{tid}");
    // The first field: nanoseconds spent on a CPU.
    let schedstat = std::fs::read_to_string(format!("{task}/schedstat")).unwrap();
    let ns = schedstat
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let status = std::fs::read_to_string(format!("{task}/status")).unwrap();
    let switches = status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (Duration::from_nanos(ns), switches)
}
