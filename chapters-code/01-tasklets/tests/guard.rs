//! Every pooled stack really has a guard page below it.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use ch01_tasklets::{GuardKind, StackError, StackPool};

const CHILD: &str = "CH01_TOUCH_THE_GUARD_PAGE";

#[test]
fn touching_the_guard_page_faults() {
    if std::env::var_os(CHILD).is_some() {
        // In the child: write one byte into the guard page.
        let pool = StackPool::new(16 * 1024);
        let stack = pool.get().unwrap();
        // SAFETY: not safe at all, on purpose: this child process is meant
        // to die of the fault.
        unsafe { std::ptr::write_volatile(stack.guard_start() as *mut u8, 1) };
        std::process::exit(0); // only reached if there is no guard
    }
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "touching_the_guard_page_faults",
            "--test-threads=1",
        ])
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
fn a_stack_in_the_middle_of_a_later_slab_is_guarded_too() {
    if std::env::var_os(CHILD_LATER).is_some() {
        let pool = StackPool::new(16 * 1024);
        let stacks: Vec<_> = (0..100).map(|_| pool.get().unwrap()).collect();
        // SAFETY: not safe, on purpose: this child process must die.
        unsafe { std::ptr::write_volatile(stacks[99].guard_start() as *mut u8, 1) };
        std::process::exit(0);
    }
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_stack_in_the_middle_of_a_later_slab_is_guarded_too",
        ])
        .env(CHILD_LATER, "1")
        .status()
        .unwrap();
    assert_eq!(
        status.signal(),
        Some(libc::SIGSEGV),
        "the child ended with {status}"
    );
}

const CHILD_LATER: &str = "CH01_TOUCH_A_LATER_GUARD_PAGE";

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
fn this_kernel_has_guard_regions_or_the_pool_falls_back() {
    let pool = StackPool::new(16 * 1024);
    let _stack = pool.get().unwrap();
    let kind = pool.guard_kind().expect("known once a stack was carved");
    assert!(matches!(
        kind,
        GuardKind::GuardRegion | GuardKind::ProtectedPage
    ));
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
