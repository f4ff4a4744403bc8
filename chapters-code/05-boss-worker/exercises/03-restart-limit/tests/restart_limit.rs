//! Chapter 5, exercise 3: `supervise` restarts a body that panics, up to
//! its limit, reports how many restarts it took or why it gave up, and
//! does not restart a body that was killed.

use std::cell::RefCell;
use std::panic::panic_any;
use std::rc::Rc;

use ch02_scheduler::{Tasklet, current, schedule, spawn};
use ch03_channels::Channel;
use ch05_ex_restart_limit::{GaveUp, supervise};

/// Panics with `message` as the payload (a `&'static str`, as `panic!`
/// with a literal gives).
fn fail(message: &'static str) -> ! {
    panic_any(message)
}

#[test]
fn a_body_that_returns_needs_no_restart() {
    assert_eq!(supervise(3, |_| {}), Ok(0));
}

#[test]
fn a_body_that_fails_twice_is_restarted_twice() {
    let outcome = supervise(3, |attempt| {
        if attempt < 2 {
            fail("not yet");
        }
    });
    assert_eq!(outcome, Ok(2));
}

#[test]
fn the_supervisor_gives_up_after_its_limit() {
    let outcome = supervise(2, |_| fail("always broken"));
    assert_eq!(
        outcome,
        Err(GaveUp {
            restarts: 2,
            message: "always broken".to_owned()
        })
    );
}

#[test]
fn a_kill_is_not_a_crash() {
    let outcome = supervise(5, |attempt| {
        if attempt == 1 {
            let _ = kill_self();
        }
        fail("first attempt fails");
    });
    assert_eq!(outcome, Err(GaveUp::killed(1)));
}

/// Kills the current tasklet (it unwinds with `TaskletExit`).
fn kill_self() -> Result<(), ch02_scheduler::Error> {
    current().raise(Box::new(ch02_scheduler::TaskletExit))
}

#[test]
fn a_message_made_with_format_is_kept_too() {
    // `panic!("{x}")` panics with a `String`, not a `&'static str`.
    let outcome = supervise(1, |attempt| panic_any(format!("attempt {attempt} failed")));
    assert_eq!(
        outcome,
        Err(GaveUp {
            restarts: 1,
            message: "attempt 1 failed".to_owned()
        })
    );
}

#[test]
fn a_body_killed_by_another_tasklet_is_not_restarted() {
    let victim: Rc<RefCell<Option<Tasklet>>> = Rc::default();
    let published = Rc::clone(&victim);
    spawn(move || {
        // Waits until the body has said who it is, then kills it.
        loop {
            let body = published.borrow_mut().take();
            if let Some(body) = body {
                body.raise(Box::new(ch02_scheduler::TaskletExit)).unwrap(); // a kill
                return;
            }
            schedule();
        }
    });
    let gate: Channel<()> = Channel::new();
    let outcome = supervise(5, move |_| {
        *victim.borrow_mut() = Some(current());
        let _ = gate.receive(); // nobody sends: only the kill ends this
        fail("woken without a kill");
    });
    assert_eq!(outcome, Err(GaveUp::killed(0)));
}
