//! Chapter 5, exercise 3: a supervisor with a restart limit.
//!
//! Implement [`supervise`]. The task is in this exercise's `README.md`;
//! check your work with `cargo test -p ch05-ex-restart-limit`.

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

/// Runs `body(attempt)` in a tasklet, restarting it after a panic, at most
/// `limit` times; returns how many restarts it took.
///
/// # Errors
///
/// [`GaveUp`] when the body panicked once more after `limit` restarts, or
/// was killed.
pub fn supervise(limit: usize, body: impl Fn(usize) + 'static) -> Result<usize, GaveUp> {
    let _ = (limit, body);
    todo!("spawn, catch the panic in the tasklet, report it over a channel, restart or give up")
}
