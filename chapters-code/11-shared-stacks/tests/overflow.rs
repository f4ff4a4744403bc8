//! A tasklet that overflows its region is caught as one that overflows its
//! own stack: chapter 4's handler names it and ends the process. In a child
//! process (this test binary, re-run with a marker in its environment).

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use ch02_scheduler::{Builder, run, schedule};
use ch04_lifecycle::install_overflow_handler;
use ch11_shared_stacks::shared_region::SharedRegion;

/// Set in the child process that crashes on purpose.
const CHILD: &str = "CH11_CRASH_ON_PURPOSE";

/// Recurses until the stack runs out.
fn deep(n: u64) -> u64 {
    let frame = std::hint::black_box([n; 32]);
    if std::hint::black_box(n) == u64::MAX {
        return 0;
    }
    deep(n + 1) + frame[7]
}

#[test]
fn a_tasklet_overflowing_its_region_is_named_and_the_process_aborts() {
    if std::env::var_os(CHILD).is_some() {
        install_overflow_handler();
        let region = SharedRegion::new(16 * 1024).unwrap();
        for name in ["shallow", "deep"] {
            let body = move || {
                schedule(); // both on the region, one parked, when the other overflows
                if name == "deep" {
                    deep(0);
                }
            };
            // SAFETY: the tasklet lends nothing of its stack.
            unsafe { Builder::new().name(name).spawn_on(region.clone(), body) }.unwrap();
        }
        run().unwrap();
        std::process::exit(0); // only reached if nothing overflowed
    }
    let test = "a_tasklet_overflowing_its_region_is_named_and_the_process_aborts";
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{stderr}");
    assert!(
        stderr.contains(
            "tasklet #2 (deep) overflowed its stack of 16384 bytes; give it a larger one"
        ),
        "{stderr}"
    );
}
