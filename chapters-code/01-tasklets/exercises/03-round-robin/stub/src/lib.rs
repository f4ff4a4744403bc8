//! Chapter 1, exercise 3: a round-robin loop over manually driven tasklets.
//!
//! Implement [`round_robin`], the heart of a scheduler, without any
//! thread-local: a queue of tasklets, each resumed in turn. The task is in
//! this exercise's `README.md`; check your work with
//! `cargo test -p ch01-ex-round-robin`.

use ch01_tasklets::Tasklet;

/// Runs `tasks` round-robin until every one has finished, and returns the
/// values they yielded, in the order they were yielded.
///
/// The tasklets wait in a queue, in the order given. The one at the front is
/// resumed; if it yields, its value is collected and it goes to the back of
/// the queue; if it finishes, it is dropped.
///
/// # Panics
///
/// If a tasklet panics, its panic goes on in the caller.
pub fn round_robin(tasks: Vec<Tasklet<(), &'static str>>) -> Vec<&'static str> {
    let _ = tasks;
    todo!("a VecDeque of tasklets, resumed from the front")
}
