//! What the network tests share: a deadline, so that a lost wake-up fails
//! a test instead of hanging it.

use std::sync::mpsc;
use std::time::Duration;

use ch09_stackless_io::net::{TcpListener, TcpStream};

/// Generous: a test here takes milliseconds, unless it is stuck.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Runs `test` on a thread of its own (with its own scheduler and hub) and
/// returns what it returns; fails if it takes longer than [`DEADLINE`].
pub fn within<T: Send + 'static>(test: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = mpsc::channel();
    let runner = std::thread::spawn(move || {
        let _ = done.send(test());
    });
    match finished.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The test panicked: show its panic.
            std::panic::resume_unwind(runner.join().expect_err("it sent nothing"))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the test did not finish within {DEADLINE:?}: a tasklet was never woken")
        }
    }
}

/// A connected pair on loopback: (the accepted end, the connecting end).
#[allow(dead_code)] // not every test binary asks
pub fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (server, client)
}
