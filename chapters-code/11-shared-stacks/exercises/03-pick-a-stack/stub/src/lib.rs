//! Chapter 11, exercise 3: a stack for each workload.

use std::rc::Rc;

use ch02_scheduler::{Error, Tasklet};
use ch11_shared_stacks::shared_region::SharedRegion;

/// What a tasklet will do with its stack.
#[derive(Clone, Copy, Debug)]
pub struct Workload {
    /// The most stack it will use, in bytes.
    pub deepest: usize,
    /// The most bytes it keeps alive on its stack across a switch.
    pub kept_across_switches: usize,
}

/// Spawns `f` on `region` when `workload` suits a shared stack (see
/// README.md), on a stack of its own of `workload.deepest` bytes otherwise.
///
/// # Errors
///
/// As [`ch02_scheduler::Builder::spawn`].
///
/// # Safety
///
/// `f` lends nothing of its stack across a switch: no scoped thread
/// borrowing one of its locals, nothing reads or writes through a pointer into it while it is switched away (see
/// `Builder::spawn_on`).
pub unsafe fn spawn_for(
    region: &Rc<SharedRegion>,
    workload: Workload,
    f: impl FnOnce() + 'static,
) -> Result<Tasklet, Error> {
    let _ = (region, workload, f);
    todo!("pick a stack for the workload: see README.md")
}
