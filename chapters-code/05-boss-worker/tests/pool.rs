//! The boss/worker pool: every job reported once, back-pressure, orderly
//! shutdown, crashes replaced, cancellation that leaks nothing.

use std::cell::{Cell, RefCell};
use std::panic::panic_any;
use std::rc::Rc;

use ch02_scheduler::{Builder, run, spawn};
use ch03_channels::Channel;
use ch05_boss_worker::{Outcome, Pool, PoolError, Report};

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

/// Panics without the panic hook's message on stderr.
fn fail(message: &'static str) -> ! {
    panic_any(message)
}

#[test]
fn map_on_a_closed_pool_says_so() {
    let pool = Rc::new(Pool::new(2, |n: u32| n));
    pool.close();
    assert!(matches!(pool.map(0..3), Err(PoolError::Closed)));
}

#[test]
fn every_job_is_reported_exactly_once() {
    let pool = Rc::new(Pool::new(4, |n: u32| n * 2));
    let reports = pool.map(0..100).unwrap();
    let mut jobs: Vec<_> = reports.iter().map(|r| r.job).collect();
    jobs.sort();
    assert_eq!(jobs, (0..100).collect::<Vec<_>>());
    for Report { job, outcome } in reports {
        assert_eq!(outcome, Outcome::Done(job as u32 * 2));
    }
}

#[test]
fn the_boss_waits_while_every_worker_is_busy() {
    let gate: Channel<()> = Channel::new();
    let g = gate.clone();
    let pool = Rc::new(Pool::new(2, move |()| g.receive().unwrap()));
    let log = Log::default();
    let (p, l) = (Rc::clone(&pool), Rc::clone(&log));
    Builder::new()
        .name("boss")
        .spawn(move || {
            for _ in 0..3 {
                let job = p.submit(()).unwrap();
                push(&l, format!("job {job} taken"));
            }
        })
        .unwrap();
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["job 0 taken", "job 1 taken"],
        "the third submit waits: both workers are busy"
    );
    // Let one worker finish; the boss must collect its report first.
    let (p, l) = (Rc::clone(&pool), Rc::clone(&log));
    spawn(move || {
        let report = p.next_report().unwrap().unwrap();
        push(&l, format!("report {}", report.job));
    });
    gate.send(()).unwrap();
    run().unwrap();
    assert_eq!(
        *log.borrow(),
        ["job 0 taken", "job 1 taken", "report 0", "job 2 taken"]
    );
    pool.cancel();
}

#[test]
fn closing_the_pool_ends_waiting_workers_cleanly() {
    let pool: Pool<u32, u32> = Pool::new(3, |n| n);
    run().unwrap(); // every worker waits for a job
    pool.close();
    run().unwrap();
    assert!(
        matches!(pool.next_report(), Ok(None)),
        "no report, and no deadlock"
    );
    assert!(matches!(pool.submit(1), Err(PoolError::Closed)));
}

#[test]
fn a_crashed_worker_is_replaced_and_no_other_job_is_lost() {
    let pool = Rc::new(Pool::new(2, |n: u32| {
        if n == 3 {
            fail("cannot do 3");
        }
        n
    }));
    let mut reports = pool.map(0..8).unwrap();
    reports.sort_by_key(|r| r.job);
    for report in &reports {
        let expected = match report.job {
            3 => Outcome::Failed("cannot do 3".to_owned()),
            job => Outcome::Done(job as u32),
        };
        assert_eq!(report.outcome, expected);
    }
    assert_eq!(reports.len(), 8);
    assert_eq!(pool.workers_started(), 3, "two, and one replacement");
}

/// Counts how many times it is dropped.
struct Token(Rc<Cell<usize>>);

impl Drop for Token {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn cancelling_kills_the_pool_leaks_nothing_and_is_not_a_crash() {
    let dropped = Rc::new(Cell::new(0));
    let gate: Channel<()> = Channel::new();
    let g = gate.clone();
    // Jobs carry a token; workers block on the gate holding theirs.
    let pool = Rc::new(Pool::new(3, move |token: Token| {
        let _ = g.receive();
        token
    }));
    let p = Rc::clone(&pool);
    let d = Rc::clone(&dropped);
    spawn(move || {
        for _ in 0..5 {
            if p.submit(Token(Rc::clone(&d))).is_err() {
                break;
            }
        }
    });
    run().unwrap();
    gate.send(()).unwrap(); // one worker finishes, and waits to report
    run().unwrap();
    let cancelled = pool.cancel();
    assert_eq!(cancelled.unfinished, [0, 1, 2, 3], "job 4 was never taken");
    assert_eq!(cancelled.finished, 0, "no report reached the boss");
    run().unwrap();
    assert_eq!(
        dropped.get(),
        5,
        "every job's token, taken or not, dropped once"
    );
    assert_eq!(
        pool.workers_started(),
        3,
        "kills are not crashes: nobody was replaced"
    );
    assert!(matches!(pool.next_report(), Ok(None)));
}

#[test]
fn cancelling_says_what_finished_and_what_did_not() {
    let gate: Channel<()> = Channel::new();
    let g = gate.clone();
    let pool = Rc::new(Pool::new(2, move |n: u32| {
        if n >= 2 {
            let _ = g.receive(); // jobs 2 and up wait for the gate
        }
        n
    }));
    let p = Rc::clone(&pool);
    spawn(move || {
        for n in 0..4 {
            if p.submit(n).is_err() {
                break;
            }
        }
    });
    let first = pool.next_report().unwrap().unwrap();
    let second = pool.next_report().unwrap().unwrap();
    assert_eq!((first.job, second.job), (0, 1));
    run().unwrap(); // jobs 2 and 3 are taken, and wait
    let cancelled = pool.cancel();
    assert_eq!(cancelled.finished, 2);
    assert_eq!(cancelled.unfinished, [2, 3]);
}
