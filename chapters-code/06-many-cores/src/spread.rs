//! The boss and its workers over every core: a pool of worker tasklets on
//! each of several threads, the boss on the calling thread, jobs and
//! reports on channels between threads; and, before it, the smallest
//! version, [`render_split`], a chapter 5 pool on each thread with nothing
//! crossing between them.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ch01_tasklets::panic_message;
use ch02_scheduler::{Builder, TaskletExit, catch_tasklet_panic, run, spawn};
use ch05_boss_worker::mandelbrot::{Picture, Size, row};
use ch05_boss_worker::{JobId, Outcome, Pool, Report};

use crate::world::spawn_thread;
use crate::xchannel::{XChannel, XError};

/// The smallest version: each of `threads` threads renders every
/// `threads`-th row of chapter 5's picture on a pool of its own, with
/// `workers` worker tasklets. No tasklet and no channel crosses a thread.
///
/// # Errors
///
/// A row whose job failed, or a pool that could not wait.
// ANCHOR: render_split
pub fn render_split(threads: u32, workers: usize, size: Size) -> Result<Picture, SpreadError> {
    let threads = threads.max(1);
    let width = size.width as usize;
    let mut pixels = vec![0; width * size.height as usize];
    std::thread::scope(|scope| {
        let shares: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let pool = Rc::new(Pool::new(workers, move |y: u32| (y, row(y, size))));
                    let rows = (t..size.height).step_by(threads as usize);
                    pool.map(rows)
                        .map_err(|e| SpreadError::Scheduler(e.to_string()))
                })
            })
            .collect();
        for (t, share) in (0..threads).zip(shares) {
            let reports = share
                .join()
                .map_err(|p| SpreadError::Panicked(panic_message(&*p).into()))?;
            for Report { job, outcome } in reports? {
                match outcome {
                    Outcome::Done((y, row)) => {
                        let y = y as usize;
                        pixels[y * width..(y + 1) * width].copy_from_slice(&row);
                    }
                    // Thread t's job k was row t + k * threads.
                    Outcome::Failed(message) => {
                        let y = u64::from(t) + job * u64::from(threads);
                        return Err(SpreadError::Job(y, message));
                    }
                }
            }
        }
        Ok(Picture { size, pixels })
    })
}
// ANCHOR_END: render_split

/// What every worker, on any thread, shares with the boss.
struct Crew<J, R, W> {
    jobs: XChannel<(JobId, J)>,
    reports: XChannel<Report<R>>,
    work: Arc<W>,
    /// Workers still running: the last one out closes the reports.
    running: Arc<AtomicUsize>,
}

impl<J, R, W> Clone for Crew<J, R, W> {
    fn clone(&self) -> Self {
        Crew {
            jobs: self.jobs.clone(),
            reports: self.reports.clone(),
            work: Arc::clone(&self.work),
            running: Arc::clone(&self.running),
        }
    }
}

// ANCHOR: worker
/// Spawns a worker tasklet on this thread: it does jobs until the job
/// channel is closed. A job that panics is reported as failed, and the
/// worker goes on with the next one.
fn spawn_worker<J, R, W>(crew: Crew<J, R, W>)
where
    J: Send + 'static,
    R: Send + 'static,
    W: Fn(J) -> R + Send + Sync + 'static,
{
    spawn(move || {
        for (job, input) in crew.jobs.clone() {
            let outcome = match catch_unwind(AssertUnwindSafe(|| (crew.work)(input))) {
                Ok(result) => Outcome::Done(result),
                Err(payload) if payload.is::<TaskletExit>() => resume_unwind(payload),
                Err(payload) => Outcome::Failed(panic_message(&*payload).to_owned()),
            };
            if crew.reports.send(Report { job, outcome }).is_err() {
                break;
            }
        }
        // The last worker on any thread closes the reports.
        if crew.running.fetch_sub(1, Ordering::AcqRel) == 1 {
            crew.reports.close();
        }
    });
}
// ANCHOR_END: worker

/// Runs every job of `jobs` on `threads` threads with `workers` worker
/// tasklets each, and returns the reports in the order they came in.
///
/// The boss runs on the calling thread: one of its tasklets submits, and
/// the caller collects. A job that panics is reported as failed; its worker
/// goes on with the next job.
///
/// # Errors
///
/// A thread could not be started, or one of the threads panicked (a
/// tasklet's panic is re-raised from that thread's `run`, and reported here
/// with the thread's message).
// ANCHOR: spread
pub fn map_on_threads<J, R>(
    threads: usize,
    workers: usize,
    work: impl Fn(J) -> R + Send + Sync + 'static,
    jobs: impl IntoIterator<Item = J> + 'static,
) -> Result<Vec<Report<R>>, SpreadError>
where
    J: Send + 'static,
    R: Send + 'static,
{
    let crew = Crew {
        jobs: XChannel::new(),
        reports: XChannel::new(),
        work: Arc::new(work),
        running: Arc::new(AtomicUsize::new(threads * workers)),
    };
    let mut handles = Vec::with_capacity(threads);
    for _ in 0..threads {
        let shared = crew.clone();
        let started = spawn_thread(move || {
            (0..workers).for_each(|_| spawn_worker(shared.clone()));
            // A tasklet's panic, with the tasklet's name, for the boss.
            catch_tasklet_panic(run)
        });
        match started {
            Ok(handle) => handles.push(handle),
            Err(e) => {
                // Let the threads already started finish, then say why.
                crew.jobs.close();
                handles.into_iter().for_each(|h| drop(h.join()));
                return Err(SpreadError::Thread(e));
            }
        }
    }
    // ANCHOR_END: spread
    // ANCHOR: spread_boss
    let submit = crew.jobs.clone();
    Builder::new()
        .name("boss: submit")
        .spawn(move || {
            for (job, input) in (0..).zip(jobs) {
                if submit.send((job, input)).is_err() {
                    break;
                }
            }
            submit.close();
        })
        .map_err(|e| SpreadError::Scheduler(e.to_string()))?;
    let mut reports = Vec::new();
    let outcome = loop {
        match crew.reports.receive() {
            Ok(report) => reports.push(report),
            Err(XError::Closed(_)) => break Ok(()),
            Err(e) => break Err(SpreadError::Scheduler(e.to_string())),
        }
    };
    crew.jobs.close();
    for handle in handles {
        match handle.join() {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => return Err(SpreadError::Scheduler(e.to_string())),
            Ok(Err(panic)) => return Err(SpreadError::Panicked(panic.to_string())),
            Err(payload) => return Err(SpreadError::Panicked(panic_message(&*payload).into())),
        }
    }
    outcome.map(|()| reports)
}
// ANCHOR_END: spread_boss

/// Why work spread over threads did not finish.
#[derive(Debug)]
pub enum SpreadError {
    /// A thread could not be started.
    Thread(std::io::Error),
    /// A thread panicked, with this message.
    Panicked(String),
    /// A scheduler or channel error, as text: the boss could not wait.
    Scheduler(String),
    /// A job failed: its row, and the panic's message.
    Job(JobId, String),
}

impl std::fmt::Display for SpreadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpreadError::Thread(e) => write!(f, "could not start a thread: {e}"),
            SpreadError::Panicked(message) => write!(f, "a thread panicked: {message}"),
            SpreadError::Scheduler(message) => write!(f, "the boss could not wait: {message}"),
            SpreadError::Job(job, message) => write!(f, "job {job} failed: {message}"),
        }
    }
}

impl std::error::Error for SpreadError {}

// ANCHOR: render
/// Chapter 5's Mandelbrot picture, one row per job, on `threads` threads
/// with `workers` worker tasklets each.
///
/// # Errors
///
/// As for [`map_on_threads`], and a row whose job failed.
pub fn render_on_threads(
    threads: usize,
    workers: usize,
    size: Size,
) -> Result<Picture, SpreadError> {
    let reports = map_on_threads(threads, workers, move |y: u32| row(y, size), 0..size.height)?;
    let width = size.width as usize;
    let mut pixels = vec![0; width * size.height as usize];
    for Report { job, outcome } in reports {
        let y = job as usize;
        match outcome {
            Outcome::Done(row) => pixels[y * width..(y + 1) * width].copy_from_slice(&row),
            Outcome::Failed(message) => return Err(SpreadError::Job(job, message)),
        }
    }
    Ok(Picture { size, pixels })
}
// ANCHOR_END: render
