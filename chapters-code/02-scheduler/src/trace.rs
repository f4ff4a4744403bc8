//! An opt-in record of what the scheduler did: who ran, who parked on what,
//! who woke whom. The book's sequence diagrams are drawn from such records
//! of real runs, by [`to_mermaid`], and tests check them.
//!
//! ```
//! use ch02_scheduler::trace::{self, Event};
//! use ch02_scheduler::{run, spawn};
//!
//! trace::start();
//! let t = spawn(|| {});
//! run().unwrap();
//! assert_eq!(trace::stop(), [Event::Run(t.id()), Event::Exit(t.id())]);
//! ```

use std::fmt::Write;

use ch01_tasklets::TaskletId;

use crate::park::WaitOn;
use crate::scheduler::with_core;

/// One thing the scheduler did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The dispatcher switched to this tasklet (main's turns included).
    Run(TaskletId),
    /// The tasklet parked, waiting on this.
    Park(TaskletId, WaitOn),
    /// `waker` made `woken` runnable again.
    Unpark {
        /// The tasklet that called `unpark`.
        waker: TaskletId,
        /// The tasklet it woke.
        woken: TaskletId,
    },
    /// The tasklet's function returned or panicked.
    Exit(TaskletId),
}

/// Starts recording this thread's scheduler events (dropping any earlier
/// record). Recording costs a branch per event while it is off.
pub fn start() {
    with_core(|core| core.trace = Some(Vec::new()));
    // The dispatcher records each resume on its out-of-line path.
    crate::scheduler::attention_now();
}

/// Stops recording and returns what was recorded (nothing if recording was
/// not on).
pub fn stop() -> Vec<Event> {
    with_core(|core| core.trace.take()).unwrap_or_default()
}

/// Draws `events` as a mermaid sequence diagram, naming each tasklet with
/// `name`. Participants appear in the order they first occur.
pub fn to_mermaid(events: &[Event], name: impl Fn(TaskletId) -> String) -> String {
    let mut order: Vec<TaskletId> = Vec::new();
    let mut note = |id: TaskletId| {
        if !order.contains(&id) {
            order.push(id);
        }
    };
    for event in events {
        match event {
            Event::Run(id) | Event::Park(id, _) | Event::Exit(id) => note(*id),
            Event::Unpark { waker, woken } => {
                note(*waker);
                note(*woken);
            }
        }
    }
    let mut out = String::from("sequenceDiagram\n");
    for id in &order {
        let _ = writeln!(out, "    participant T{} as {}", id.0, name(*id));
    }
    let mut running: Option<TaskletId> = None;
    for event in events {
        let _ = match event {
            Event::Run(id) => {
                let line = match running {
                    Some(from) if from != *id => {
                        writeln!(out, "    T{}-->>T{}: switch", from.0, id.0)
                    }
                    _ => writeln!(out, "    Note over T{}: runs", id.0),
                };
                running = Some(*id);
                line
            }
            Event::Park(id, on) => writeln!(out, "    Note over T{}: waits: {on}", id.0),
            Event::Unpark { waker, woken } => {
                writeln!(out, "    T{}->>T{}: wakes", waker.0, woken.0)
            }
            Event::Exit(id) => writeln!(out, "    Note over T{}: ends", id.0),
        };
    }
    out
}
