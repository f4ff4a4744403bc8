//! An alternate signal stack, lent to a thread while its teardown kills
//! its tasklets.
//!
//! A handler for a stack overflow (chapter 4's) needs a stack to run on:
//! the one that overflowed has no room left. std gives every thread it
//! starts an alternate signal stack, but takes it back when the thread's
//! function returns, before the thread-locals are destroyed, so before the
//! teardown's kills (rule 18). Without one, a tasklet that overflows in a
//! destructor then dies of a bare `SIGSEGV`; with this one, the handler
//! still names it.

/// The lent stack; dropping it takes it back.
pub(crate) struct AltStack {
    start: *mut libc::c_void,
    len: usize,
}

/// Large enough for chapter 4's handler, which formats one line by hand.
const SIZE: usize = 64 * 1024;

impl AltStack {
    /// Lends the thread a signal stack, unless it has one already.
    pub(crate) fn lend() -> Option<AltStack> {
        // SAFETY: a zeroed `stack_t` is a valid value for the kernel to fill
        // in; a null new stack only asks for the current one.
        let current = unsafe {
            let mut current: libc::stack_t = std::mem::zeroed();
            libc::sigaltstack(std::ptr::null(), &mut current);
            current
        };
        if current.ss_flags & libc::SS_DISABLE == 0 {
            return None;
        }
        let len = SIZE.max(libc::SIGSTKSZ);
        // SAFETY: a fresh anonymous mapping at an address the kernel chooses
        // aliases nothing.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if start == libc::MAP_FAILED {
            return None;
        }
        let lent = AltStack { start, len };
        let stack = libc::stack_t {
            ss_sp: start,
            ss_flags: 0,
            ss_size: len,
        };
        // SAFETY: `stack` describes the mapping above, which stays mapped
        // until `drop` has taken the stack back from the kernel.
        let installed = unsafe { libc::sigaltstack(&stack, std::ptr::null_mut()) } == 0;
        installed.then_some(lent)
    }
}

impl Drop for AltStack {
    fn drop(&mut self) {
        let disable = libc::stack_t {
            ss_sp: std::ptr::null_mut(),
            ss_flags: libc::SS_DISABLE,
            ss_size: 0,
        };
        // SAFETY: the kernel forgets the stack first; no handler runs on it
        // here (this code is not in one), so unmapping it breaks nothing.
        unsafe {
            libc::sigaltstack(&disable, std::ptr::null_mut());
            libc::munmap(self.start, self.len);
        }
    }
}
