//! A function on its own stack: resume it with a value, and it suspends
//! with a value, as many times as it likes.

use ch01_tasklets::{StackPool, Step, Tasklet};

// ANCHOR: main
fn main() {
    let pool = StackPool::new(64 * 1024);
    let mut greeter = Tasklet::new(&pool, |yielder, first: &str| {
        println!("  [tasklet] started with {first:?}");
        let mut name = first;
        for round in 1..=3 {
            // Give control (and a value) back; get the next name on resume.
            name = yielder.suspend(format!("hello {name} (round {round})"));
            println!("  [tasklet] resumed with {name:?}");
        }
        println!("  [tasklet] done");
    })
    .unwrap();

    for name in ["Ada", "Grace", "Barbara", "Frances"] {
        println!("[main] resume with {name:?}");
        match greeter.resume(name) {
            Step::Yielded(greeting) => println!("[main] got {greeting:?}"),
            Step::Finished => println!("[main] the tasklet finished"),
            Step::Panicked(_) => unreachable!("this tasklet does not panic"),
        }
    }
}
// ANCHOR_END: main
