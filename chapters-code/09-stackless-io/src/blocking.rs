//! What epoll cannot wait for: files and name resolution.
//!
//! A regular file is always "ready" to epoll, and `getaddrinfo` has no
//! non-blocking form. So these calls run on a small pool of helper
//! threads, while the tasklet that asked parks; the helper wakes it
//! through chapter 6's [`RemoteUnparker`], which rings the hub's waker.
//! The pool's threads are chapter 6 members while they live, and leave
//! when they find no work, so that an idle program holds none.

use std::collections::VecDeque;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use ch02_scheduler::{WaitOn, Wake, park};
use ch06_many_cores::RemoteUnparker;

/// How many helper threads run blocking calls at most.
pub const POOL_THREADS: usize = 4;

type Job = Box<dyn FnOnce() + Send>;

/// The jobs waiting for a helper, and how many helpers there are.
#[derive(Default)]
struct Pool {
    jobs: VecDeque<Job>,
    threads: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    jobs: VecDeque::new(),
    threads: 0,
});

fn pool() -> std::sync::MutexGuard<'static, Pool> {
    // Jobs run outside the lock: a poisoned pool is still consistent.
    POOL.lock().unwrap_or_else(PoisonError::into_inner)
}

// ANCHOR: unblock
/// Runs `job` on a helper thread and parks this tasklet until it is done;
/// returns what it returned. A panic in `job` is raised here.
///
/// # Errors
///
/// When this tasklet cannot park (it is unwinding), or no helper thread
/// could be started; the job has not run then.
pub fn unblock<T, F>(job: F) -> io::Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = Arc::new(Mutex::new(None));
    let filled = Arc::clone(&slot);
    let mut submitted = Ok(());
    park(
        WaitOn::new("blocking call on a helper thread"),
        |unparker| {
            let remote = RemoteUnparker::new(unparker);
            let on_failure = remote.clone();
            submitted = submit(Box::new(move || {
                let outcome = catch_unwind(AssertUnwindSafe(job));
                *filled.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
                remote.unpark(Wake(0));
            }));
            if submitted.is_err() {
                on_failure.unpark(Wake(0));
            }
        },
    )
    .map_err(io::Error::other)?;
    submitted?;
    let outcome = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    match outcome.expect("woken only once the job is done") {
        Ok(value) => Ok(value),
        Err(panic) => resume_unwind(panic),
    }
}
// ANCHOR_END: unblock

/// Queues `job`, starting a helper if fewer than [`POOL_THREADS`] run.
fn submit(job: Job) -> io::Result<()> {
    let mut queue = pool();
    queue.jobs.push_back(job);
    if queue.threads == POOL_THREADS {
        return Ok(());
    }
    queue.threads += 1;
    drop(queue);
    let started = ch06_many_cores::spawn_thread(help);
    if let Err(e) = started {
        let mut queue = pool();
        queue.threads -= 1;
        queue.jobs.pop_back();
        return Err(io::Error::new(
            e.kind(),
            format!("no helper thread could be started for a blocking call: {e}"),
        ));
    }
    Ok(())
}

/// A helper's life: run jobs until none is left, then leave.
fn help() {
    loop {
        let job = {
            let mut queue = pool();
            match queue.jobs.pop_front() {
                Some(job) => job,
                None => {
                    queue.threads -= 1;
                    return;
                }
            }
        };
        job();
    }
}

/// Reads a whole file into a string, parking only this tasklet.
///
/// # Errors
///
/// As for [`std::fs::read_to_string`].
pub fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    unblock(move || std::fs::read_to_string(path))?
}

/// Writes a whole file, parking only this tasklet.
///
/// # Errors
///
/// As for [`std::fs::write`].
pub fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_vec();
    unblock(move || std::fs::write(path, contents))?
}

/// Resolves `host` (`"name:port"`) to socket addresses, parking only this
/// tasklet while the system's resolver works.
///
/// # Errors
///
/// As for [`ToSocketAddrs::to_socket_addrs`]: the name is unknown, or has
/// no port.
pub fn lookup_host(host: &str) -> io::Result<Vec<SocketAddr>> {
    let host = host.to_owned();
    unblock(move || host.to_socket_addrs().map(Iterator::collect))?
}

/// How many helper threads are alive now.
pub fn helper_threads() -> usize {
    pool().threads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_leaves_when_no_job_is_left() {
        let answer = unblock(|| 6 * 7).unwrap();
        assert_eq!(answer, 42);
        // The helper may still be on its way out; it leaves by itself.
        while helper_threads() > 0 {
            std::thread::yield_now();
        }
    }
}
