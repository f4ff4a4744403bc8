//! The talk's first example: two tasklets, each says hello, yields, and
//! says goodbye. The scheduler is round-robin, so the hellos come first.

use ch02_scheduler::{run, schedule, spawn};

// ANCHOR: main
fn main() {
    for name in ["A", "B"] {
        spawn(move || {
            println!("Hello {name}");
            schedule();
            println!("Goodbye {name}");
        });
    }
    run().expect("run() is called from the main tasklet");
}
// ANCHOR_END: main
