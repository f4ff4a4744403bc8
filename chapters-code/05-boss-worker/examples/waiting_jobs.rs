//! Jobs that mostly wait: JOBS jobs that each sleep MS milliseconds, on as
//! many worker tasklets (or WORKERS of them), or on a thread each. Prints
//! the wall time and the process's peak resident memory.
//!
//! `cargo run --release -p ch05-boss-worker --example waiting_jobs -- tasklets 10000 10`
//! `cargo run --release -p ch05-boss-worker --example waiting_jobs -- tasklets 10000 0 100`
//! `cargo run --release -p ch05-boss-worker --example waiting_jobs -- threads 1000 10`

use std::process::ExitCode;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ch02_scheduler::spawn;
use ch04_lifecycle::sleep;
use ch05_boss_worker::Pool;

/// Threads are capped: the machine-wide limit on tasks (`kernel.pid_max`,
/// 32,768 here) is shared with every other process.
const MAX_THREADS: usize = 10_000;

// ANCHOR: tasklets
/// Runs two batches of `jobs` jobs on one pool: the first warms it (its
/// workers, their stacks, the timers), as a server that has been running
/// is warm; the second is measured. Returns both times.
fn on_tasklets(jobs: usize, workers: usize, wait: Duration) -> (Duration, Duration) {
    let pool = Rc::new(Pool::new(workers, move |()| sleep(wait).unwrap()));
    let warm_up = batch(&pool, jobs);
    let measured = batch(&pool, jobs);
    (warm_up, measured)
}

/// Submits `jobs` jobs from a tasklet of their own, and waits for every
/// report: the time until the last job has finished.
fn batch(pool: &Rc<Pool<(), ()>>, jobs: usize) -> Duration {
    let start = Instant::now();
    let submitter = Rc::clone(pool);
    spawn(move || {
        for _ in 0..jobs {
            submitter.submit(()).expect("the pool stays open");
        }
    });
    for _ in 0..jobs {
        let report = pool.next_report().expect("no deadlock");
        assert!(report.is_some(), "the pool stays open");
    }
    start.elapsed()
}
// ANCHOR_END: tasklets

fn on_threads(jobs: usize, wait: Duration) -> std::io::Result<Duration> {
    let start = Instant::now();
    let threads: Vec<_> = (0..jobs)
        .map(|_| std::thread::Builder::new().spawn(move || std::thread::sleep(wait)))
        .collect::<std::io::Result<_>>()?;
    for thread in threads {
        thread.join().expect("a sleeping thread does not panic");
    }
    Ok(start.elapsed())
}

/// The process's peak resident memory, from `/proc/self/status`.
fn peak_resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |s: &String| s.parse::<usize>().ok().filter(|&n| n > 0);
    let parsed = match args.as_slice() {
        [kind, jobs, ms, rest @ ..] if rest.len() <= 1 => {
            match (number(jobs), ms.parse::<u64>(), rest.first().map(number)) {
                (Some(jobs), Ok(ms), None) => Some((kind.as_str(), jobs, jobs, ms)),
                (Some(jobs), Ok(ms), Some(Some(workers))) => {
                    Some((kind.as_str(), jobs, workers, ms))
                }
                _ => None,
            }
        }
        _ => None,
    };
    let Some((kind, jobs, workers, ms_per_job)) = parsed else {
        eprintln!(
            "usage: waiting_jobs tasklets|threads JOBS MS [WORKERS]   (JOBS, WORKERS at least 1)"
        );
        return ExitCode::FAILURE;
    };
    let wait = Duration::from_millis(ms_per_job);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (elapsed, first) = match kind {
        "tasklets" => {
            let (warm_up, measured) = on_tasklets(jobs, workers, wait);
            let first = format!(" (a first batch, warming the pool: {:.1} ms)", ms(warm_up));
            (measured, first)
        }
        "threads" if workers != jobs => {
            eprintln!("threads run one job each: leave WORKERS out");
            return ExitCode::FAILURE;
        }
        "threads" if jobs > MAX_THREADS => {
            eprintln!(
                "at most {MAX_THREADS} threads: the machine's task limit is shared with every process"
            );
            return ExitCode::FAILURE;
        }
        "threads" => match on_threads(jobs, wait) {
            Ok(elapsed) => (elapsed, String::new()),
            Err(e) => {
                eprintln!("could not start a thread: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => {
            eprintln!("the kind is `tasklets` or `threads`, not `{kind}`");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{jobs} jobs of {ms_per_job} ms on {workers} {kind}: {:.1} ms wall time{first}, peak resident memory {:.1} MiB",
        ms(elapsed),
        peak_resident_mib()
    );
    ExitCode::SUCCESS
}
