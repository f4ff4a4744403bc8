//! Each example's output is the file the book shows.

#[path = "../../golden.rs"]
mod golden;

#[test]
fn ordering() {
    golden::check("ordering", &[], "ordering");
}

#[test]
fn ping_pong() {
    golden::check("ping_pong", &[], "ping_pong");
}
