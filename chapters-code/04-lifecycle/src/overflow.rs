//! A clear message for a tasklet's stack overflow, instead of a bare
//! "Segmentation fault".
//!
//! A tasklet that overflows its stack touches its guard page, and the
//! kernel sends `SIGSEGV`. The handler installed here runs on the thread's
//! alternate signal stack (std sets one up for every thread it starts, for
//! its own overflow message), so it still has a stack to run on. If the
//! faulting address is in the running tasklet's guard page, it writes one
//! line naming the tasklet and its stack size, and aborts; any other fault
//! goes to the handler that was installed before, std's or the default.
//!
//! A signal handler may only call async-signal-safe functions: no
//! allocation, no locks, no formatting machinery. The message is assembled
//! by hand in a buffer on the signal stack and written with `write(2)`.

use std::sync::Once;
use std::sync::atomic::{AtomicPtr, Ordering};

use ch02_scheduler::with_running_stack;

/// The handlers that were installed before ours, for `SIGSEGV` and
/// `SIGBUS`, to pass other faults on to.
static PREVIOUS_SEGV: AtomicPtr<libc::sigaction> = AtomicPtr::new(std::ptr::null_mut());
static PREVIOUS_BUS: AtomicPtr<libc::sigaction> = AtomicPtr::new(std::ptr::null_mut());

// ANCHOR: install
/// Installs the overflow handler for the whole process (once; later calls
/// do nothing). Call it at the start of `main`.
pub fn install_overflow_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (signal, previous) in [
            (libc::SIGSEGV, &PREVIOUS_SEGV),
            (libc::SIGBUS, &PREVIOUS_BUS),
        ] {
            // SAFETY: a zeroed `sigaction` is a valid value to fill in;
            // `sigaction` only reads `ours` and writes `old`, both valid
            // for the call. The old action is leaked on purpose: the
            // handler may read it at any time, for the rest of the process.
            unsafe {
                let mut ours: libc::sigaction = std::mem::zeroed();
                ours.sa_sigaction = on_fault as *const () as libc::sighandler_t;
                ours.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut ours.sa_mask);
                let old: *mut libc::sigaction = Box::into_raw(Box::new(std::mem::zeroed()));
                if libc::sigaction(signal, &ours, old) == 0 {
                    previous.store(old, Ordering::Release);
                }
            }
        }
    });
}
// ANCHOR_END: install

// ANCHOR: handler
extern "C" fn on_fault(
    signal: libc::c_int,
    info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid `siginfo_t` to an `SA_SIGINFO`
    // handler; for SIGSEGV and SIGBUS, `si_addr` is the faulting address.
    let address = unsafe { (*info).si_addr() } as usize;
    let overflowed = with_running_stack(|stack| {
        if !stack.guard.contains(&address) {
            return false;
        }
        let mut message = Message::new();
        message.push(b"tasklet #");
        message.push_number(stack.id.0);
        if let Some(name) = stack.name {
            message.push(b" (");
            message.push(name.as_bytes());
            message.push(b")");
        }
        message.push(b" overflowed its stack of ");
        message.push_number(stack.size as u64);
        message.push(
            b" bytes; give it a larger one (Builder::stack_size, or a larger shared region)\n",
        );
        message.write_to_stderr();
        true
    });
    if overflowed == Some(true) {
        // SAFETY: `abort` is async-signal-safe.
        unsafe { libc::abort() };
    }
    pass_on(signal, info, context);
}
// ANCHOR_END: handler

/// Hands a fault that is not ours to the handler installed before.
fn pass_on(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    let previous = match signal {
        libc::SIGBUS => &PREVIOUS_BUS,
        _ => &PREVIOUS_SEGV,
    };
    let previous = previous.load(Ordering::Acquire);
    // SAFETY: a non-null pointer is the leaked `sigaction` stored at
    // installation, never freed. Restoring it and returning makes the
    // faulting instruction run again under the old action (the default
    // one kills the process, as it would have without us); a handler is
    // called directly, with the arguments its flags ask for.
    unsafe {
        if previous.is_null() {
            libc::signal(signal, libc::SIG_DFL);
            return;
        }
        let action = (*previous).sa_sigaction;
        if action == libc::SIG_DFL || action == libc::SIG_IGN {
            libc::sigaction(signal, previous, std::ptr::null_mut());
        } else if (*previous).sa_flags & libc::SA_SIGINFO != 0 {
            let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(action);
            handler(signal, info, context);
        } else {
            let handler: extern "C" fn(libc::c_int) = std::mem::transmute(action);
            handler(signal);
        }
    }
}

/// A line of text built without allocating, for a signal handler.
struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    fn new() -> Message {
        Message {
            bytes: [0; 512],
            len: 0,
        }
    }

    /// Appends what fits.
    fn push(&mut self, text: &[u8]) {
        let n = text.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&text[..n]);
        self.len += n;
    }

    fn push_number(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[at..]);
    }

    fn write_to_stderr(&self) {
        let mut written = 0;
        while written < self.len {
            // SAFETY: `write` is async-signal-safe; the range is inside
            // `bytes`.
            let n = unsafe {
                libc::write(
                    libc::STDERR_FILENO,
                    self.bytes[written..self.len].as_ptr().cast(),
                    self.len - written,
                )
            };
            if n <= 0 {
                return;
            }
            written += n as usize;
        }
    }
}
