//! The idea of a kill, on a bare corosensei coroutine: the value a resume
//! passes in says "unwind from where you wait", and the coroutine does,
//! its destructors running on its own stack. Chapter 4's `kill` is this,
//! with the order kept in the tasklet's record and the ring rearranged so
//! that the killer runs next.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use ch02_scheduler::TaskletExit;
use corosensei::{Coroutine, CoroutineResult, Yielder};

/// Says when it is dropped.
struct Finally(&'static str);

impl Drop for Finally {
    fn drop(&mut self) {
        println!("  {}: destructor runs", self.0);
    }
}

// ANCHOR: bare_kill
/// Waits where a tasklet would park; a resume with `true` means "die".
fn wait(yielder: &Yielder<bool, ()>) {
    if yielder.suspend(()) {
        resume_unwind(Box::new(TaskletExit));
    }
}

fn main() {
    let mut victim = Coroutine::new(|yielder: &Yielder<bool, ()>, _: bool| {
        let body = catch_unwind(AssertUnwindSafe(|| {
            let _finally = Finally("victim");
            println!("  victim: waiting");
            wait(yielder);
            println!("  victim: woken normally"); // never printed
        }));
        // The bottom of its stack: a kill ends here, a real panic goes on.
        if let Err(payload) = body
            && !payload.is::<TaskletExit>()
        {
            resume_unwind(payload);
        }
    });
    victim.resume(false); // it runs to its wait
    println!("main: kill");
    match victim.resume(true) {
        CoroutineResult::Return(()) => println!("main: the victim is dead"),
        CoroutineResult::Yield(()) => println!("main: the victim still waits"),
    }
}
// ANCHOR_END: bare_kill
