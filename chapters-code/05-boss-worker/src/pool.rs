//! A boss, a pool of worker tasklets, and a supervisor that replaces
//! workers that crash.
//!
//! The boss hands out jobs on one channel and collects reports on another.
//! Both channels are unbuffered, so a `submit` waits until a worker takes
//! the job: when every worker is busy, the boss waits too (back-pressure,
//! for free). Closing the job channel is the orderly shutdown; `cancel`
//! kills the pool.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;

use ch01_tasklets::panic_message;
use ch02_scheduler::{Builder, Error, Tasklet, TaskletExit};
use ch03_channels::{Channel, ChannelError};
use ch04_lifecycle::Kill;

/// A job's number, in the order the boss submitted them.
pub type JobId = u64;

/// What became of a job.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<R> {
    /// The worker finished it with this result.
    Done(R),
    /// The worker panicked on it, with this message; the supervisor has
    /// replaced the worker.
    Failed(String),
}

/// A job's report, as the boss receives it.
#[derive(Debug, PartialEq, Eq)]
pub struct Report<R> {
    /// Which job.
    pub job: JobId,
    /// What became of it.
    pub outcome: Outcome<R>,
}

/// What a cancelled pool had done.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cancelled {
    /// How many jobs' reports reached the boss.
    pub finished: usize,
    /// Jobs submitted whose report never reached the boss, in order.
    pub unfinished: Vec<JobId>,
}

/// Why the pool could not do what the boss asked.
#[derive(Debug)]
pub enum PoolError {
    /// The pool is closed (or cancelled): it takes no more jobs.
    Closed,
    /// The boss would wait forever, or cannot wait (see [`Error`]). A boss
    /// that submits from the main tasklet while nobody collects the reports
    /// ends here: submit from a tasklet of its own, as [`Pool::map`] does.
    Scheduler(Error),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Closed => write!(f, "the pool is closed and takes no more jobs"),
            PoolError::Scheduler(e) => write!(f, "the boss cannot wait: {e}"),
        }
    }
}

impl std::error::Error for PoolError {}

impl<T> From<ChannelError<T>> for PoolError {
    fn from(e: ChannelError<T>) -> PoolError {
        match e {
            ChannelError::Closed(_) | ChannelError::Exception(_) => PoolError::Closed,
            ChannelError::Deadlock(d) => PoolError::Scheduler(Error::Deadlock(d)),
            ChannelError::Scheduler(e) => PoolError::Scheduler(e),
        }
    }
}

// ANCHOR: crew
/// What the boss, the workers and the supervisor share.
struct Crew<J, R> {
    work: Box<dyn Fn(J) -> R>,
    jobs: Channel<(JobId, J)>,
    reports: Channel<Report<R>>,
    /// Worker numbers of workers that crashed, for the supervisor.
    crashes: Channel<usize>,
    /// The current worker in each place, replaced after a crash.
    workers: RefCell<Vec<Tasklet>>,
    /// Workers that have not exited; the last one out closes the reports.
    running: Cell<usize>,
    /// How many workers were started, replacements included.
    started: Cell<usize>,
}
// ANCHOR_END: crew

// ANCHOR: worker
/// Starts the worker in place `place`: it takes jobs until the job channel
/// is closed. A job that panics is reported as failed, and the worker ends,
/// asking the supervisor for a replacement: its state may be broken. A
/// kill is not a crash: the worker lets `TaskletExit` go on unwinding.
fn start_worker<J: 'static, R: 'static>(crew: &Rc<Crew<J, R>>, place: usize) -> Tasklet {
    let me = Rc::clone(crew);
    me.started.set(me.started.get() + 1);
    let worker = Builder::new()
        .name(format!("worker {place}"))
        .spawn(move || {
            while let Ok((job, input)) = me.jobs.receive() {
                let outcome = match catch_unwind(AssertUnwindSafe(|| (me.work)(input))) {
                    Ok(result) => Outcome::Done(result),
                    Err(payload) if payload.is::<TaskletExit>() => resume_unwind(payload),
                    Err(payload) => {
                        let failed = Outcome::Failed(panic_message(&*payload).to_owned());
                        let _ = me.reports.send(Report {
                            job,
                            outcome: failed,
                        });
                        let _ = me.crashes.send(place);
                        return;
                    }
                };
                if me.reports.send(Report { job, outcome }).is_err() {
                    break; // cancelled
                }
            }
            me.running.set(me.running.get() - 1);
            if me.running.get() == 0 {
                me.reports.close();
                me.crashes.close();
            }
        });
    worker.expect("a stack for a worker")
}
// ANCHOR_END: worker

// ANCHOR: supervisor
/// Starts the supervisor: it replaces every worker that crashes, in its
/// place, until the crew is shut down.
fn start_supervisor<J: 'static, R: 'static>(crew: &Rc<Crew<J, R>>) -> Tasklet {
    let crew = Rc::clone(crew);
    let supervisor = Builder::new().name("supervisor").spawn(move || {
        while let Ok(place) = crew.crashes.receive() {
            let replacement = start_worker(&crew, place);
            crew.workers.borrow_mut()[place] = replacement;
        }
    });
    supervisor.expect("a stack for the supervisor")
}
// ANCHOR_END: supervisor

/// A pool of worker tasklets that run `J -> R` jobs for a boss.
pub struct Pool<J, R> {
    crew: Rc<Crew<J, R>>,
    supervisor: Tasklet,
    next: Cell<JobId>,
    /// Jobs submitted whose report the boss has not received.
    unreported: RefCell<BTreeSet<JobId>>,
    /// How many reports the boss has received (a count, not a set: a pool
    /// may run for ever).
    reported: Cell<usize>,
}

impl<J: 'static, R: 'static> Pool<J, R> {
    /// A pool of `workers` tasklets running `work`, and their supervisor.
    ///
    /// # Panics
    ///
    /// If `workers` is 0: a pool needs at least one worker.
    pub fn new(workers: usize, work: impl Fn(J) -> R + 'static) -> Pool<J, R> {
        assert!(workers > 0, "a pool needs at least one worker");
        let crew = Rc::new(Crew {
            work: Box::new(work),
            jobs: Channel::new(),
            reports: Channel::new(),
            crashes: Channel::new(),
            workers: RefCell::new(Vec::with_capacity(workers)),
            running: Cell::new(workers),
            started: Cell::new(0),
        });
        for place in 0..workers {
            let worker = start_worker(&crew, place);
            crew.workers.borrow_mut().push(worker);
        }
        let supervisor = start_supervisor(&crew);
        Pool {
            crew,
            supervisor,
            next: Cell::new(0),
            unreported: RefCell::new(BTreeSet::new()),
            reported: Cell::new(0),
        }
    }

    // ANCHOR: boss
    /// Hands `job` to a worker, waiting until one takes it.
    ///
    /// # Errors
    ///
    /// [`PoolError::Closed`] once the pool is closed or cancelled;
    /// [`PoolError::Scheduler`] if the boss would wait forever.
    pub fn submit(&self, job: J) -> Result<JobId, PoolError> {
        let id = self.next.get();
        self.next.set(id + 1);
        self.unreported.borrow_mut().insert(id);
        self.crew.jobs.send((id, job)).map_err(|e| {
            self.unreported.borrow_mut().remove(&id);
            PoolError::from(e)
        })?;
        Ok(id)
    }

    /// The next report, in whatever order the jobs finish; `None` once the
    /// pool is closed and every report is in.
    ///
    /// # Errors
    ///
    /// [`PoolError::Scheduler`] if the boss would wait forever: jobs are
    /// still out, but nobody works on them.
    pub fn next_report(&self) -> Result<Option<Report<R>>, PoolError> {
        match self.crew.reports.receive() {
            Ok(report) => {
                self.unreported.borrow_mut().remove(&report.job);
                self.reported.set(self.reported.get() + 1);
                Ok(Some(report))
            }
            Err(ChannelError::Closed(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    // ANCHOR_END: boss

    /// Takes no more jobs: the workers finish the jobs they have, then
    /// exit, and once the last report is in, `next_report` returns `None`.
    pub fn close(&self) {
        self.crew.jobs.close();
    }

    // ANCHOR: map
    /// Runs every job of `jobs` and returns their reports, in the order
    /// they finished. A tasklet of its own submits the jobs and closes the
    /// pool, while the caller collects: the boss's two halves.
    ///
    /// # Errors
    ///
    /// [`PoolError::Closed`] if the pool is closed already; otherwise as
    /// for [`next_report`](Pool::next_report).
    pub fn map(
        self: &Rc<Self>,
        jobs: impl IntoIterator<Item = J> + 'static,
    ) -> Result<Vec<Report<R>>, PoolError> {
        if self.crew.jobs.is_closing() {
            return Err(PoolError::Closed);
        }
        let pool = Rc::clone(self);
        Builder::new()
            .name("boss: submit")
            .spawn(move || {
                for job in jobs {
                    if pool.submit(job).is_err() {
                        break;
                    }
                }
                pool.close();
            })
            .map_err(PoolError::Scheduler)?;
        let mut reports = Vec::new();
        while let Some(report) = self.next_report()? {
            reports.push(report);
        }
        Ok(reports)
    }
    // ANCHOR_END: map

    /// How many workers have been started, replacements included.
    pub fn workers_started(&self) -> usize {
        self.crew.started.get()
    }
}

impl<J, R> Pool<J, R> {
    // ANCHOR: cancel
    /// Kills the pool: the supervisor and every worker, wherever they are.
    /// Returns how many jobs finished (their report reached the boss: the
    /// boss has them) and which did not, in order.
    pub fn cancel(&self) -> Cancelled {
        self.crew.jobs.close(); // what `close` does
        end(&self.supervisor);
        let workers = self.crew.workers.borrow().clone();
        for worker in &workers {
            end(worker);
        }
        // Jobs that submitters still hold out are dropped, unfinished: no
        // worker will ever take them, and their submitters go on.
        while let Some(Ok(job)) = self.crew.jobs.try_receive() {
            drop(job);
        }
        self.crew.reports.close();
        Cancelled {
            finished: self.reported.get(),
            unfinished: std::mem::take(&mut *self.unreported.borrow_mut())
                .into_iter()
                .collect(),
        }
    }
    // ANCHOR_END: cancel
}

// ANCHOR: end
/// Kills `tasklet` now, or, where a switch cannot be made (the caller is
/// unwinding, or is the idle hook), as soon as its turn comes.
fn end(tasklet: &Tasklet) {
    if tasklet.kill().is_err() {
        let _ = tasklet.kill_pending();
    }
}
// ANCHOR_END: end

impl<J, R> Drop for Pool<J, R> {
    /// A pool dropped before it was closed and drained is cancelled, so
    /// that no worker (nor submitter) is left blocked.
    fn drop(&mut self) {
        self.cancel();
    }
}
