//! The main tasklet waits on something nobody will ever provide: instead of
//! hanging, it gets an error that lists every blocked tasklet (rule 7).

use ch02_scheduler::{Builder, WaitOn, park};

// ANCHOR: main
fn main() {
    Builder::new()
        .name("waiter")
        .spawn(|| {
            let _ = park(WaitOn::object("an event", 7), |_unparker| {
                // Nobody keeps the unparker: nobody can wake this tasklet.
            });
        })
        .unwrap();
    let error = park(WaitOn::new("a reply that never comes"), |_| {}).unwrap_err();
    println!("{error}");
}
// ANCHOR_END: main
