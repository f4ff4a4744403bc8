//! The real `mars-view` in a real terminal, tmux's: it starts paused,
//! steps, runs, quits, and leaves the terminal as it found it; a panic
//! leaves it so too. The paused screen is compared with
//! `examples/output/view.txt`, which the book shows (as `view.html`, in
//! colour); `BLESS=1` rewrites both from this run.
//!
//! Skipped, with a message, where tmux is missing, unless `CI` is set.

#[path = "../../golden.rs"]
#[allow(dead_code)] // only `compare` is used here
mod golden;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of this test's own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a detached session of `width`×`height`; the
    /// shell stays a while after it, to show what it printed.
    fn start(name: &str, command: &str, (width, height): (u16, u16)) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "tmux is missing: `.ci/run` installs it (Debian: apt-get install tmux)"
            );
            eprintln!("skipping the tmux test of mars-view: tmux is not installed");
            return None;
        }
        let tmux = Tmux {
            socket: format!("mars-view-{name}-{}", std::process::id()),
        };
        let shell = format!("{command}; echo \"mars-view exited with $?\"; sleep 60");
        let (w, h) = (width.to_string(), height.to_string());
        tmux.run(&["new-session", "-d", "-x", &w, "-y", &h, "sh", "-c", &shell]);
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 from tmux")
    }

    /// The screen as text (`escapes`: with its colours, as escape codes).
    fn screen(&self, escapes: bool) -> String {
        let flags = if escapes { "-pe" } else { "-p" };
        self.run(&["capture-pane", flags])
    }

    /// Waits, ten seconds at most, for the screen to satisfy `ready`.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen(false);
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited in vain for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn keys(&self, keys: &str) {
        self.run(&["send-keys", keys]);
    }

    /// Whether the pane shows the alternate screen, as full-screen
    /// programs do while they run.
    fn alternate_screen(&self) -> bool {
        self.run(&["display-message", "-p", "#{alternate_on}"])
            .trim()
            == "1"
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn view(args: &str) -> String {
    let warriors = crate_dir().join("../07-core-war/warriors/book");
    let w = |name: &str| warriors.join(name).display().to_string();
    // No backtrace: the panic's message must stay on the screen.
    format!(
        "RUST_BACKTRACE=0 {} {args} -F 4000 -r 2 {} {}",
        env!("CARGO_BIN_EXE_mars-view"),
        w("dwarf.red"),
        w("imp.red")
    )
}

/// The screen without the blank lines at its end.
fn trimmed(screen: &str) -> String {
    screen
        .trim_end()
        .lines()
        .map(|l| l.trim_end().to_owned() + "\n")
        .collect()
}

#[test]
fn the_view_starts_steps_runs_and_quits_leaving_the_terminal_restored() {
    let Some(tmux) = Tmux::start("keys", &view("--paused-at 500"), (80, 24)) else {
        return;
    };
    let paused = tmux.wait_for("cycle 500, paused", |s| {
        s.contains("cycle 500/80000") && s.contains("paused")
    });
    assert!(
        tmux.alternate_screen(),
        "the view draws on the alternate screen"
    );
    let output = crate_dir().join("examples/output");
    golden::compare(&output.join("view.txt"), &trimmed(&paused));
    let html = ansi_to_html::convert(&trimmed(&tmux.screen(true))).expect("the capture converts");
    golden::compare(
        &output.join("view.html"),
        &format!("<pre class=\"terminal\">{html}</pre>\n"),
    );
    tmux.keys("s");
    tmux.wait_for("one step", |s| s.contains("cycle 501/80000"));
    tmux.keys("Space");
    tmux.wait_for("the battle running", |s| s.contains("instructions a frame"));
    tmux.keys("q");
    let end = tmux.wait_for("the end", |s| s.contains("mars-view exited with"));
    assert!(end.contains("mars-view exited with 0"), "{end}");
    assert!(
        end.contains("Dwarf scores"),
        "the scores, printed on the restored screen: {end}"
    );
    assert!(
        !tmux.alternate_screen(),
        "the terminal is back on its main screen"
    );
}

#[test]
fn a_panicking_tasklet_leaves_the_terminal_restored_and_its_message_printed() {
    let Some(tmux) = Tmux::start("panic", &view("--panic-after 5"), (80, 24)) else {
        return;
    };
    let end = tmux.wait_for("the end", |s| s.contains("mars-view exited with"));
    assert!(
        end.contains("a tasklet beside the warriors failed"),
        "{end}"
    );
    assert!(!end.contains("mars-view exited with 0"), "{end}");
    assert!(
        !tmux.alternate_screen(),
        "the terminal is back on its main screen"
    );
}
