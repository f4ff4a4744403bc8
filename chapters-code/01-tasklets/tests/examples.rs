//! Each example's output is the file the book shows.

#[path = "../../golden.rs"]
mod golden;

#[test]
fn coroutine_basics() {
    golden::check("coroutine_basics", &[], "coroutine_basics");
}

#[test]
fn panic_inside() {
    golden::check("panic_inside", &[], "panic_inside");
}

#[test]
fn drop_unfinished() {
    golden::check("drop_unfinished", &[], "drop_unfinished");
}

#[test]
fn stack_pool() {
    golden::check("stack_pool", &[], "stack_pool");
}

#[test]
fn stack_usage() {
    golden::check_runs("stack_usage", &[], "RUST_BACKTRACE=1:");
}
