//! The `mars` binary as a user runs it: pMARS's output formats, the
//! extra views, and a one-line reason on bad input.

use std::path::PathBuf;
use std::process::Command;

fn warriors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("warriors")
}

fn mars(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mars"))
        .args(args)
        .current_dir(warriors())
        .output()
        .expect("mars runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn koth_output_matches_exhaust_ma_on_both_engines() {
    for engine in ["flat", "tasklets"] {
        let (ok, out, err) = mars(&[
            "--engine",
            engine,
            "-bkF",
            "4000",
            "-r",
            "20",
            "benchmark/jaguar.rc",
            "benchmark/fixed.rc",
        ]);
        assert!(ok, "{err}");
        assert_eq!(out, "11 7\n2 7\n", "{engine}");
    }
}

#[test]
fn brief_output_names_the_warriors_and_gives_results() {
    let (ok, out, err) = mars(&[
        "--engine",
        "flat",
        "-bF",
        "4000",
        "-r",
        "20",
        "benchmark/jaguar.rc",
        "benchmark/fixed.rc",
    ]);
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "Unknown by Anonymous scores 40\nUnknown by Anonymous scores 13\nResults: 11 2 7\n"
    );
}

#[test]
fn sorted_output_puts_the_best_first_and_reports_for_it() {
    let (ok, out, err) = mars(&[
        "--engine",
        "flat",
        "-boF",
        "4000",
        "-r",
        "20",
        "benchmark/fixed.rc",
        "benchmark/jaguar.rc",
    ]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].ends_with("scores 40"), "{out}");
    assert_eq!(lines[2], "Results: 11 2 7");
}

#[test]
fn round_zero_lists_the_assembled_warrior() {
    let (ok, out, err) = mars(&["-r", "0", "benchmark/jaguar.rc"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with(
            "Program \"Unknown\" (length 100) by \"Anonymous\"\n\n       ORG      START\n"
        ),
        "{out}"
    );
    assert!(out.contains("START  SEQ.I  $   358, $   251\n"), "{out}");
}

#[test]
fn bad_input_gets_one_line_and_a_failure() {
    let dir = std::env::temp_dir().join(format!("mars-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let bad = dir.join("bad.red");
    std::fs::write(&bad, ";redcode\n  mov 0, 1\n  mvo 1, 2\n").expect("written");
    let (ok, out, err) = mars(&["-b", bad.to_str().expect("a UTF-8 path")]);
    assert!(!ok);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.red: line 3, column 3: unknown opcode \"mvo\""),
        "{err}"
    );
    let (ok, _, err) = mars(&["-b", "-F", "5", "benchmark/fixed.rc", "benchmark/fixed.rc"]);
    assert!(!ok);
    assert!(err.contains("-F 5"), "{err}");
    let (ok, _, err) = mars(&["-b", "no-such-file.red"]);
    assert!(!ok);
    assert!(err.contains("no-such-file.red"), "{err}");
}

/// Runs `mars` in the crate's directory (so that the paths it prints are
/// the book's) and checks what it prints against `examples/output/{file}.txt`,
/// which the book includes; `BLESS=1 cargo test` rewrites the file.
fn golden(args: &[&str], file: &str) {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_mars"))
        .args(args)
        .current_dir(&crate_dir)
        .output()
        .expect("mars runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actual = String::from_utf8(out.stdout).expect("UTF-8");
    let path = crate_dir
        .join("examples/output")
        .join(format!("{file}.txt"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; run `BLESS=1 cargo test` to create it",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "mars {} differs from {}",
        args.join(" "),
        path.display()
    );
}

#[test]
fn the_books_examples_print_what_the_book_shows() {
    golden(&["-r", "0", "warriors/book/dwarf.red"], "listing");
    golden(
        &[
            "--engine",
            "flat",
            "-bF",
            "4000",
            "-r",
            "6",
            "--rounds",
            "warriors/book/dwarf.red",
            "warriors/book/stone.red",
        ],
        "battle",
    );
    golden(
        &[
            "-b",
            "--trace",
            "8",
            "-F",
            "4000",
            "-r",
            "1",
            "warriors/book/dwarf.red",
            "warriors/book/imp.red",
        ],
        "trace",
    );
    golden(
        &[
            "-b",
            "--dump",
            "12",
            "-F",
            "4000",
            "warriors/book/dwarf.red",
            "warriors/book/paper.red",
        ],
        "dump",
    );
}
