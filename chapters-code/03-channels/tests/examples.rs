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

#[test]
fn preferences_interleave_as_rule_10_says() {
    for (arg, file) in [
        ("receiver", "pref_receiver"),
        ("neither", "pref_neither"),
        ("sender", "pref_sender"),
    ] {
        golden::check("preferences", &[arg], file);
        golden::check(
            "preferences",
            &[arg, "--mermaid"],
            &format!("{file}.mermaid"),
        );
    }
}
