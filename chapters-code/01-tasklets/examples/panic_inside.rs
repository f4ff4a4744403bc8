//! A panic inside a tasklet unwinds the tasklet's own stack; `resume`
//! hands it back as a value, and the tasklet is dead.

use ch01_tasklets::{StackPool, Step, Tasklet, panic_message};

struct Noisy(&'static str);

impl Drop for Noisy {
    fn drop(&mut self) {
        println!("  [tasklet] dropping {}", self.0);
    }
}

// ANCHOR: main
fn main() {
    // The default hook would print the panic with a thread id and, where
    // RUST_BACKTRACE is set, a backtrace; this example prints it itself.
    std::panic::set_hook(Box::new(|_| {}));

    let pool = StackPool::new(64 * 1024);
    let mut t = Tasklet::<(), ()>::new(&pool, |yielder, ()| {
        let _local = Noisy("a local");
        yielder.suspend(());
        panic!("the tasklet gave up");
    })
    .unwrap()
    .named("fragile");

    println!("first resume: {:?}", t.resume(()));
    match t.resume(()) {
        Step::Panicked(payload) => {
            println!(
                "second resume: tasklet {t} panicked: {}",
                panic_message(&*payload)
            )
        }
        other => println!("second resume: {other:?}"),
    }
    println!("state: {:?}", t.state());
}
// ANCHOR_END: main
