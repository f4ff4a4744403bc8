//! Each example's output is the file the book shows.

#[path = "../../golden.rs"]
mod golden;

#[test]
fn spread() {
    golden::check("spread", &[], "spread");
}
