//! Chapter 5, exercise 2: reports in the order of their jobs (a plausible
//! wrong solution).
//!
//! The mistake: every report is collected first and sorted, then sent. The
//! order is right, but the first outcome waits for the last job.

use std::collections::BTreeMap;
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch03_channels::Channel;
use ch05_boss_worker::{Outcome, Pool};

/// Runs `jobs` on `pool`; the returned channel carries their outcomes in
/// the order of the jobs, each as soon as all earlier ones are out, and is
/// closed after the last.
pub fn in_order<J: 'static, R: 'static>(pool: Rc<Pool<J, R>>, jobs: Vec<J>) -> Channel<Outcome<R>> {
    let output = Channel::new();
    let submitter = Rc::clone(&pool);
    spawn(move || {
        for job in jobs {
            if submitter.submit(job).is_err() {
                break;
            }
        }
        submitter.close();
    });
    let out = output.clone();
    spawn(move || {
        let mut all = BTreeMap::new();
        while let Ok(Some(report)) = pool.next_report() {
            all.insert(report.job, report.outcome);
        }
        for outcome in all.into_values() {
            if out.send(outcome).is_err() {
                return;
            }
        }
        out.close();
    });
    output
}
