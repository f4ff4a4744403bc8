//! The naive hub, as Stackless users first wrote it: a tasklet that polls.
//!
//! `stacklesssocket.py` ran asyncore's poller from a tasklet of its own:
//! poll (in `select`, for up to 50 ms), then let the others run, then poll
//! again. Here that tasklet polls the hub without waiting, then sleeps for
//! a period on chapter 4's timers, so that other tasklets run meanwhile.
//! It works, with the same sockets; what it costs is the subject of the
//! chapter's first measurement: a reply waits for the next poll, and an
//! idle program wakes every period.

use std::time::Duration;

use ch02_scheduler::{Tasklet, spawn};
use ch04_lifecycle::time;

use crate::hub::{Driver, hub, make_hub};

// ANCHOR: naive
/// Makes this thread's hub a polled one, and spawns the tasklet that polls
/// it every `period` for as long as sockets are open. Call it before this
/// thread opens its first socket.
///
/// # Errors
///
/// When the thread's hub exists already: its driver is chosen for good.
pub fn start_polling(period: Duration) -> Result<Tasklet, &'static str> {
    if !make_hub(Driver::Tasklet) {
        return Err("this thread already has a hub: start polling before the first socket");
    }
    Ok(spawn(move || {
        let hub = hub();
        // From before the first socket until the last one closes.
        let mut seen = false;
        loop {
            hub.poll_events(Some(Duration::ZERO));
            let open = hub.stats().sources > 0;
            seen |= open;
            if (seen && !open) || time::sleep(period).is_err() {
                return;
            }
        }
    }))
}
// ANCHOR_END: naive
