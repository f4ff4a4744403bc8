//! Chapter 5, exercise 3: a supervisor with a restart limit (a plausible
//! wrong solution).
//!
//! The mistake: `catch_unwind` catches a kill's `TaskletExit` like any
//! panic, so a killed body counts as a crash and is restarted.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use ch02_scheduler::spawn;
use ch03_channels::Channel;

/// Why the supervisor stopped restarting.
#[derive(Debug, PartialEq, Eq)]
pub struct GaveUp {
    /// How many times the body was restarted.
    pub restarts: usize,
    /// The last panic's message, or `"killed"`.
    pub message: String,
}

impl GaveUp {
    /// The body was killed after `restarts` restarts.
    pub fn killed(restarts: usize) -> GaveUp {
        GaveUp {
            restarts,
            message: "killed".to_owned(),
        }
    }
}

/// How one attempt ended.
enum Ended {
    Returned,
    Panicked(String),
}

/// Runs `body(attempt)` in a tasklet, restarting it after a panic, at most
/// `limit` times; returns how many restarts it took.
///
/// # Errors
///
/// [`GaveUp`] when the body panicked once more after `limit` restarts, or
/// was killed.
pub fn supervise(limit: usize, body: impl Fn(usize) + 'static) -> Result<usize, GaveUp> {
    let body = Rc::new(body);
    let ended: Channel<Ended> = Channel::new();
    for attempt in 0.. {
        let (body, report) = (Rc::clone(&body), ended.clone());
        spawn(move || {
            let ended = match catch_unwind(AssertUnwindSafe(|| body(attempt))) {
                Ok(()) => Ended::Returned,
                Err(payload) => Ended::Panicked(panic_text(&*payload)),
            };
            let _ = report.send(ended);
        });
        match ended.receive() {
            Ok(Ended::Returned) => return Ok(attempt),
            Ok(Ended::Panicked(message)) if attempt == limit => {
                return Err(GaveUp {
                    restarts: attempt,
                    message,
                });
            }
            Ok(Ended::Panicked(_)) => continue,
            Err(_) => return Err(GaveUp::killed(attempt)),
        }
    }
    unreachable!("the loop returns")
}

/// The text of a panic payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic that is not a string".to_owned())
}
