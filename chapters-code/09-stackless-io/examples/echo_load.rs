//! The benchmark's load generator: CONNECTIONS clients, each sending a
//! SIZE-byte message and waiting for its echo before the next (a closed
//! loop), for WARMUP seconds unmeasured and then SECONDS measured. One
//! thread, on mio directly: it shares no code with the servers it loads.
//!
//! Usage: `echo_load ADDR CONNECTIONS SIZE SECONDS [WARMUP]`. Prints
//! `measuring` when the measured time begins, and at the end one line:
//! `requests=.. rps=.. p50_us=.. p99_us=.. cpu=..`, where `cpu` is the
//! share of the measured time this process spent on a CPU.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

/// Connections being set up at once, to stay inside a listen backlog of
/// 128 (`std`'s and tokio's).
const CONNECTING_AT_ONCE: usize = 128;

struct Client {
    stream: TcpStream,
    /// Bytes of the current message written, and echoed back.
    written: usize,
    echoed: usize,
    sent_at: Instant,
}

struct Settings {
    addr: SocketAddr,
    connections: usize,
    size: usize,
    seconds: f64,
    warmup: f64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let settings = match parse(&args) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!(
                "echo_load: {message}\nusage: echo_load ADDR CONNECTIONS SIZE SECONDS [WARMUP]"
            );
            return ExitCode::FAILURE;
        }
    };
    match load(&settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo_load: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Settings, String> {
    fn number<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> Result<T, String> {
        let text = args.get(i).ok_or(format!("no {what} given"))?;
        text.parse()
            .map_err(|_| format!("{text:?} is not a {what}"))
    }
    let addr = args.first().ok_or("no address given")?;
    let addr = addr
        .parse()
        .map_err(|_| format!("{addr:?} is not an address such as 127.0.0.1:7000"))?;
    let warmup = if args.len() > 4 {
        number(args, 4, "warm-up time in seconds")?
    } else {
        1.0
    };
    Ok(Settings {
        addr,
        connections: number(args, 1, "number of connections")?,
        size: number(args, 2, "message size in bytes")?,
        seconds: number(args, 3, "time in seconds")?,
        warmup,
    })
}

/// Opens every connection, a few hundred at a time.
fn connect_all(poll: &mut Poll, settings: &Settings) -> io::Result<Vec<Client>> {
    let mut clients = Vec::with_capacity(settings.connections);
    let mut events = Events::with_capacity(1024);
    let mut connected = 0;
    while connected < settings.connections {
        let batch = CONNECTING_AT_ONCE.min(settings.connections - clients.len());
        for _ in 0..batch {
            let token = Token(clients.len());
            let mut stream = TcpStream::connect(settings.addr)?;
            poll.registry().register(
                &mut stream,
                token,
                Interest::READABLE | Interest::WRITABLE,
            )?;
            clients.push(Client {
                stream,
                written: 0,
                echoed: 0,
                sent_at: Instant::now(),
            });
        }
        while connected < clients.len() {
            poll.poll(&mut events, Some(Duration::from_secs(10)))?;
            if events.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "connecting took over 10 s",
                ));
            }
            for event in &events {
                let client = &clients[event.token().0];
                if let Some(e) = client.stream.take_error()? {
                    return Err(io::Error::new(e.kind(), format!("connect: {e}")));
                }
                if client.echoed == 0 && event.is_writable() && client.stream.peer_addr().is_ok() {
                    // Marks it connected (nothing is echoed before the first send).
                    clients[event.token().0].echoed = usize::MAX;
                    connected += 1;
                }
            }
        }
    }
    for client in &mut clients {
        client.echoed = 0;
    }
    Ok(clients)
}

fn load(settings: &Settings) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let mut clients = connect_all(&mut poll, settings)?;
    let message = vec![b'x'; settings.size];
    let mut scratch = vec![0u8; settings.size.max(4096)];
    for client in &mut clients {
        send(client, &message)?;
    }
    let start = Instant::now();
    let measure_from = start + Duration::from_secs_f64(settings.warmup);
    let end = measure_from + Duration::from_secs_f64(settings.seconds);
    let mut latencies: Vec<u32> = Vec::new();
    let mut events = Events::with_capacity(4096);
    let mut cpu_at_start = None;
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        if cpu_at_start.is_none() && now >= measure_from {
            cpu_at_start = Some(cpu_time());
            // Whoever watches the server starts measuring it now.
            println!("measuring");
            io::stdout().flush()?;
        }
        let next = if cpu_at_start.is_none() {
            measure_from
        } else {
            end
        };
        poll.poll(&mut events, Some(next.saturating_duration_since(now)))?;
        for event in &events {
            let client = &mut clients[event.token().0];
            if event.is_writable() && client.written < message.len() {
                send(client, &message)?;
            }
            if !event.is_readable() {
                continue;
            }
            // Edge-triggered: read until it would block.
            loop {
                match client.stream.read(&mut scratch) {
                    Ok(0) => return Err(io::Error::other("the server closed a connection")),
                    Ok(n) => client.echoed += n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
                if client.echoed >= message.len() {
                    let done = Instant::now();
                    if done >= measure_from && done < end {
                        latencies.push(done.duration_since(client.sent_at).as_micros() as u32);
                    }
                    client.echoed -= message.len();
                    client.written = 0;
                    send(client, &message)?;
                }
            }
        }
    }
    let cpu = cpu_time() - cpu_at_start.unwrap_or_default();
    report(
        &mut latencies,
        settings.seconds,
        cpu.as_secs_f64() / settings.seconds,
    );
    Ok(())
}

/// This process's CPU time so far, user and system.
fn cpu_time() -> Duration {
    // SAFETY: an all-zero rusage is a valid value for getrusage to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid rusage to write to.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// Writes what is left of the current message; a full socket buffer
/// leaves the rest for its next writable event.
fn send(client: &mut Client, message: &[u8]) -> io::Result<()> {
    if client.written == 0 {
        client.sent_at = Instant::now();
    }
    while client.written < message.len() {
        match client.stream.write(&message[client.written..]) {
            Ok(n) => client.written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn report(latencies: &mut [u32], seconds: f64, cpu: f64) {
    latencies.sort_unstable();
    let at = |q: f64| {
        if latencies.is_empty() {
            0
        } else {
            latencies[((latencies.len() - 1) as f64 * q) as usize]
        }
    };
    println!(
        "requests={} rps={:.0} p50_us={} p99_us={} cpu={:.3}",
        latencies.len(),
        latencies.len() as f64 / seconds,
        at(0.50),
        at(0.99),
        cpu
    );
}
