//! Boss and workers over several threads: every job reported once, the
//! same picture as on one thread, failures reported, and an orderly end.

use std::panic::panic_any;

use ch05_boss_worker::mandelbrot::{Picture, Size, row};
use ch05_boss_worker::{Outcome, Report};
use ch06_many_cores::{map_on_threads, render_on_threads, render_split};

#[path = "support/limit.rs"]
mod limit;
use limit::within_limit;

#[test]
fn every_job_is_reported_once_whatever_thread_did_it() {
    let mut jobs: Vec<_> = within_limit(|| {
        map_on_threads(3, 4, |n: u64| n + 1, 0..500)
            .unwrap()
            .into_iter()
            .map(|Report { job, outcome }| (job, outcome))
            .collect()
    });
    jobs.sort_by_key(|(job, _)| *job);
    assert_eq!(jobs.len(), 500);
    for (job, outcome) in jobs {
        assert_eq!(outcome, Outcome::Done(job + 1));
    }
}

#[test]
fn the_picture_is_the_same_on_two_threads() {
    let size = Size {
        width: 80,
        height: 50,
    };
    let on_threads = within_limit(move || render_on_threads(2, 4, size).unwrap());
    let pixels = (0..size.height).flat_map(|y| row(y, size)).collect();
    assert_eq!(on_threads, Picture { size, pixels });
}

#[test]
fn the_split_picture_is_the_same_too() {
    let size = Size {
        width: 80,
        height: 50,
    };
    let pixels: Vec<u8> = (0..size.height).flat_map(|y| row(y, size)).collect();
    for threads in [1, 2, 3] {
        let split = within_limit(move || render_split(threads, 4, size).unwrap());
        assert_eq!(
            split,
            Picture {
                size,
                pixels: pixels.clone()
            },
            "{threads} threads"
        );
    }
}

#[test]
fn a_failing_job_is_reported_and_the_rest_are_done() {
    let mut reports = within_limit(|| {
        map_on_threads(
            2,
            2,
            |n: u32| {
                if n == 7 {
                    panic_any("seven");
                }
                n
            },
            0..20,
        )
        .unwrap()
    });
    reports.sort_by_key(|r| r.job);
    assert_eq!(reports[7].outcome, Outcome::Failed("seven".to_owned()));
    assert_eq!(
        reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Done(_)))
            .count(),
        19
    );
}

#[test]
fn no_jobs_end_every_thread_cleanly() {
    let reports = within_limit(|| map_on_threads(2, 3, |n: u8| n, Vec::new()).unwrap());
    assert!(reports.is_empty());
}
