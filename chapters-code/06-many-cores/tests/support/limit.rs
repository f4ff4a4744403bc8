//! Shared by chapter 6's tests and exercises (included by `#[path]`): a
//! test that waits on other threads runs under a time limit, so that a lost
//! wake-up fails it instead of hanging CI.

use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on a thread of its own and returns its result, failing the
/// test if it takes longer than a generous limit. The test's own thread,
/// which waits here outside any scheduler, must not become a member of
/// the world (it would count as able to move); `f`'s thread joins as soon
/// as it starts a member thread or uses a cross-thread channel.
pub fn within_limit<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(f());
    });
    result
        .recv_timeout(Duration::from_secs(60))
        .expect("the test did not finish in 60 s: a wake-up was lost, or a deadlock went unnoticed")
}
