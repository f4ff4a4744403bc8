//! A tasklet that panics ends; its panic is re-raised in the main tasklet,
//! from `run()`, and the other tasklets stay queued (rule 6).

use ch02_scheduler::{Builder, catch_tasklet_panic, run, schedule, spawn};

// ANCHOR: main
fn main() {
    // The default hook prints the thread's name and a backtrace hint; this
    // example prints the panic itself, once it reaches main.
    std::panic::set_hook(Box::new(|_| {}));

    spawn(|| {
        println!("steady: step 1");
        schedule();
        println!("steady: step 2");
    });
    Builder::new()
        .name("faulty")
        .spawn(|| panic!("out of coffee"))
        .unwrap();

    // A plain `catch_unwind` would get the payload itself, here a string;
    // this also says which tasklet panicked.
    let panic = catch_tasklet_panic(run).unwrap_err();
    println!("main caught: {panic}");

    println!("main runs the rest:");
    run().unwrap();
}
// ANCHOR_END: main
