//! Telling Valgrind's memcheck what it cannot see: a few bytes of "client
//! request", an instruction sequence that does nothing on a real processor
//! and that Valgrind recognises.
//!
//! Chapter 11 copies a tasklet's stack out while it is suspended and back
//! in before it runs again. Memcheck tracks the stack pointer and takes
//! the bytes just below a suspended tasklet's to be dead, so reading them
//! looks like a bug to it; they are not dead, and this says so. (The crates
//! that make client requests need Valgrind's C headers to build, or a
//! nightly compiler.)

/// memcheck's `VALGRIND_MAKE_MEM_DEFINED` ('M', 'C' tool base, request 2).
const MAKE_MEM_DEFINED: u64 = (b'M' as u64) << 24 | (b'C' as u64) << 16 | 2;

/// Tells memcheck that `len` bytes from `start` are accessible and hold
/// defined values. Does nothing outside Valgrind, and on processors other
/// than x86-64.
pub fn mark_defined(start: usize, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let args: [u64; 6] = [MAKE_MEM_DEFINED, start as u64, len as u64, 0, 0, 0];
        let _result: u64;
        // SAFETY: rotating `rdi` by 3 + 13 + 61 + 51 = 128 bits leaves it
        // as it was, and `xchg rbx, rbx` changes nothing: on a processor
        // the sequence has no effect. Under Valgrind it reads the six words
        // of `args`, alive for the call, and changes only memcheck's record
        // of the bytes, not the bytes.
        unsafe {
            std::arch::asm!(
                "rol rdi, 3",
                "rol rdi, 13",
                "rol rdi, 61",
                "rol rdi, 51",
                "xchg rbx, rbx",
                inout("rdx") 0u64 => _result,
                in("rax") args.as_ptr(),
                out("rdi") _,
                options(nostack),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, len);
}
