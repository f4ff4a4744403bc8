//! The stack pool: stacks are carved from large mappings, guarded, and
//! reused.

use ch01_tasklets::{StackPool, Tasklet};

// ANCHOR: main
fn main() {
    let pool = StackPool::new(256 * 1024);
    let first: Vec<_> = (0..3)
        .map(|i| Tasklet::<(), ()>::new(&pool, move |_, ()| println!("tasklet {i} ran")).unwrap())
        .collect();
    println!("three tasklets: {:?}", pool.stats());
    for mut t in first {
        t.resume(());
    }
    println!("all finished: {:?}", pool.stats());
    let _again = Tasklet::<(), ()>::new(&pool, |_, ()| {}).unwrap();
    println!("one more: {:?}", pool.stats());
}
// ANCHOR_END: main
