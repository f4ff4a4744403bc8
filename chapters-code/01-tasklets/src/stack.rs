//! A pool of guarded stacks, carved out of large mappings.
//!
//! corosensei's `DefaultStack` makes one `mmap` and one `mprotect` per stack:
//! microseconds each time (the `stacks` benchmark measures it), and two
//! kernel mappings per stack, so a process stops near 32,750 of them (Linux
//! allows 65,530 mappings by default). The pool below fixes both:
//!
//! * a stack that a finished tasklet gives back is reused as it is, which
//!   costs a push and a pop on a free list;
//! * new stacks are carved out of a *slab*, one large mapping, and each gets
//!   its guard page from `madvise(MADV_GUARD_INSTALL)` (Linux 6.13+), which
//!   marks pages as "fault on access" without splitting the mapping. On older
//!   kernels the pool falls back to `mprotect`, which splits the mapping, and
//!   it counts mappings so that running out gives a clear error rather than an
//!   `ENOMEM` deep inside a tasklet spawn.
//!
//! A stack costs address space; memory is paged in on demand, so only the
//! pages a tasklet really touches cost memory. `MAP_NORESERVE` keeps a slab
//! out of the kernel's commit accounting (except under strict overcommit).

use std::cell::RefCell;
use std::fmt;
use std::io;
use std::rc::Rc;

use corosensei::stack::valgrind::ValgrindStackRegistration;
use corosensei::stack::{Stack, StackPointer};

/// The stack size a pool uses unless told otherwise: 256 KiB.
///
/// A tasklet that panics needs a few KiB of stack to print its message, and
/// several times that with `RUST_BACKTRACE=1` (the `stack_usage` example
/// measures both); 256 KiB leaves room for ordinary recursion too. It costs
/// address space only: untouched pages are never backed by memory.
pub const DEFAULT_STACK_SIZE: usize = 256 * 1024;

/// The largest stack a pool hands out: 1 GiB. A slab reserves address
/// space for 64 stacks, and a larger request is far more likely a mistake
/// (a size computed wrongly) than a tasklet that needs it; such a request
/// gets [`StackError::TooLarge`].
pub const MAX_STACK_SIZE: usize = 1 << 30;

/// How many stacks one slab (one mapping) holds.
const STACKS_PER_SLAB: usize = 64;

/// Mappings left to the rest of the process (libraries, heap, threads) when
/// the pool has to count mappings on kernels without guard regions.
const MAPPINGS_RESERVED_FOR_OTHERS: usize = 1024;

/// How a stack's guard page is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardKind {
    /// `madvise(MADV_GUARD_INSTALL)`: the guard lives inside the slab's one
    /// mapping (Linux 6.13 and later).
    GuardRegion,
    /// `mprotect(PROT_NONE)`: each guard page splits the slab's mapping, so
    /// every stack costs about two of the kernel's mappings.
    ProtectedPage,
}

/// What went wrong while handing out a stack.
#[derive(Debug)]
pub enum StackError {
    /// The kernel refused to reserve address space for a new slab.
    Map(io::Error),
    /// The kernel refused to install a guard page.
    Guard(io::Error),
    /// The stack size asked for is larger than [`MAX_STACK_SIZE`].
    TooLarge {
        /// The size asked for, in bytes.
        requested: usize,
    },
    /// Without guard regions, one more stack would pass the kernel's limit on
    /// memory mappings (`vm.max_map_count`).
    MappingLimit {
        /// Mappings the process's stack pools hold now.
        mappings: usize,
        /// The kernel's limit, read from `/proc/sys/vm/max_map_count`.
        limit: usize,
    },
}

impl fmt::Display for StackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StackError::Map(e) => write!(
                f,
                "could not reserve address space for tasklet stacks ({e}); \
                 use smaller stacks or fewer tasklets"
            ),
            StackError::Guard(e) => write!(f, "could not install a stack guard page ({e})"),
            StackError::TooLarge { requested } => write!(
                f,
                "a stack of {requested} bytes was asked for, more than the largest a pool \
                 hands out ({MAX_STACK_SIZE} bytes); check how the size is computed, or use \
                 a thread for work that needs that much stack"
            ),
            StackError::MappingLimit { mappings, limit } => write!(
                f,
                "tasklet stacks already use {mappings} memory mappings, and one more stack \
                 with an mprotect guard page would pass the kernel's limit of {limit} \
                 (vm.max_map_count, minus {MAPPINGS_RESERVED_FOR_OTHERS} left to the rest of \
                 the process); raise it with `sysctl vm.max_map_count=...`, or use Linux \
                 6.13+, whose guard regions need no extra mappings"
            ),
        }
    }
}

impl std::error::Error for StackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StackError::Map(e) | StackError::Guard(e) => Some(e),
            StackError::TooLarge { .. } | StackError::MappingLimit { .. } => None,
        }
    }
}

/// Counts of what a pool holds, for tests and for the curious.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStats {
    /// Stacks handed out and not yet given back.
    pub in_use: usize,
    /// Stacks given back and waiting to be reused.
    pub free: usize,
    /// Slabs (large mappings) reserved so far.
    pub slabs: usize,
}

/// A per-thread pool of guarded stacks.
///
/// Cloning a pool gives another handle to the same stacks. A pool is not
/// `Send`: it belongs to one thread, like the tasklets that run on its
/// stacks.
#[derive(Clone)]
pub struct StackPool {
    inner: Rc<RefCell<Pool>>,
    /// A copy of the pool's stack size, readable without a borrow.
    stack_size: usize,
    /// The size asked for, if it was larger than [`MAX_STACK_SIZE`]: every
    /// `get` refuses it.
    too_large: Option<usize>,
}

struct Pool {
    /// Guard page plus stack, rounded up to whole pages.
    slot_size: usize,
    guard_size: usize,
    guard: Option<GuardKind>,
    /// Every carved stack, made known to Valgrind (a no-op elsewhere), so
    /// that it tells a switch of stacks from a huge stack frame. Declared
    /// before `slabs`, so dropped before they are unmapped.
    valgrind: Vec<ValgrindStackRegistration>,
    slabs: Vec<sys::Mapping>,
    /// How many slots of the last slab have been carved.
    carved_in_last: usize,
    /// Whether every slot of the last slab has its guard already.
    last_guarded: bool,
    /// Lowest addresses (guard included) of stacks given back.
    free: Vec<usize>,
    carved: usize,
}

impl StackPool {
    /// A pool whose stacks have `stack_size` usable bytes (rounded up to whole
    /// pages, and at least corosensei's minimum), each below a guard page.
    /// Nothing is mapped until the first stack is asked for; a size over
    /// [`MAX_STACK_SIZE`] is refused then, by [`get`](StackPool::get).
    pub fn new(stack_size: usize) -> StackPool {
        let page = sys::page_size();
        let too_large = (stack_size > MAX_STACK_SIZE).then_some(stack_size);
        let stack_size = StackPool::rounded_size(stack_size);
        StackPool {
            stack_size,
            too_large,
            inner: Rc::new(RefCell::new(Pool {
                slot_size: stack_size + page,
                guard_size: page,
                guard: None,
                valgrind: Vec::new(),
                slabs: Vec::new(),
                carved_in_last: STACKS_PER_SLAB,
                last_guarded: false,
                free: Vec::new(),
                carved: 0,
            })),
        }
    }

    /// The usable size a pool asked for `stack_size` bytes hands out (for a
    /// size over [`MAX_STACK_SIZE`], which it refuses: that maximum).
    pub fn rounded_size(stack_size: usize) -> usize {
        // Clamped first, so that no arithmetic on a size can wrap.
        let clamped = stack_size.clamp(corosensei::stack::MIN_STACK_SIZE, MAX_STACK_SIZE);
        round_up(clamped, sys::page_size())
    }

    /// Usable bytes of each stack.
    pub fn stack_size(&self) -> usize {
        self.stack_size
    }

    /// How guard pages are made, once the first stack has been carved.
    pub fn guard_kind(&self) -> Option<GuardKind> {
        self.inner.borrow().guard
    }

    /// What the pool holds now.
    pub fn stats(&self) -> PoolStats {
        let pool = self.inner.borrow();
        PoolStats {
            in_use: pool.carved - pool.free.len(),
            free: pool.free.len(),
            slabs: pool.slabs.len(),
        }
    }

    // ANCHOR: get
    /// A stack: a reused one if any was given back, otherwise a new one.
    pub fn get(&self) -> Result<PooledStack, StackError> {
        if let Some(requested) = self.too_large {
            return Err(StackError::TooLarge { requested });
        }
        let mut pool = self.inner.borrow_mut();
        let limit = match pool.free.pop() {
            Some(limit) => limit,
            None => pool.carve()?,
        };
        Ok(PooledStack {
            limit,
            base: limit + pool.slot_size,
            pool: Rc::clone(&self.inner),
        })
    }
    // ANCHOR_END: get
}

impl fmt::Debug for StackPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StackPool")
            .field("stack_size", &self.stack_size())
            .field("guard", &self.guard_kind())
            .field("stats", &self.stats())
            .finish()
    }
}

impl Pool {
    // ANCHOR: carve
    /// Cuts a new stack out of the last slab, mapping a new slab if needed,
    /// and installs its guard page.
    fn carve(&mut self) -> Result<usize, StackError> {
        let kind = sys::guard_kind()?;
        self.guard = Some(kind);
        let new_slab = self.carved_in_last == STACKS_PER_SLAB;
        let mappings = reserve_mappings(kind, new_slab)?;
        if new_slab {
            self.map_slab(kind)
                .inspect_err(|_| sys::release_mappings(mappings))?;
        }
        let slab = self.slabs.last_mut().expect("a slab was just ensured");
        let limit = slab.start() + self.carved_in_last * self.slot_size;
        slab.count_mappings(mappings);
        if !self.last_guarded {
            sys::install_guard(limit, self.guard_size, kind).map_err(StackError::Guard)?;
        }
        self.tell_valgrind(limit);
        self.carved_in_last += 1;
        self.carved += 1;
        Ok(limit)
    }
    // ANCHOR_END: carve

    /// Maps a new slab of `STACKS_PER_SLAB` slots. Guard regions go in for
    /// the whole slab in one system call where the kernel takes them in a
    /// batch (`process_madvise`); otherwise `carve` guards each stack.
    fn map_slab(&mut self, kind: GuardKind) -> Result<(), StackError> {
        let slab =
            sys::Mapping::reserve(self.slot_size * STACKS_PER_SLAB).map_err(StackError::Map)?;
        let slots = (0..STACKS_PER_SLAB).map(|i| slab.start() + i * self.slot_size);
        self.last_guarded =
            kind == GuardKind::GuardRegion && sys::install_guards(slots, self.guard_size);
        self.slabs.push(slab);
        self.carved_in_last = 0;
        Ok(())
    }

    /// Tells Valgrind (a no-op without it) that the stack whose guard
    /// starts at `limit` is a stack, so that a switch to it does not look
    /// like a huge frame.
    fn tell_valgrind(&mut self, limit: usize) {
        let (usable, size) = (limit + self.guard_size, self.slot_size - self.guard_size);
        (self.valgrind).push(ValgrindStackRegistration::new(usable as *mut u8, size));
    }
}

/// One stack from a [`StackPool`]; dropping it gives it back to the pool.
///
/// It implements corosensei's [`Stack`], so a `Coroutine` can run on it.
pub struct PooledStack {
    base: usize,
    /// The guard page's first byte, a multiple of the page size; bit 0 set
    /// marks a loan ([`PooledStack::lend`]), which is not given back on
    /// drop (a flag of its own would make every tasklet's record larger).
    limit: usize,
    pool: Rc<RefCell<Pool>>,
}

/// The bit of `limit` that marks a loan.
const LENT: usize = 1;

impl PooledStack {
    /// The guard page's first byte: a fault at or above it and below
    /// [`PooledStack::usable_bottom`] is a stack overflow.
    pub fn guard_start(&self) -> usize {
        self.limit & !LENT
    }

    /// One past the highest usable byte: where the stack starts, since it
    /// grows down.
    pub fn top(&self) -> usize {
        self.base
    }

    /// The lowest usable byte of the stack.
    pub fn usable_bottom(&self) -> usize {
        self.guard_start() + self.pool.borrow().guard_size
    }

    /// Usable bytes: the size of the pool it came from, less what
    /// [`reserve_top`](PooledStack::reserve_top) set aside.
    pub fn size(&self) -> usize {
        self.top() - self.usable_bottom()
    }

    /// Sets aside the top `bytes` of the stack (rounded up to 64) for the
    /// owner's own use, such as a record kept with the stack: a coroutine
    /// on it starts below them. Returns where they begin (64-aligned), or
    /// `None`, changing nothing, if what is left would be smaller than
    /// corosensei's minimum. The memory is the owner's as long as this
    /// `PooledStack` is; the pool gives the whole stack out again later.
    pub fn reserve_top(&mut self, bytes: usize) -> Option<usize> {
        let start = self.base.checked_sub(bytes)? & !63;
        let left = start.checked_sub(self.usable_bottom())?;
        if left < corosensei::stack::MIN_STACK_SIZE {
            return None;
        }
        self.base = start;
        Some(start)
    }
}

impl PooledStack {
    // ANCHOR: lend
    /// The same stack, lent to a coroutine while its owner keeps it
    /// (chapter 11: tasklets that take turns on one stack). Dropping the
    /// loan gives nothing back to the pool.
    ///
    /// # Safety
    ///
    /// The owner stays alive as long as the loan, and whenever a coroutine
    /// on the loan runs, is made or unwinds, the bytes on the stack above
    /// its stack pointer are its own: no other coroutine's frames are
    /// there. (Each coroutine that takes turns on the stack needs its own
    /// bytes copied back in first.)
    pub unsafe fn lend(&self) -> PooledStack {
        PooledStack {
            base: self.base,
            limit: self.limit | LENT,
            pool: Rc::clone(&self.pool),
        }
    }
    // ANCHOR_END: lend
}

impl fmt::Debug for PooledStack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PooledStack({:#x}..{:#x})",
            self.guard_start(),
            self.base
        )
    }
}

impl Drop for PooledStack {
    fn drop(&mut self) {
        if self.limit & LENT == 0 {
            self.pool.borrow_mut().free.push(self.limit);
        }
    }
}

// SAFETY: `limit..base` lies inside a slab that stays mapped while any
// `PooledStack` holds the pool (`Rc`); the lowest page of that range is a
// guard page (installed by `Pool::carve` before the stack is handed out), the
// rest is readable and writable, at least `MIN_STACK_SIZE` bytes (which
// `reserve_top` keeps), and both ends are aligned to 64 at least (pages, or
// `reserve_top`'s rounding), hence to `STACK_ALIGNMENT`. A stack is handed
// out to one owner at a time: it is on the free list only after its
// `PooledStack` was dropped. A loan (`lend`) is the one exception, and its
// caller promised that only one coroutine's frames are on it at a time.
unsafe impl Stack for PooledStack {
    #[inline]
    fn base(&self) -> StackPointer {
        StackPointer::new(self.base).expect("a mapped stack is never at address 0")
    }

    #[inline]
    fn limit(&self) -> StackPointer {
        StackPointer::new(self.guard_start()).expect("a mapped stack is never at address 0")
    }
}

/// Counts the mappings a new stack adds against the process's limit: the
/// slab's one mapping when a new slab is needed, and for an mprotect'ed
/// guard page up to two more, as it splits the slab (guard regions live
/// inside the slab's one mapping). Returns how many it counted.
fn reserve_mappings(kind: GuardKind, new_slab: bool) -> Result<usize, StackError> {
    let mappings = usize::from(new_slab)
        + match kind {
            GuardKind::GuardRegion => 0,
            GuardKind::ProtectedPage => 2,
        };
    sys::reserve_mappings(mappings)?;
    Ok(mappings)
}

fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

/// The system calls, fenced into one small module.
mod sys {
    use std::io;
    use std::ptr;
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::{GuardKind, MAPPINGS_RESERVED_FOR_OTHERS, StackError};

    /// `MADV_GUARD_INSTALL` from Linux 6.13's `<asm-generic/mman-common.h>`;
    /// the `libc` crate does not have it yet.
    const MADV_GUARD_INSTALL: libc::c_int = 102;

    pub(super) fn page_size() -> usize {
        // Asked once: `sysconf` is a call into libc, and the answer never
        // changes.
        static PAGE: AtomicUsize = AtomicUsize::new(0);
        match PAGE.load(Ordering::Relaxed) {
            0 => {
                // SAFETY: sysconf has no preconditions.
                let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
                let size = usize::try_from(size).expect("the page size is positive");
                PAGE.store(size, Ordering::Relaxed);
                size
            }
            size => size,
        }
    }

    /// The kernel's limit on mappings per process, read once.
    fn max_map_count() -> usize {
        static LIMIT: OnceLock<usize> = OnceLock::new();
        *LIMIT.get_or_init(|| {
            std::fs::read_to_string("/proc/sys/vm/max_map_count")
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(65_530)
        })
    }

    /// Mappings made by every pool of this process (slabs, and pieces split
    /// off by `mprotect`); the kernel's limit is per process, not per pool.
    static MAPPINGS: AtomicUsize = AtomicUsize::new(0);

    /// Counts `n` more mappings, or says that the kernel's limit would be
    /// passed.
    pub(super) fn reserve_mappings(n: usize) -> Result<(), StackError> {
        let limit = max_map_count();
        let mut now = MAPPINGS.load(Ordering::Relaxed);
        loop {
            if now + n + MAPPINGS_RESERVED_FOR_OTHERS > limit {
                return Err(StackError::MappingLimit {
                    mappings: now,
                    limit,
                });
            }
            match MAPPINGS.compare_exchange_weak(now, now + n, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Ok(()),
                Err(actual) => now = actual,
            }
        }
    }

    pub(super) fn release_mappings(n: usize) {
        MAPPINGS.fetch_sub(n, Ordering::Relaxed);
    }

    // ANCHOR: guard_kind
    /// How this process makes guard pages, found out once: guard regions
    /// where the kernel has them, `mprotect` otherwise; each checked to
    /// really fault, since corosensei's safety rests on it.
    pub(super) fn guard_kind() -> Result<GuardKind, StackError> {
        static KIND: OnceLock<Option<GuardKind>> = OnceLock::new();
        let kind = KIND.get_or_init(|| {
            [GuardKind::GuardRegion, GuardKind::ProtectedPage]
                .into_iter()
                .find(|&kind| guard_works(kind))
        });
        kind.ok_or_else(|| {
            StackError::Guard(io::Error::other(
                "neither madvise(MADV_GUARD_INSTALL) nor mprotect made a page inaccessible",
            ))
        })
    }

    /// Installs a guard of `kind` on a scratch page and checks that the
    /// kernel refuses to read it (a `write` from it to a pipe fails with
    /// `EFAULT`) while the page above stays readable.
    fn guard_works(kind: GuardKind) -> bool {
        let page = page_size();
        let Ok(scratch) = Mapping::reserve(2 * page) else {
            return false;
        };
        if install_guard(scratch.start(), page, kind).is_err() {
            return false;
        }
        readable(scratch.start()) == Some(false) && readable(scratch.start() + page) == Some(true)
    }
    // ANCHOR_END: guard_kind

    /// Whether the kernel can read the byte at `addr`, or `None` if that
    /// cannot be told.
    pub(super) fn readable(addr: usize) -> Option<bool> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: the kernel checks the address itself; an unreadable one
        // makes `write` fail with EFAULT instead of faulting this process.
        let written = unsafe { libc::write(fds[1], addr as *const libc::c_void, 1) };
        let error = io::Error::last_os_error().raw_os_error();
        // SAFETY: closing the two descriptors pipe just made.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
        match written {
            1 => Some(true),
            _ if error == Some(libc::EFAULT) => Some(false),
            _ => None,
        }
    }

    /// A private anonymous mapping, unmapped on drop.
    pub(super) struct Mapping {
        start: *mut libc::c_void,
        len: usize,
        /// Mappings counted for it in `MAPPINGS`: itself and the pieces
        /// guard pages split off (none for the guard probe's scratch pages).
        counted: usize,
    }

    impl Mapping {
        /// Reserves `len` bytes of readable, writable address space, with no
        /// memory committed and no huge pages (a huge page would make every
        /// stack cost 2 MiB of memory).
        pub(super) fn reserve(len: usize) -> io::Result<Mapping> {
            // SAFETY: a fresh anonymous mapping at an address the kernel
            // chooses aliases nothing.
            let start = unsafe {
                libc::mmap(
                    ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK,
                    -1,
                    0,
                )
            };
            if start == libc::MAP_FAILED {
                return Err(io::Error::last_os_error());
            }
            let mapping = Mapping {
                start,
                len,
                counted: 0,
            };
            // SAFETY: the range is the mapping we own. A failure only means
            // huge pages stay possible, so its result is ignored.
            unsafe { libc::madvise(start, len, libc::MADV_NOHUGEPAGE) };
            Ok(mapping)
        }

        pub(super) fn start(&self) -> usize {
            self.start as usize
        }

        /// Records `n` more mappings of `MAPPINGS` as this one's.
        pub(super) fn count_mappings(&mut self, n: usize) {
            self.counted += n;
        }
    }

    impl Drop for Mapping {
        fn drop(&mut self) {
            // SAFETY: the pool drops a slab only when no `PooledStack` refers
            // to it, so nothing runs on this memory any more.
            unsafe { libc::munmap(self.start, self.len) };
            release_mappings(self.counted);
        }
    }

    // ANCHOR: guard
    /// Makes `[start, start + len)` fault on any access.
    pub(super) fn install_guard(start: usize, len: usize, kind: GuardKind) -> io::Result<()> {
        let addr = start as *mut libc::c_void;
        // SAFETY: the range is the lowest page of a slot of a slab we own,
        // which nothing uses yet; making it inaccessible breaks no reference.
        let rc = unsafe {
            match kind {
                GuardKind::GuardRegion => libc::madvise(addr, len, MADV_GUARD_INSTALL),
                GuardKind::ProtectedPage => libc::mprotect(addr, len, libc::PROT_NONE),
            }
        };
        if rc == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
    // ANCHOR_END: guard

    /// Installs guard regions on `[start, start + len)` for every start,
    /// in one `process_madvise` call (Linux 5.10, guard regions 6.13).
    /// Returns whether the kernel guarded them all; if not, the caller
    /// installs each guard with [`install_guard`] (installing one twice
    /// does no harm).
    pub(super) fn install_guards(starts: impl Iterator<Item = usize>, len: usize) -> bool {
        // Opened for each call, not kept: a forked child must not advise
        // its parent's memory through an inherited one.
        // SAFETY: pidfd_open has no memory arguments.
        let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, libc::getpid(), 0) };
        let Ok(pidfd) = libc::c_int::try_from(pidfd) else {
            return false;
        };
        if pidfd < 0 {
            return false;
        }
        let ranges: Vec<libc::iovec> = starts
            .map(|start| libc::iovec {
                iov_base: start as *mut libc::c_void,
                iov_len: len,
            })
            .collect();
        // SAFETY: each range is the lowest page of a slot of a slab we own,
        // which nothing uses yet; the kernel only reads `ranges`.
        let advised = unsafe {
            libc::syscall(
                libc::SYS_process_madvise,
                pidfd,
                ranges.as_ptr(),
                ranges.len(),
                MADV_GUARD_INSTALL,
                0,
            )
        };
        // SAFETY: closing the descriptor opened above.
        unsafe { libc::close(pidfd) };
        usize::try_from(advised).is_ok_and(|bytes| bytes == ranges.len() * len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_are_reused_last_in_first_out() {
        let pool = StackPool::new(16 * 1024);
        let a = pool.get().unwrap();
        let a_limit = a.limit;
        let b = pool.get().unwrap();
        assert_ne!(a_limit, b.limit);
        drop(a);
        assert_eq!(pool.stats().free, 1);
        let c = pool.get().unwrap();
        assert_eq!(c.limit, a_limit, "a given-back stack is reused first");
        assert_eq!(
            pool.stats(),
            PoolStats {
                in_use: 2,
                free: 0,
                slabs: 1
            }
        );
    }

    #[test]
    fn stack_sizes_round_up_to_pages() {
        let pool = StackPool::new(1);
        assert_eq!(
            pool.stack_size(),
            corosensei::stack::MIN_STACK_SIZE.max(4096)
        );
        let s = pool.get().unwrap();
        assert_eq!(s.base - s.usable_bottom(), pool.stack_size());
    }

    #[test]
    fn a_new_slab_is_mapped_when_one_is_full() {
        let pool = StackPool::new(16 * 1024);
        let stacks: Vec<_> = (0..STACKS_PER_SLAB + 1)
            .map(|_| pool.get().unwrap())
            .collect();
        assert_eq!(pool.stats().slabs, 2);
        drop(stacks);
        assert_eq!(pool.stats().free, STACKS_PER_SLAB + 1);
    }

    #[test]
    fn every_stack_of_a_slab_has_its_guard_whether_installed_in_a_batch_or_not() {
        let pool = StackPool::new(16 * 1024);
        let stacks: Vec<_> = (0..STACKS_PER_SLAB + 1)
            .map(|_| pool.get().unwrap())
            .collect();
        for stack in &stacks {
            assert_eq!(sys::readable(stack.guard_start()), Some(false));
            assert_eq!(sys::readable(stack.usable_bottom()), Some(true));
        }
    }

    #[test]
    fn the_top_of_a_stack_can_be_set_aside_but_not_below_the_minimum() {
        let pool = StackPool::new(16 * 1024);
        let mut stack = pool.get().unwrap();
        let top = stack.top();
        let at = stack.reserve_top(200).unwrap();
        assert_eq!(at, top - 256, "rounded to 64 bytes");
        assert_eq!((stack.top(), stack.size()), (at, 16 * 1024 - 256));
        assert_eq!(
            stack.reserve_top(16 * 1024),
            None,
            "too little would be left"
        );
        assert_eq!(stack.top(), at, "a refusal changes nothing");
        drop(stack);
        assert_eq!(
            pool.get().unwrap().top(),
            top,
            "the pool hands out the whole stack again"
        );
    }

    #[test]
    fn an_absurd_size_is_refused_with_a_clear_error_not_wrapped() {
        for size in [MAX_STACK_SIZE + 1, 1 << 60, usize::MAX] {
            let pool = StackPool::new(size);
            assert_eq!(
                pool.stack_size(),
                MAX_STACK_SIZE,
                "no size arithmetic wraps"
            );
            match pool.get() {
                Err(e @ StackError::TooLarge { requested }) => {
                    assert_eq!(requested, size);
                    assert!(e.to_string().contains("more than the largest"), "{e}");
                }
                other => panic!("a stack of {size:#x} bytes was not refused: {other:?}"),
            }
        }
        // The maximum itself is a size like any other.
        assert_eq!(StackPool::rounded_size(MAX_STACK_SIZE), MAX_STACK_SIZE);
    }
}
