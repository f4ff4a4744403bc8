//! A boss, three workers and eight jobs, one of which crashes its worker.

use std::rc::Rc;

use ch05_boss_worker::Pool;

// ANCHOR: main
fn main() {
    // The pool reports a job's panic itself: keep the default panic
    // message off the output.
    std::panic::set_hook(Box::new(|_| {}));
    let pool = Rc::new(Pool::new(3, |n: u64| {
        if n == 5 {
            panic!("job 5 is cursed");
        }
        n * n
    }));
    for report in pool.map(0..8).unwrap() {
        println!("job {} -> {:?}", report.job, report.outcome);
    }
    println!("workers started: {}", pool.workers_started());
}
// ANCHOR_END: main
