//! Holds many viewers on `mars-web` at once, and measures what each costs
//! the server: its resident memory, and the frames each viewer receives.
//!
//! The server runs in a process of its own (the `mars-web` built beside
//! this example); the viewers are tasklets here, one per connection.
//!
//! Usage: `viewers [N]` (default 1,000), after
//! `cargo build --release -p ch10-unchanged-code --bin mars-web`.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitCode, Stdio};
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::Builder;
use ch04_lifecycle::time::sleep;
use ch09_stackless_io::net::TcpStream;

/// How long the frame rate is measured, once every viewer is watching.
const MEASURE: Duration = Duration::from_secs(5);

/// What one viewer has seen so far.
#[derive(Default)]
struct Seen {
    frames: Cell<u64>,
    dropped: Cell<u64>,
}

/// One viewer: reads frames until the connection ends, noting each.
fn view(addr: SocketAddr, seen: &Seen) -> std::io::Result<()> {
    let stream = TcpStream::connect(addr)?;
    (&stream).write_all(b"GET /events HTTP/1.1\r\nHost: arena\r\n\r\n")?;
    let mut lines = BufReader::new(&stream).lines();
    for line in lines.by_ref() {
        if line?.is_empty() {
            break; // the end of the response's head
        }
    }
    for line in lines {
        // `data: {"dropped":N,"frame":{...}}`: only N is read.
        if let Some(rest) = line?.strip_prefix("data: {\"dropped\":") {
            let digits = rest.split(',').next().unwrap_or_default();
            seen.dropped.set(digits.parse().unwrap_or(0));
            seen.frames.set(seen.frames.get() + 1);
        }
    }
    Ok(())
}

/// `mars-web`'s resident memory now, in KiB.
fn resident_kib(server: &Child) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:"));
    line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Starts `mars-web` on a free loopback port; returns it and its address.
fn start_server() -> Result<(Child, SocketAddr), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe
        .parent()
        .and_then(|examples| examples.parent())
        .map(|dir| dir.join("mars-web"));
    let path = path.ok_or("no folder for mars-web")?;
    let mut server = Command::new(&path)
        .args(["--listen", "127.0.0.1:0", "-F", "4000"])
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "{}: {e} (build it: cargo build --release -p ch10-unchanged-code --bin mars-web)",
                path.display()
            )
        })?;
    let stderr = server.stderr.take().ok_or("no stderr")?;
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    let addr = addr
        .parse()
        .map_err(|_| format!("mars-web said {line:?}"))?;
    Ok((server, addr))
}

fn main() -> ExitCode {
    let viewers = match std::env::args().nth(1).map(|n| n.parse::<usize>()) {
        None => 1000,
        Some(Ok(n)) if n >= 2 => n,
        _ => {
            eprintln!("usage: viewers [N], N at least 2");
            return ExitCode::FAILURE;
        }
    };
    let (mut server, addr) = match start_server() {
        Ok(started) => started,
        Err(e) => {
            eprintln!("viewers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let measured = measure(viewers, addr, &server);
    let _ = server.kill();
    let _ = server.wait();
    match measured {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("viewers: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Connects `viewers` viewers, a tasklet each, and prints the figures.
fn measure(viewers: usize, addr: SocketAddr, server: &Child) -> Result<(), String> {
    let spawn_viewer = |seen: Rc<Seen>| {
        Builder::new()
            .spawn(move || {
                if let Err(e) = view(addr, &seen) {
                    eprintln!("viewers: a viewer failed: {e}");
                }
            })
            .map(drop)
            .map_err(|e| e.to_string())
    };
    let all: Vec<Rc<Seen>> = (0..viewers).map(|_| Rc::default()).collect();
    // One viewer first: the server's memory with one is the baseline.
    spawn_viewer(Rc::clone(&all[0]))?;
    while all[0].frames.get() < 5 {
        sleep(Duration::from_millis(50)).map_err(|e| e.to_string())?;
    }
    let one = resident_kib(server);
    for seen in &all[1..] {
        spawn_viewer(Rc::clone(seen))?;
    }
    while all.iter().any(|seen| seen.frames.get() < 5) {
        sleep(Duration::from_millis(50)).map_err(|e| e.to_string())?;
    }
    let held = resident_kib(server);
    let before: Vec<u64> = all.iter().map(|seen| seen.frames.get()).collect();
    sleep(MEASURE).map_err(|e| e.to_string())?;
    let frames: Vec<u64> = (all.iter().zip(&before))
        .map(|(seen, was)| seen.frames.get() - was)
        .collect();
    let later = resident_kib(server);
    let per_viewer = (held.saturating_sub(one)) as f64 * 1024.0 / (viewers - 1) as f64;
    let rate = |f: u64| f as f64 / MEASURE.as_secs_f64();
    let (least, most) = (frames.iter().min().copied(), frames.iter().max().copied());
    let skipped: u64 = all.iter().map(|seen| seen.dropped.get()).sum();
    println!("viewers held at once:       {viewers}");
    println!("server memory, 1 viewer:    {:.1} MiB", one as f64 / 1024.0);
    println!(
        "server memory, {viewers} viewers: {:.1} MiB",
        held as f64 / 1024.0
    );
    println!("memory per viewer:          {:.1} kB", per_viewer / 1000.0);
    println!(
        "server memory, 5 s later:   {:.1} MiB",
        later as f64 / 1024.0
    );
    println!(
        "frames a second per viewer: {:.1} to {:.1} (the battle sends 25)",
        rate(least.unwrap_or(0)),
        rate(most.unwrap_or(0))
    );
    println!("frames skipped, all viewers: {skipped}");
    Ok(())
}
