//! How `remove`, `insert` and `Tasklet::run` move tasklets in the ring
//! (rules 4 and 5 of the semantics).

use ch02_scheduler::{Error, Tasklet, run, spawn};

fn say(name: &'static str) -> Tasklet {
    spawn(move || println!("  {name} runs"))
}

// ANCHOR: main
fn main() -> Result<(), Error> {
    println!("t2.run() with the queue main, t1, t2, t3:");
    let [_t1, t2, _t3] = ["t1", "t2", "t3"].map(say);
    t2.run()?; // t2 and t3 run, then main continues...
    println!("  main continues");
    run()?; // ...and t1 runs only now.

    println!("remove and insert:");
    let [u1, _u2] = ["u1", "u2"].map(say);
    u1.remove()?; // paused: in no queue
    println!("  u1 is {:?}", u1.state());
    run()?;
    u1.insert()?; // back at the end of the queue
    run()?;
    println!("  u1 is {:?}", u1.state());
    match u1.insert() {
        Err(e) => println!("  insert again: {e}"),
        Ok(()) => unreachable!("a dead tasklet cannot be inserted"),
    }
    Ok(())
}
// ANCHOR_END: main
