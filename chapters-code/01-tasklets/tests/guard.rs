//! Every pooled stack really has a guard page below it.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use ch01_tasklets::{GuardKind, StackError, StackPool};

/// Set in the child processes that write into a guard page on purpose.
const CHILD: &str = "CH01_TOUCH_A_GUARD_PAGE";

/// In a child process (this test binary, running only `test`), writes one
/// byte into the guard page of the stack that `pick` chooses from a pool,
/// and checks that the child dies of `SIGSEGV`.
fn touching_the_guard_kills(test: &str, pick: impl FnOnce(&StackPool) -> usize) {
    if std::env::var_os(CHILD).is_some() {
        let pool = StackPool::new(16 * 1024);
        let guard = pick(&pool);
        // SAFETY: not safe at all, on purpose: this child process is meant
        // to die of the fault.
        unsafe { std::ptr::write_volatile(guard as *mut u8, 1) };
        std::process::exit(0); // only reached if there is no guard
    }
    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1"])
        .env(CHILD, "1")
        .status()
        .unwrap();
    assert_eq!(
        status.signal(),
        Some(libc::SIGSEGV),
        "the child ended with {status}"
    );
}

#[test]
fn touching_the_guard_page_faults() {
    touching_the_guard_kills("touching_the_guard_page_faults", |pool| {
        pool.get().unwrap().guard_start()
    });
}

#[test]
fn a_stack_in_the_middle_of_a_later_slab_is_guarded_too() {
    touching_the_guard_kills(
        "a_stack_in_the_middle_of_a_later_slab_is_guarded_too",
        |pool| {
            let stacks: Vec<_> = (0..100).map(|_| pool.get().unwrap()).collect();
            let guard = stacks[99].guard_start();
            std::mem::forget(stacks); // keep them out of the free list
            guard
        },
    );
}

#[test]
fn the_usable_stack_is_writable_to_its_last_byte() {
    let pool = StackPool::new(16 * 1024);
    let stack = pool.get().unwrap();
    let bottom = stack.usable_bottom() as *mut u8;
    // SAFETY: `usable_bottom` is the lowest byte of the stack's writable
    // range, and nothing runs on this stack.
    unsafe {
        bottom.write_volatile(7);
        assert_eq!(bottom.read_volatile(), 7);
    }
}

#[test]
fn linux_6_13_and_later_get_guard_regions() {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let mut numbers = release.split(|c: char| !c.is_ascii_digit());
    let major: u32 = numbers.next().unwrap().parse().unwrap();
    let minor: u32 = numbers.next().unwrap().parse().unwrap();
    let pool = StackPool::new(16 * 1024);
    let _stack = pool.get().unwrap();
    let expected = if (major, minor) >= (6, 13) {
        GuardKind::GuardRegion
    } else {
        GuardKind::ProtectedPage
    };
    assert_eq!(
        pool.guard_kind(),
        Some(expected),
        "on Linux {}",
        release.trim()
    );
}

#[test]
fn the_mapping_limit_error_says_what_to_do() {
    let e = StackError::MappingLimit {
        mappings: 64_000,
        limit: 65_530,
    };
    let text = e.to_string();
    assert!(text.contains("vm.max_map_count"), "{text}");
    assert!(text.contains("Linux 6.13"), "{text}");
}
