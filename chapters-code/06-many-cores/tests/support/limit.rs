//! Shared by chapter 6's tests and exercises (included by `#[path]`): a
//! test that waits on other threads runs under a time limit, so that a lost
//! wake-up fails it instead of hanging CI.

use std::sync::mpsc;
use std::time::Duration;

use ch06_many_cores::spawn_thread;

/// Runs `f` on a member thread of its own and returns its result, failing
/// the test if it takes longer than a generous limit.
pub fn within_limit<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (done, result) = mpsc::channel();
    spawn_thread(move || {
        let _ = done.send(f());
    })
    .expect("a thread for the test");
    result
        .recv_timeout(Duration::from_secs(60))
        .expect("the test did not finish in 60 s: a wake-up was lost, or a deadlock went unnoticed")
}
