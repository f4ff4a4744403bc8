//! Dropping a suspended tasklet unwinds its stack, so its locals are
//! dropped, and gives the stack back to the pool.

use ch01_tasklets::{StackPool, Tasklet};

struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("  [tasklet] dropping {}", self.0);
    }
}

// ANCHOR: main
fn main() {
    let pool = StackPool::new(64 * 1024);
    let mut t = Tasklet::<(), ()>::new(&pool, |yielder, ()| {
        let _outer = Noisy("the outer local");
        {
            let _inner = Noisy("the inner local");
            yielder.suspend(());
            unreachable!("nobody resumes it again");
        }
    })
    .unwrap();

    t.resume(());
    println!("suspended: {:?}, pool {:?}", t.state(), pool.stats());
    drop(t);
    println!("dropped: pool {:?}", pool.stats());
}
// ANCHOR_END: main
