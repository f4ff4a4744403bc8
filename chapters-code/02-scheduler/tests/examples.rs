//! Each example's output is the file the book shows.

#[path = "../../golden.rs"]
mod golden;

#[test]
fn hello_goodbye() {
    golden::check("hello_goodbye", &[], "hello_goodbye");
}

#[test]
fn ring_order() {
    golden::check("ring_order", &[], "ring_order");
}

#[test]
fn tasklet_panic() {
    golden::check("tasklet_panic", &[], "tasklet_panic");
}

#[test]
fn deadlock() {
    golden::check("deadlock", &[], "deadlock");
}

#[test]
fn hackysack_small_game() {
    golden::check("hackysack", &["10", "1000"], "hackysack");
}

#[test]
fn hackysack_small_game_on_threads_agrees() {
    golden::check("hackysack", &["10", "1000", "--threads"], "hackysack");
}

#[test]
fn parked_tasklets_all_wake() {
    // Output has memory figures that vary; only check it runs and says so.
    golden::check_runs("parked", &["1000"], "all 1000 woke and finished");
}
