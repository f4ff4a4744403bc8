//! A pool dropped at awkward moments: while its owner unwinds, and at
//! thread exit with a job still running.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, panic_any};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use ch02_scheduler::{Error, run, spawn};
use ch03_channels::{Channel, ChannelError};
use ch05_boss_worker::Pool;

#[test]
fn a_pool_dropped_while_its_owner_unwinds_leaves_no_worker_blocked() {
    let pool = Rc::new(Pool::new(2, |n: u64| n * 2));
    let p = Rc::clone(&pool);
    // Two jobs, no report collected: both workers block on their reports.
    spawn(move || {
        for job in 0..2 {
            p.submit(job).unwrap();
        }
    });
    run().unwrap();
    let unwound = catch_unwind(AssertUnwindSafe(move || {
        let _owner = pool; // dropped while main unwinds
        spawn(|| panic_any("another tasklet fails"));
        run().unwrap();
    }));
    assert!(unwound.is_err());
    // Main waits on a channel nobody uses: the deadlock report lists every
    // tasklet still blocked, and none of the pool's is.
    let nobody: Channel<u8> = Channel::new();
    match nobody.receive() {
        Err(ChannelError::Deadlock(deadlock)) => {
            assert_eq!(deadlock.blocked.len(), 1, "{deadlock}");
            assert!(deadlock.blocked[0].tasklet.id.0 == 0, "{deadlock}");
        }
        other => panic!("expected a deadlock, got {other:?}"),
    }
}

#[test]
fn at_thread_exit_a_running_job_is_killed_not_reported_as_failed() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = Arc::clone(&log);
    std::thread::spawn(move || {
        let gate: Channel<u8> = Channel::new();
        let calls = Rc::new(Cell::new(0));
        let c = Rc::clone(&calls);
        let pool = Rc::new(Pool::new(1, move |gate: Channel<u8>| {
            c.set(c.get() + 1);
            gate.receive().map_err(|e| e.to_string())
        }));
        let p = Rc::clone(&pool);
        spawn(move || {
            p.submit(gate.clone()).unwrap();
            // The worker is busy: this submitter waits until the thread ends.
            let _ = p.submit(gate);
        });
        run().unwrap();
        // Held by nobody who could drop it: the thread exits with the job
        // blocked, and rule 18 kills its worker.
        std::mem::forget(pool);
        struct Count(Rc<Cell<u32>>, Arc<Mutex<Vec<String>>>);
        impl Drop for Count {
            fn drop(&mut self) {
                self.1
                    .lock()
                    .unwrap()
                    .push(format!("calls: {}", self.0.get()));
            }
        }
        let count = Count(calls, l);
        spawn(move || {
            let _count = count;
            let _: Result<(), Error> =
                ch02_scheduler::park(ch02_scheduler::WaitOn::new("the end of the thread"), |_| {})
                    .map(|_| ());
        });
        run().unwrap();
    })
    .join()
    .expect("the thread exits cleanly");
    assert_eq!(*log.lock().unwrap(), ["calls: 1"]);
}
