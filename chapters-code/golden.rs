//! Runs a chapter's example and compares what it prints with the file that
//! the book includes, `examples/output/NAME.txt` in the chapter's crate.
//!
//! Included by path (`#[path]`) from each chapter's `tests/examples.rs`, so
//! one source serves every chapter. `cargo test` builds the examples first
//! (`cargo test --test examples` alone does not, and would run stale ones);
//! `BLESS=1 cargo test` rewrites the files from the examples' output.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs example `name` of the crate under test, with `args`, and checks its
/// standard output against `examples/output/{file}.txt`.
pub fn check(name: &str, args: &[&str], file: &str) {
    let exe = example_path(name);
    let output = Command::new(&exe)
        .args(args)
        // What this machine sets must not change what the book shows.
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", exe.display()));
    assert!(
        output.status.success(),
        "example {name} failed with {}:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let actual = String::from_utf8(output.stdout).expect("examples print UTF-8");
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/output")
        .join(format!("{file}.txt"));
    compare(&golden, &actual);
}

/// Compares `actual` with the golden file `golden`, or, under `BLESS=1`,
/// writes it there.
pub fn compare(golden: &Path, actual: &str) {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(golden, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(golden).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; run `BLESS=1 cargo test` to create it",
            golden.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "the output differs from {}; if the change is intended, \
         run `BLESS=1 cargo test` and review the diff",
        golden.display()
    );
}

/// `target/<profile>/examples/NAME`, next to the `deps` folder this test
/// binary runs from.
fn example_path(name: &str) -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in target/<profile>/deps");
    let exe = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        exe.exists(),
        "{} is missing: run the examples' tests with `cargo test`, which builds the examples",
        exe.display()
    );
    exe
}

/// Runs example `name` with `args` and checks that its output contains
/// `expected`, for examples whose output holds measurements.
#[allow(dead_code)] // not every chapter has such an example
pub fn check_runs(name: &str, args: &[&str], expected: &str) {
    let exe = example_path(name);
    let output = Command::new(&exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", exe.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains(expected),
        "example {name} {args:?} did not print {expected:?}; it printed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
