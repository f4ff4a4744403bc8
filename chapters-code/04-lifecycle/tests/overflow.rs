//! A tasklet's stack overflow ends the process with a message that names
//! the tasklet, in a child process (this test binary, re-run with a marker
//! in its environment).

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output};

use ch02_scheduler::{Builder, run};
use ch04_lifecycle::install_overflow_handler;

/// Set in the child processes that crash on purpose.
const CHILD: &str = "CH04_CRASH_ON_PURPOSE";

/// Recurses until the stack runs out.
fn deep(n: u64) -> u64 {
    let frame = std::hint::black_box([n; 32]);
    if std::hint::black_box(n) == u64::MAX {
        return 0;
    }
    deep(n + 1) + frame[7]
}

/// Runs `test` alone in a child process that does `crash`, and returns how
/// the child ended.
fn in_child(test: &str, crash: impl FnOnce()) -> Option<Output> {
    if std::env::var_os(CHILD).is_some() {
        crash();
        std::process::exit(0); // only reached if nothing crashed
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    Some(output)
}

#[test]
fn a_tasklet_overflowing_its_stack_is_named_and_the_process_aborts() {
    let test = "a_tasklet_overflowing_its_stack_is_named_and_the_process_aborts";
    let Some(output) = in_child(test, || {
        install_overflow_handler();
        Builder::new()
            .name("deep")
            .stack_size(16 * 1024)
            .spawn(|| {
                deep(0);
            })
            .unwrap();
        run().unwrap();
    }) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{stderr}");
    // The book shows this file.
    let expected = include_str!("../examples/output/overflow.txt");
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn other_faults_are_passed_on_to_the_default_action() {
    let test = "other_faults_are_passed_on_to_the_default_action";
    let Some(output) = in_child(test, || {
        install_overflow_handler();
        let nowhere = std::hint::black_box(8usize) as *const u8;
        // SAFETY: not safe at all, on purpose: the child is meant to die of
        // the fault.
        unsafe { std::ptr::read_volatile(nowhere) };
    }) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGSEGV), "{stderr}");
    assert!(!stderr.contains("overflowed"), "{stderr}");
}

#[test]
fn main_overflowing_its_own_stack_still_gets_std_s_message() {
    let test = "main_overflowing_its_own_stack_still_gets_std_s_message";
    let Some(output) = in_child(test, || {
        install_overflow_handler();
        deep(0);
    }) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{stderr}");
    assert!(stderr.contains("has overflowed its stack"), "{stderr}");
}

#[test]
fn an_overflow_in_a_destructor_at_thread_exit_is_named_too() {
    let test = "an_overflow_in_a_destructor_at_thread_exit_is_named_too";
    let Some(output) = in_child(test, || {
        install_overflow_handler();
        std::thread::spawn(|| {
            struct RecursesOnDrop;
            impl Drop for RecursesOnDrop {
                fn drop(&mut self) {
                    deep(0);
                }
            }
            let forever: ch03_channels::Channel<u8> = ch03_channels::Channel::new();
            Builder::new()
                .name("parked")
                .stack_size(64 * 1024)
                .spawn(move || {
                    let _guard = RecursesOnDrop;
                    let _ = forever.receive();
                })
                .unwrap();
            run().unwrap();
            // The thread exits with "parked" parked: rule 18 kills it.
        })
        .join()
        .unwrap();
    }) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGABRT), "{stderr}");
    assert!(
        stderr.contains("tasklet #1 (parked) overflowed its stack"),
        "{stderr}"
    );
}
