//! Each example's output is the file the book shows.

#[path = "../../golden.rs"]
mod golden;

#[test]
fn bare_kill() {
    golden::check("bare_kill", &[], "bare_kill");
}

#[test]
fn kill() {
    golden::check("kill", &[], "kill");
}
