//! The scheduler: one per thread, a ring of runnable tasklets, and the
//! dispatcher that runs them.
//!
//! corosensei's coroutines are *asymmetric*: a coroutine suspends back to
//! whoever resumed it. So the dispatcher lives on the main tasklet's stack
//! (the thread's own stack), inside whatever scheduler call main made. A
//! tasklet that gives up control suspends to the dispatcher, saying whether
//! it goes to the end of the ring or has placed itself already, and the
//! dispatcher resumes the next one. When main's turn comes, the dispatcher
//! returns, and main's scheduler call returns with it.

use std::any::Any;
use std::cell::{Cell, UnsafeCell};
use std::collections::VecDeque;
use std::mem::ManuallyDrop;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, UnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;

use ch01_tasklets::{MAX_STACK_SIZE, PooledStack, StackError, StackPool, Step, TaskletId, Yielder};
use slab::Slab;

use crate::altstack::AltStack;
use crate::error::{BlockedTasklet, Deadlock, Error, TaskletExit, TaskletPanic};
use crate::idle::{Idle, IdleHook};
use crate::park::{WaitOn, Wake};
use crate::shared::{Shared, SharedStack};
use crate::task_ref::{Home, TaskRef};

use crate::tasklet::{State, Tasklet, TaskletInfo};
use crate::watchdog;

/// What a tasklet's coroutine is, seen from the scheduler: a resume says
/// whether to unwind; a suspend says where the tasklet goes next.
pub(crate) type Body = ch01_tasklets::Tasklet<bool, Switch>;

/// What a tasklet suspends through.
pub(crate) type TaskYielder = Yielder<bool, Switch>;

// ANCHOR: note_stack_pointer
/// Suspends the running tasklet ([`switch_away`]), having noted where its
/// stack ends: chapter 11's shared stacks copy out only the bytes in use.
///
/// # Safety
///
/// As for [`switch_away`].
#[inline(always)]
pub(crate) unsafe fn suspend(yielder: *const TaskYielder, switch: Switch) {
    let running = RUNNING.get();
    // SAFETY: only a running tasklet suspends, and `RUNNING` is then its
    // record, which the dispatcher keeps alive while it runs.
    unsafe { (*running).suspended_at.set(crate::shared::stack_pointer()) };
    // SAFETY: the caller's promise.
    unsafe { switch_away(yielder, switch) }
}
// ANCHOR_END: note_stack_pointer

// ANCHOR: resume
/// Suspends the running tasklet through its yielder, then, once resumed,
/// carries on or unwinds as the dispatcher says: the resume's value is
/// `true` when the tasklet must unwind ([`Tasklet::raise`]; a kill raises
/// [`TaskletExit`]).
///
/// # Safety
///
/// `yielder` is the running tasklet's yielder: it lives on the tasklet's
/// stack for as long as its body runs.
#[inline(always)]
unsafe fn switch_away(yielder: *const TaskYielder, switch: Switch) {
    // SAFETY: the caller promises `yielder` is the running tasklet's.
    if unsafe { (*yielder).suspend(switch) } {
        unwind();
    }
}

/// Unwinds the running tasklet with the payload raised in it.
#[cold]
#[inline(never)]
fn unwind() -> ! {
    let payload = with_core(|core| {
        let current = core.current();
        current.raising.set(false);
        current.raise.take()
    });
    resume_unwind(payload.unwrap_or_else(|| Box::new(TaskletExit)))
}
// ANCHOR_END: resume

/// What a suspending tasklet asks of the dispatcher.
pub(crate) enum Switch {
    /// Put me at the end of the ring (`schedule`).
    Requeue,
    /// Put me at the end of the ring, and run this partner now, before
    /// anyone queued (a channel's hand-off, rule 10): what `unpark_next`
    /// and `schedule` do together, without the partner passing through
    /// the ring.
    HandOff(TaskRef),
    /// I am placed already: parked, paused, or put in the ring by
    /// `Tasklet::run`.
    Stay,
    /// My budget of switch points is spent (the watchdog): hand me, paused,
    /// to `run_watchdog`.
    Interrupted,
}

/// Everything the scheduler knows about one tasklet, kept at the top of its
/// stack (on the heap for a tasklet on a shared stack, chapter 11). Shared by counted references (`TaskRef`): the ring, the handles
/// and whoever may wake it hold it.
pub(crate) struct Task {
    pub(crate) id: TaskletId,
    pub(crate) name: Option<Box<str>>,
    pub(crate) state: Cell<State>,
    /// The coroutine; `None` for the main tasklet and once a tasklet is dead.
    /// Only the dispatcher touches it, and never while it runs.
    pub(crate) body: UnsafeCell<Option<Body>>,
    /// Set when the body first runs; what `schedule` suspends through.
    pub(crate) yielder: Cell<*const TaskYielder>,
    /// A panic payload to unwind with at the next resume ([`Tasklet::raise`]).
    pub(crate) raise: Cell<Option<Box<dyn Any + Send>>>,
    /// Whether `raise` holds a payload, readable without taking it.
    pub(crate) raising: Cell<bool>,
    /// How many [`Tasklet`] handles refer to it: when the last one goes and
    /// the tasklet is paused, nobody can ever run it again (rule 15).
    pub(crate) handles: Cell<usize>,
    /// The tasklet's stack (zero for main): debug builds check that a
    /// tasklet suspends from its own stack, and chapter 4's overflow handler
    /// looks for a fault in its guard page.
    stack: StackBounds,
    /// Bumped on every park and every wake, so that an `Unparker` from an
    /// earlier park (or one that lost the race to wake) is recognised as
    /// stale: a tasklet parked on several sources wakes exactly once.
    pub(crate) park_generation: Cell<u64>,
    pub(crate) wake: Cell<Option<Wake>>,
    pub(crate) waiting_on: Cell<Option<WaitOn>>,
    /// Index in the scheduler's registry of live tasklets.
    pub(crate) slot: Cell<usize>,
    /// How deep it is in `atomic` sections (rule 16): the watchdog's, per
    /// tasklet, since a tasklet may block inside one.
    pub(crate) atomic: Cell<u32>,
    /// Its budget ran out inside an `atomic` section: it is interrupted when
    /// it leaves the outermost one.
    pub(crate) deferred: Cell<bool>,
    /// How many [`TaskRef`]s refer to it: the ring, the registry, handles,
    /// unparkers.
    pub(crate) refs: Cell<usize>,
    /// Where the record lives: on the heap, or at the top of its stack.
    pub(crate) home: Home,
    /// The stack of a finished tasklet whose record lives in it, kept until
    /// the record is freed.
    pub(crate) kept_stack: Cell<Option<PooledStack>>,
    /// The stack pointer at its last suspend (chapter 11).
    pub(crate) suspended_at: Cell<usize>,
}

/// Where a tasklet's stack lies: `guard..bottom` is its guard page,
/// `bottom..top` the stack itself.
#[derive(Clone, Copy, Default)]
pub(crate) struct StackBounds {
    guard: usize,
    bottom: usize,
    top: usize,
    /// The size asked for, in whole pages: what the tasklet may use at
    /// least (it has a little more, the record's room rounded up).
    size: usize,
}

impl StackBounds {
    /// Where `stack`, asked for with `size` bytes, lies.
    #[inline]
    fn of(stack: &PooledStack, size: usize) -> StackBounds {
        StackBounds {
            guard: stack.guard_start(),
            bottom: stack.usable_bottom(),
            top: stack.top(),
            size: StackPool::rounded_size(size),
        }
    }
}

impl Task {
    /// A `Task` with no body: main, or one about to be given a body.
    fn blank(id: TaskletId, name: Option<Box<str>>) -> Task {
        Task {
            id,
            name,
            state: Cell::new(State::Dead),
            body: UnsafeCell::new(None),
            yielder: Cell::new(std::ptr::null()),
            suspended_at: Cell::new(0),
            raise: Cell::new(None),
            raising: Cell::new(false),
            handles: Cell::new(0),
            stack: StackBounds::default(),
            park_generation: Cell::new(0),
            wake: Cell::new(None),
            waiting_on: Cell::new(None),
            slot: Cell::new(usize::MAX),
            atomic: Cell::new(0),
            deferred: Cell::new(false),
            refs: Cell::new(0),
            home: Home::Heap,
            kept_stack: Cell::new(None),
        }
    }

    /// The record of a new tasklet with `body`, to live at the top of its
    /// stack (`stack`, its bounds).
    fn new_in_stack(body: Body, name: Option<Box<str>>, stack: StackBounds) -> Task {
        let mut task = Task::blank(body.id(), name);
        task.state = Cell::new(State::Scheduled);
        task.body = UnsafeCell::new(Some(body));
        task.stack = stack;
        task.home = Home::Stack;
        task
    }

    pub(crate) fn is_main(&self) -> bool {
        self.id == MAIN_ID
    }

    /// Asks the processor to start loading what resuming this tasklet
    /// will touch first: its record, and the top of its stack, which lies
    /// just below the record (a heap record's neighbours are loaded for
    /// nothing). Both addresses follow from the record's, so nothing waits
    /// for memory here.
    pub(crate) fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        if PREFETCH {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let record = (self as *const Task).cast::<i8>();
            // SAFETY: SSE is part of every x86_64 processor, and a prefetch
            // is only a hint: it never faults, whatever the address.
            unsafe {
                for line in (0..size_of::<Task>()).step_by(64) {
                    _mm_prefetch::<_MM_HINT_T0>(record.wrapping_add(line));
                }
                for line in (64..=PREFETCH_STACK).step_by(64) {
                    _mm_prefetch::<_MM_HINT_T0>(record.wrapping_sub(line));
                }
            }
        }
    }

    pub(crate) fn describe(&self) -> TaskletInfo {
        TaskletInfo {
            id: self.id,
            name: self.name.as_deref().map(str::to_owned),
        }
    }

    /// Whether the body has begun to run: its first act is to record its
    /// yielder. (Main has no body and always runs.)
    pub(crate) fn started(&self) -> bool {
        self.is_main() || !self.yielder.get().is_null()
    }

    /// Debug builds: checks that this tasklet is suspending from its own
    /// stack, not from inside a coroutine it resumed itself (a chapter 1
    /// `Tasklet` run inside a tasklet must not call the scheduler).
    #[inline(always)]
    fn check_own_stack(&self) {
        if cfg!(debug_assertions) && !self.is_main() {
            let marker = 0u8; // a local: its address is on the running stack
            let sp = std::hint::black_box(&raw const marker) as usize;
            assert!(
                (self.stack.guard..self.stack.top).contains(&sp),
                "tasklet {} called the scheduler from another stack: a coroutine it \
                 resumes itself must not call schedule, park, run or switch",
                self.describe()
            );
        }
    }
}

/// What a stack is made larger by, for its tasklet's record at its top.
const RECORD_ROOM: usize = size_of::<Task>().next_multiple_of(64);

/// How many bytes at the top of a tasklet's stack `prefetch` asks for.
const PREFETCH_STACK: usize = 1536;

/// From how many queued tasklets on the dispatcher prefetches the next.
const PREFETCH_RING: usize = 64;

/// Whether `prefetch` does anything: yes, unless the build sets
/// `CH02_PREFETCH=0` (`ci/measure` builds it so to compare).
const PREFETCH: bool = match option_env!("CH02_PREFETCH") {
    Some(on) => build_knob(on) != 0,
    None => true,
};

/// Reads a number given to the build in an environment variable, for the
/// layout knobs that `ci/measure` compares. A bad value stops the build.
pub(crate) const fn build_knob(value: &str) -> usize {
    let digits = value.as_bytes();
    assert!(!digits.is_empty(), "a layout knob needs a number");
    let mut number = 0;
    let mut i = 0;
    while i < digits.len() {
        assert!(
            digits[i].is_ascii_digit(),
            "a layout knob takes digits only"
        );
        number = number * 10 + (digits[i] - b'0') as usize;
        i += 1;
    }
    number
}

/// The main tasklet's id: the thread's own stack.
pub(crate) const MAIN_ID: TaskletId = TaskletId(0);

/// The scheduler's mutable state. Borrowed only for short stretches that
/// never run user code: no resume, no destructor of a tasklet's body, no
/// idle hook.
pub(crate) struct Core {
    /// The running tasklet; `None` until the scheduler is first used, when
    /// it is main.
    current: Option<TaskRef>,
    main: Option<TaskRef>,
    /// Runnable tasklets in the order they will run; the current one is not
    /// in it.
    pub(crate) ring: VecDeque<TaskRef>,
    /// Every tasklet that has a body (new, runnable, blocked or paused), so
    /// that a deadlock report can list the blocked ones and a dying thread
    /// can unwind them all.
    pub(crate) live: Slab<TaskRef>,
    /// Stack pools, by the stack size tasklets asked for.
    pools: Vec<(usize, StackPool)>,
    idle: Option<Box<dyn IdleHook>>,
    /// True while the idle hook runs: it may unpark, but not switch.
    in_idle_hook: bool,
    /// True while main is in `run`: runnable, though not in the ring.
    main_in_run: bool,
    /// The events recorded since `trace::start`, if recording.
    pub(crate) trace: Option<Vec<crate::trace::Event>>,
    /// The tasklet the watchdog interrupted, for `run_watchdog` to return.
    pub(crate) interrupted: Option<TaskRef>,
    /// A tasklet's panic that main's next scheduler call re-raises: it came
    /// after main had been woken, and that wake must not be lost.
    pending_panic: Option<Interrupt>,
    /// The tasklet whose panic main re-raised last, with the address of
    /// its payload, for [`catch_tasklet_panic`] to name.
    reraised: Option<(TaskletInfo, *const ())>,
    /// What later chapters keep per thread ([`thread_part`]).
    parts: Vec<Rc<dyn Any>>,
    /// The thread is exiting: its tasklets are being killed (rule 18).
    exiting: bool,
    /// The teardown is over: parts made now are not kept.
    torn_down: bool,
}

pub(crate) struct Scheduler {
    core: CoreCell,
}

/// The cell around the scheduler's state: a `RefCell` whose borrow flag
/// exists only in debug builds. Every borrow is a short closure that runs no
/// user code, so no borrow can overlap another; debug builds check that.
struct CoreCell {
    /// `ManuallyDrop`: a thread-local whose type needs dropping is checked
    /// for a registered destructor on every access; [`Teardown`] drops the
    /// contents instead.
    core: UnsafeCell<ManuallyDrop<Core>>,
    #[cfg(debug_assertions)]
    borrowed: Cell<bool>,
}

impl CoreCell {
    const fn new(core: Core) -> CoreCell {
        CoreCell {
            core: UnsafeCell::new(ManuallyDrop::new(core)),
            #[cfg(debug_assertions)]
            borrowed: Cell::new(false),
        }
    }

    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&mut Core) -> R) -> R {
        #[cfg(debug_assertions)]
        let _release = {
            /// Ends the borrow, even if `f` panics (a failed debug check).
            struct Release<'a>(&'a Cell<bool>);
            impl Drop for Release<'_> {
                fn drop(&mut self) {
                    self.0.set(false);
                }
            }
            assert!(
                !self.borrowed.replace(true),
                "bug: the scheduler's state was borrowed twice (user code ran inside a borrow)"
            );
            Release(&self.borrowed)
        };
        // SAFETY: the borrow lasts for `f` only, and `f` runs no user code,
        // so it cannot reach `with` again: no two `&mut Core` coexist (debug
        // builds check it above).
        f(unsafe { &mut *self.core.get() })
    }
}

thread_local! {
    // Constant-initialised, so that reaching it inlines to a few
    // instructions.
    static SCHEDULER: Scheduler = const {
        Scheduler {
            core: CoreCell::new(Core {
                current: None,
                main: None,
                ring: VecDeque::new(),
                live: Slab::new(),
                pools: Vec::new(),
                idle: None,
                in_idle_hook: false,
                main_in_run: false,
                trace: None,
                interrupted: None,
                pending_panic: None,
                reraised: None,
                parts: Vec::new(),
                exiting: false,
                torn_down: false,
            }),
        }
    };
}

impl Core {
    /// The main tasklet, created on first use.
    pub(crate) fn main(&mut self) -> TaskRef {
        TaskRef::clone(self.main_ref())
    }

    fn main_ref(&mut self) -> &TaskRef {
        self.main.get_or_insert_with(|| {
            let main = Task::blank(MAIN_ID, Some("main".into()));
            main.state.set(State::Current);
            TaskRef::boxed(main)
        })
    }

    /// The running tasklet.
    #[inline(always)]
    pub(crate) fn current(&mut self) -> &TaskRef {
        if self.current.is_none() {
            self.current = Some(self.main());
        }
        self.current.as_ref().expect("just set")
    }

    /// Moves the running tasklet out, during a switch.
    #[inline(always)]
    pub(crate) fn take_current(&mut self) -> TaskRef {
        match self.current.take() {
            Some(current) => current,
            None => self.main(),
        }
    }

    fn make_main_current(&mut self) {
        if !self.current.as_ref().is_some_and(|c| c.is_main()) {
            let main = self.main();
            self.set_current(main);
        }
    }

    #[inline(always)]
    pub(crate) fn set_current(&mut self, task: TaskRef) {
        self.current = Some(task);
    }
}

/// Runs `f` on this thread's scheduler state. `f` must not run user code.
#[inline(always)]
pub(crate) fn with_core<R>(f: impl FnOnce(&mut Core) -> R) -> R {
    let scheduler = SCHEDULER.with(|s| s as *const Scheduler);
    // SAFETY: a thread-local lives until the thread's exit; `f` runs no user
    // code, so the thread cannot exit while it runs.
    unsafe { &*scheduler }.core.with(f)
}

pub(crate) fn main_task() -> TaskRef {
    with_core(Core::main)
}

// ANCHOR: teardown
/// Kills the thread's tasklets when the thread exits.
struct Teardown;

thread_local! {
    static TEARDOWN: Teardown = const { Teardown };
}

impl Drop for Teardown {
    /// The thread is exiting: kill every tasklet that is still alive, as
    /// `kill` would (rule 18), so that its destructors run, as Stackless ran
    /// `finally` blocks. Meanwhile `spawn` fails with
    /// [`Error::ThreadExiting`]. Then drop the parts that later chapters
    /// keep per thread, which those destructors may still have used, and
    /// last the scheduler's own memory.
    fn drop(&mut self) {
        // `process::exit` from a tasklet runs this on the tasklet's stack,
        // where no dispatcher can start: everything is left as it is.
        let (on_main, pending) = with_core(|core| {
            core.exiting = true;
            (core.current().is_main(), core.pending_panic.take())
        });
        if !on_main {
            return;
        }
        // A panic main never got to see (rule 6): not lost without a word.
        if let Some(Interrupt::Panic(panic)) = pending {
            eprintln!("{panic}; main did not enter the scheduler again before its thread ended");
        }
        kill_all();
        leak_survivors();
        drop_parts();
        free_the_rest();
    }
}
// ANCHOR_END: teardown

/// Kills every live tasklet, oldest first; one that catches its kill and
/// carries on is killed again, [`EXIT_KILLS`] times at most.
fn kill_all() {
    if with_core(|core| core.live.is_empty()) {
        return;
    }
    // A signal stack, so that an overflow during a kill is still named.
    let _altstack = AltStack::lend();
    for _ in 0..EXIT_KILLS {
        let mut alive: Vec<TaskRef> =
            with_core(|core| core.live.iter().map(|(_, t)| TaskRef::clone(t)).collect());
        if alive.is_empty() {
            return;
        }
        alive.sort_by_key(|t| t.id);
        for victim in alive.into_iter().map(Tasklet::from_task) {
            // A victim that catches its kill and then panics: the panic
            // was printed when it happened, and none may leave here.
            let _ = catch_unwind(AssertUnwindSafe(|| victim.raise(Box::new(TaskletExit))));
        }
    }
}

/// How many times the teardown kills a tasklet that catches its kill and
/// carries on, before it leaves it be.
const EXIT_KILLS: usize = 3;

/// Whoever survived every kill is never resumed again: its stack and what
/// it holds are leaked, not unwound behind its back.
fn leak_survivors() {
    for (_, task) in with_core(|core| std::mem::take(&mut core.live)) {
        // SAFETY: no tasklet runs now, and the dispatcher resumes only
        // tasklets in the ring, which is dropped unresumed.
        std::mem::forget(unsafe { (*task.body.get()).take() });
    }
}

/// Drops the parts later chapters keep per thread ([`thread_part`]),
/// those made while they drop too; after that, none is kept.
fn drop_parts() {
    loop {
        let parts = with_core(|core| std::mem::take(&mut core.parts));
        if parts.is_empty() {
            break;
        }
        drop(parts); // user code: outside any borrow
    }
}

/// Frees the scheduler's own memory, and the idle hook (user code too).
fn free_the_rest() {
    let rest = with_core(|core| {
        core.torn_down = true;
        let idle = core.idle.take();
        let ring = std::mem::take(&mut core.ring);
        let owned = std::mem::take(&mut core.pools);
        (idle, ring, owned, core.current.take(), core.main.take())
    });
    drop(rest);
}

// ANCHOR: thread_part
/// A part of this thread's runtime that a later chapter keeps, such as its
/// timers: made by `make` on first use, then shared. The scheduler owns it,
/// so that it outlives the thread's tasklets: at thread exit it is dropped
/// after they are killed, whatever order the thread's other thread-locals
/// go in. After that, each call makes a fresh one that is not kept.
pub fn thread_part<T: 'static>(make: impl FnOnce() -> T) -> Rc<T> {
    let found = with_core(|core| core.parts.iter().find(|p| p.is::<T>()).cloned());
    if let Some(part) = found {
        return part.downcast().expect("found by its type");
    }
    let part = Rc::new(make()); // user code: outside any borrow
    // Make sure the teardown drops it.
    let _ = TEARDOWN.try_with(|_| {});
    with_core(|core| {
        if !core.torn_down {
            core.parts.push(Rc::clone(&part) as Rc<dyn Any>);
        }
    });
    part
}
// ANCHOR_END: thread_part

/// How a tasklet is created: its name and stack size.
#[derive(Debug, Default)]
pub struct Builder {
    name: Option<String>,
    stack_size: Option<usize>,
}

impl Builder {
    /// A builder with no name and the default stack size
    /// ([`ch01_tasklets::DEFAULT_STACK_SIZE`]).
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Names the tasklet; the name appears in panics and deadlock reports.
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into());
        self
    }

    /// The tasklet's usable stack size in bytes (rounded up to whole pages).
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Creates the tasklet and appends it to the run queue (rule 1). It runs
    /// when the scheduler gets to it, not now.
    ///
    /// It gets a stack of its own (unless, built with the feature
    /// `shared-by-default` for chapter 11's tests, the program asked for
    /// every tasklet that does not ask for a stack size to share stacks).
    #[inline(always)]
    pub fn spawn<F>(self, f: F) -> Result<Tasklet, Error>
    where
        F: FnOnce() + 'static,
    {
        #[cfg(feature = "shared-by-default")]
        if self.stack_size.is_none()
            && let Some(stack) = crate::shared::default_stack()
        {
            // SAFETY: whoever called `share_stacks_by_default` promised it
            // for every tasklet of the program.
            return unsafe { self.spawn_on(stack, f) };
        }
        self.spawn_own(f)
    }

    // ANCHOR: spawn
    /// What `spawn` does: creates the tasklet, on a stack of its own, and
    /// appends it to the run queue (rule 1). It runs when the scheduler gets
    /// to it, not now.
    fn spawn_own<F>(self, f: F) -> Result<Tasklet, Error>
    where
        F: FnOnce() + 'static,
    {
        // A stack from the pool (a dead tasklet's, usually), with room at
        // its top for the record: the two are one unit.
        let (stack, size) = self.stack()?;
        let name = self.name.map(String::into_boxed_str);
        let task = TaskRef::in_stack(stack, |me, stack| {
            // For chapter 4's overflow handler.
            let bounds = StackBounds::of(&stack, size);
            let body = Body::with_stack(stack, move |yielder, unwinding| {
                // SAFETY: `me` points to this tasklet's `Task`, which is
                // built by the time its body first runs (a tasklet runs only
                // once spawned), and which the registry of live tasklets
                // keeps alive while the body can run.
                unsafe { (*me).yielder.set(yielder) };
                // Killed before it started (rule 14, chapter 4): `f` never runs.
                if unwinding {
                    unwind();
                }
                f()
            });
            Task::new_in_stack(body, name, bounds)
        })
        .expect("a stack has room for a record above its minimum");
        Ok(enqueue(task))
    }
    // ANCHOR_END: spawn

    /// Creates the tasklet as [`spawn`](Builder::spawn) does, to run on
    /// `stack`, which it takes turns on with other tasklets, rather than on
    /// a stack of its own (chapter 11): its record goes on the heap, and
    /// its coroutine is made on its first turn. The stack size asked for
    /// does not apply.
    ///
    /// # Safety
    ///
    /// While the tasklet is switched away, another tasklet's frames take
    /// its stack's addresses. So nothing may borrow into its stack, or
    /// read or write through a pointer into it, while it is switched away:
    /// not a scoped thread (`std::thread::scope`, rayon's or crossbeam's
    /// scopes) still running with a borrow of one of its locals when it
    /// parks, and not a raw pointer handed to another tasklet or thread.
    /// `'static` on `f` rules out the rest.
    pub unsafe fn spawn_on<F>(self, stack: Rc<dyn SharedStack>, f: F) -> Result<Tasklet, Error>
    where
        F: FnOnce() + 'static,
    {
        arm_teardown()?;
        with_core(|core| core.refuse_if_exiting())?;
        let mut task = Task::blank(TaskletId::next(), self.name.map(String::into_boxed_str));
        task.state = Cell::new(State::Scheduled);
        // SAFETY: the loan is only read for its bounds, and dropped at once.
        let lent = unsafe { stack.lend() };
        task.stack = StackBounds::of(&lent, lent.size());
        drop(lent);
        task.home = Home::Shared;
        let task = TaskRef::shared(task, Shared::new(stack));
        let me = TaskRef::as_ptr(&task);
        let shared = TaskRef::shared_part(&task).expect("made just above");
        shared.set_start(Box::new(move |yielder, unwinding| {
            // SAFETY: as in `spawn`: the record is alive while the body runs.
            unsafe { (*me).yielder.set(yielder) };
            if unwinding {
                unwind();
            }
            f()
        }));
        // From now on, every resume on this thread passes through `attend`.
        attention_now();
        Ok(enqueue(task))
    }

    /// A stack of the size asked for, from this thread's pool, and that
    /// size.
    #[inline]
    fn stack(&self) -> Result<(PooledStack, usize), Error> {
        arm_teardown()?;
        let size = self.stack_size.unwrap_or(ch01_tasklets::DEFAULT_STACK_SIZE);
        if size > MAX_STACK_SIZE {
            return Err(Error::Stack(StackError::TooLarge { requested: size }));
        }
        let stack = with_core(|core| {
            core.refuse_if_exiting()?;
            core.stack(size).map_err(Error::Stack)
        })?;
        Ok((stack, size))
    }
}

/// Makes sure this thread's tasklets are killed when it exits; refuses a
/// spawn on a thread that is exiting already.
#[inline]
fn arm_teardown() -> Result<(), Error> {
    TEARDOWN
        .try_with(|_| {})
        .map_err(|_| Error::ThreadExiting { call: "spawn" })
}

impl Core {
    /// Refuses a spawn while the thread exits.
    #[inline]
    fn refuse_if_exiting(&self) -> Result<(), Error> {
        match self.exiting {
            true => Err(Error::ThreadExiting { call: "spawn" }),
            false => Ok(()),
        }
    }
}

/// Registers a new tasklet and appends it to the ring.
#[inline(always)]
fn enqueue(task: TaskRef) -> Tasklet {
    with_core(|core| {
        task.slot.set(core.live.insert(TaskRef::clone(&task)));
        core.ring.push_back(TaskRef::clone(&task));
    });
    Tasklet::from_task(task)
}

impl Core {
    /// A stack for a tasklet that asked for `size` bytes, with room for
    /// its record, from this thread's pool for that size.
    fn stack(&mut self, size: usize) -> Result<PooledStack, StackError> {
        // Pools are keyed by the size asked for: one comparison per pool.
        match self.pools.iter().find(|(asked, _)| *asked == size) {
            Some((_, pool)) => pool.get(),
            None => {
                let pool = StackPool::new(size + RECORD_ROOM);
                let stack = pool.get();
                self.pools.push((size, pool));
                stack
            }
        }
    }
}

/// The current tasklet, about to park on `on`: refused for the idle hook and
/// for a tasklet that is unwinding.
#[inline(always)]
pub(crate) fn current_for_park(on: WaitOn) -> Result<TaskRef, Error> {
    if std::thread::panicking() {
        return Err(Error::Unwinding { call: "park" });
    }
    let (current, pending) = with_core(|core| {
        let current = TaskRef::clone(core.current());
        let mut pending = false;
        if current.is_main() {
            if core.in_idle_hook {
                return Err(Error::Reentered { call: "park" });
            }
            if core.exiting {
                return Err(Error::ThreadExiting { call: "park" });
            }
            pending = core.pending_panic.is_some();
        }
        current.check_own_stack();
        if let Some(trace) = &mut core.trace {
            trace.push(crate::trace::Event::Park(current.id, on));
        }
        Ok((current, pending))
    })?;
    if pending {
        raise_pending();
    }
    Ok(current)
}

impl Core {
    /// Checks that the caller is the main tasklet and not the idle hook.
    fn check_main(&mut self, call: &'static str) -> Result<(), Error> {
        let current = self.current();
        if !current.is_main() {
            return Err(Error::NotMain {
                call,
                tasklet: current.describe(),
            });
        }
        if self.in_idle_hook {
            return Err(Error::Reentered { call });
        }
        if std::thread::panicking() {
            return Err(Error::Unwinding { call });
        }
        if self.exiting {
            return Err(Error::ThreadExiting { call });
        }
        Ok(())
    }
}

/// Spawns a tasklet running `f` with the default settings.
///
/// While the thread exits (rule 18), the tasklet is born dead: `f` is
/// dropped without running, as for a tasklet killed before it started.
/// (A destructor that runs then may call this; a panic there would abort.)
///
/// # Panics
///
/// Panics if no stack can be had for it; [`Builder::spawn`] returns that
/// error instead, and says when the thread is exiting.
pub fn spawn<F>(f: F) -> Tasklet
where
    F: FnOnce() + 'static,
{
    match Builder::new().spawn(f) {
        Ok(t) => t,
        Err(Error::ThreadExiting { .. }) => {
            Tasklet::from_task(TaskRef::boxed(Task::blank(TaskletId::next(), None)))
        }
        Err(e) => panic!("{e}"),
    }
}

/// The tasklet that is running now (the main tasklet outside any tasklet).
pub fn current() -> Tasklet {
    Tasklet::from_task(current_task())
}

pub(crate) fn current_task() -> TaskRef {
    with_core(|core| TaskRef::clone(core.current()))
}

/// The thread's main tasklet, from anywhere on the thread (Stackless's
/// `getmain`): for instance to `insert` it again after it paused itself
/// with [`schedule_remove`].
pub fn main_tasklet() -> Tasklet {
    Tasklet::from_task(main_task())
}

// ANCHOR: schedule_remove
/// Takes the current tasklet out of the run queue and runs the next one
/// (Stackless's `schedule_remove`): it stays alive, paused, until someone
/// `insert`s or `run`s it (rule 4). A tasklet that nobody holds a handle
/// to could never be put back: it is killed instead (rule 15).
///
/// # Errors
///
/// [`Error::Deadlock`] in the main tasklet, when every other tasklet ends
/// or blocks and nobody put main back; [`Error::Unwinding`] and
/// [`Error::Reentered`] as for every call that switches.
pub fn schedule_remove() -> Result<(), Error> {
    // The common case, as in `schedule`: a tasklet that someone holds a
    // handle to pauses itself, touching nothing but its own record.
    let running = RUNNING.get();
    if !running.is_null() && !std::thread::panicking() {
        // SAFETY: `RUNNING` is the running tasklet's record, kept alive by
        // the dispatcher while it runs; its yielder lives on its stack for
        // as long as its body runs.
        let me = unsafe { &*running };
        if me.handles.get() != 0 {
            me.check_own_stack();
            me.state.set(State::Paused);
            // SAFETY: as above; the dispatcher drops its reference to the
            // record only after the switch (`Switch::Stay`), and the handle
            // keeps the record alive.
            unsafe { suspend(me.yielder.get(), Switch::Stay) };
            return Ok(());
        }
    }
    check_switch("schedule_remove")?;
    let (yielder, replaced) = with_core(|core| {
        let me = TaskRef::clone(core.current());
        me.check_own_stack();
        let mut replaced = None;
        if !me.is_main() && me.handles.get() == 0 {
            replaced = me.raise.replace(Some(Box::new(TaskletExit)));
            me.raising.set(true);
            me.state.set(State::Scheduled);
            core.ring.push_front(TaskRef::clone(&me));
        } else {
            me.state.set(State::Paused);
        }
        (me.yielder.get(), replaced)
    });
    drop(replaced); // user code: outside the borrow
    if yielder.is_null() {
        return main_wait(Until::MainsTurn).map_err(Error::Deadlock);
    }
    // SAFETY: the current tasklet's body is running, so its yielder, which
    // lives on its stack, is alive.
    unsafe { suspend(yielder, Switch::Stay) };
    Ok(())
}
// ANCHOR_END: schedule_remove

/// How many tasklets are runnable, the current one and main included
/// (Stackless's `getruncount`). Blocked and paused tasklets do not count.
pub fn run_count() -> usize {
    with_core(|core| {
        let main_waits_in_run = core.main_in_run && !core.current().is_main();
        core.ring.len() + 1 + usize::from(main_waits_in_run)
    })
}

// ANCHOR: schedule
/// Moves the current tasklet to the end of the run queue and runs the next
/// one (rule 2). With nothing else runnable, it returns at once; so it does
/// in the idle hook, which runs inside the dispatcher, and in a tasklet
/// that is unwinding.
///
/// # Panics
///
/// From the main tasklet, re-raises the panic of a tasklet that panicked
/// while main waited (rule 6).
#[inline(always)]
pub fn schedule() {
    if std::thread::panicking() {
        // An unwinding tasklet (killed, or torn down with its thread) cannot
        // give up control: it must finish unwinding first.
        return;
    }
    let running = RUNNING.get();
    if running.is_null() {
        main_schedule();
    } else {
        // The dispatcher puts this tasklet at the end of the ring and runs
        // the next one (with nothing else runnable, this one again).
        // SAFETY: `RUNNING` is the running tasklet's record, kept alive by
        // the dispatcher while it runs; its yielder lives on its stack for
        // as long as its body runs.
        unsafe { suspend((*running).yielder.get(), Switch::Requeue) };
    }
}
// ANCHOR_END: schedule

thread_local! {
    /// The running tasklet's record, null while main (or the idle hook)
    /// runs: where a tasklet's `schedule` finds its yielder, touching
    /// nothing else, and what a signal handler may read (chapter 4). Only
    /// the dispatcher sets it, and clears it before any code but a
    /// tasklet's runs.
    static RUNNING: Cell<*const Task> = const { Cell::new(std::ptr::null()) };
}

/// Records the tasklet the dispatcher is about to resume (null: main).
#[inline(always)]
fn set_running(task: *const Task) {
    RUNNING.set(task);
}

/// Runs `partner`, just woken and in no queue, now; the current tasklet
/// goes to the end of the ring (rule 10's hand-off). From main, the idle
/// hook or an unwinding tasklet, `partner` goes first in the ring and
/// [`schedule`] does what it does there.
pub(crate) fn hand_off(partner: TaskRef) {
    let running = RUNNING.get();
    if running.is_null() || std::thread::panicking() {
        with_core(|core| core.ring.push_front(partner));
        schedule();
    } else {
        // SAFETY: `RUNNING` is the running tasklet's record, kept alive by
        // the dispatcher while it runs; its yielder lives on its stack for
        // as long as its body runs.
        unsafe { suspend((*running).yielder.get(), Switch::HandOff(partner)) };
    }
}

// ANCHOR: running_stack
/// The running tasklet's stack, as a signal handler sees it.
#[derive(Debug)]
pub struct RunningStack<'a> {
    /// The tasklet's id.
    pub id: TaskletId,
    /// Its name, if it has one.
    pub name: Option<&'a str>,
    /// Its guard page: a fault here is a stack overflow.
    pub guard: std::ops::Range<usize>,
    /// The stack size it was given, in whole pages (it may use a little
    /// more: the room for its record, rounded up).
    pub size: usize,
}

/// Calls `f` with the running tasklet's stack; `None` while main runs.
///
/// Async-signal-safe, for a `SIGSEGV` handler (chapter 4): it reads one
/// thread-local and the running tasklet's record, and allocates nothing,
/// locks nothing and borrows nothing of the scheduler's state.
pub fn with_running_stack<R>(f: impl FnOnce(&RunningStack<'_>) -> R) -> Option<R> {
    let task = RUNNING.get();
    if task.is_null() {
        return None;
    }
    // SAFETY: a non-null `RUNNING` is the running tasklet's record, which
    // `core.current` keeps alive while it runs; these fields are written
    // only when the tasklet is spawned.
    let task = unsafe { &*task };
    let stack = task.stack;
    Some(f(&RunningStack {
        id: task.id,
        name: task.name.as_deref(),
        guard: stack.guard..stack.bottom,
        size: stack.size,
    }))
}
// ANCHOR_END: running_stack

/// The running tasklet's yielder; null while main (or the idle hook) runs.
#[inline(always)]
pub(crate) fn current_yielder() -> *const TaskYielder {
    let running = RUNNING.get();
    if running.is_null() {
        return std::ptr::null();
    }
    // SAFETY: a non-null `RUNNING` is the running tasklet's record, which
    // the dispatcher keeps alive while it runs.
    unsafe { (*running).yielder.get() }
}

/// Main's side of `schedule`, kept out of line: it is rare, and a tasklet's
/// `schedule` should inline into its caller and suspend from there (returns
/// after a stack switch are costly to predict, the fewer the better).
#[cold]
#[inline(never)]
fn main_schedule() {
    let placed = with_core(|core| {
        // The idle hook runs inside the dispatcher: its return is its yield.
        let nothing_to_do = core.ring.is_empty() && core.pending_panic.is_none();
        if core.in_idle_hook || nothing_to_do {
            return false;
        }
        let main = core.take_current();
        main.state.set(State::Scheduled);
        core.ring.push_back(main);
        true
    });
    if placed {
        // Main is in the ring, so the dispatcher cannot run dry: no deadlock.
        main_wait(Until::MainsTurn).expect("main is runnable, so it cannot be deadlocked");
    }
}

// ANCHOR: run
/// Runs the tasklets until only the main tasklet is left and nothing that
/// waits could still be woken (rule 3). Tasklets blocked forever (on a
/// channel nobody will use again) stay blocked, and `run` returns.
///
/// # Errors
///
/// [`Error::NotMain`] from a tasklet other than main,
/// [`Error::Reentered`] from the idle hook, and [`Error::Unwinding`] while
/// main is unwinding.
///
/// # Panics
///
/// Re-raises, as a [`TaskletPanic`], the panic of a tasklet that panicked
/// (rule 6). The other tasklets stay queued; calling `run` again continues
/// them.
pub fn run() -> Result<(), Error> {
    // Main stays runnable, but out of the ring: the dispatcher runs the
    // others until none is left, and main's turns in between would do
    // nothing but yield again.
    with_core(|core| {
        core.check_main("run")?;
        core.main_in_run = true;
        core.main_ref().state.set(State::Scheduled);
        Ok(())
    })?;
    let outcome = main_wait(Until::Idle);
    with_core(|core| {
        core.main_in_run = false;
        core.main_ref().state.set(State::Current);
    });
    outcome.map_err(Error::Deadlock)
}
// ANCHOR_END: run

// ANCHOR: run_watchdog
/// Like [`run`], with a watchdog: a tasklet that passes `budget` switch
/// points in one turn (channel operations, `select`; see
/// [`switch_point`](crate::switch_point)) without giving up control is
/// interrupted, taken out of the run queue (paused), and returned. `None`
/// means every tasklet finished or blocked, as with `run`.
///
/// # Errors
///
/// As for [`run`].
///
/// # Panics
///
/// As for [`run`].
pub fn run_watchdog(budget: u64) -> Result<Option<Tasklet>, Error> {
    /// Turns the watchdog off again, even if `run` re-raises a panic.
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            watchdog::set_turn_budget(u64::MAX);
        }
    }
    // A refused call changes nothing: check before setting the budget.
    with_core(|core| core.check_main("run_watchdog"))?;
    watchdog::set_turn_budget(budget.max(1));
    let off = Off;
    let outcome = run();
    drop(off);
    outcome?;
    let interrupted = with_core(|core| core.interrupted.take());
    Ok(interrupted.map(Tasklet::from_task))
}
// ANCHOR_END: run_watchdog

/// Main's side of a switch: main is already placed (in the ring, parked or
/// paused); run the dispatcher until main's turn comes back. A tasklet's
/// panic (or the idle hook's) is re-raised here; a deadlock is returned.
pub(crate) fn main_wait(until: Until) -> Result<(), Deadlock> {
    let pending = with_core(|core| {
        core.reraised = None; // an earlier re-raise was dealt with
        core.pending_panic.take()
    });
    let interrupt = match pending {
        Some(panic) => panic,
        None => match dispatch(until) {
            Ok(()) => return Ok(()),
            Err(interrupt) => interrupt,
        },
    };
    let main = main_task();
    // Main runs again, and leaves the ring or its park: it has something to
    // handle now.
    with_core(|core| {
        core.make_main_current();
        core.main_in_run = false;
        core.ring.retain(|t| !t.is_main());
    });
    main.park_generation.set(main.park_generation.get() + 1);
    main.state.set(State::Current);
    main.waiting_on.set(None);
    let woken = main.wake.take();
    match interrupt {
        Interrupt::Deadlock(d) => Err(d),
        // Main had been woken already: its park returns what woke it (a
        // value handed over is not lost), and the panic waits for main's
        // next scheduler call.
        panic if woken.is_some() => {
            main.wake.set(woken);
            with_core(|core| core.pending_panic = Some(panic));
            Ok(())
        }
        panic => reraise(panic),
    }
}

/// Re-raises a panic in main: the payload itself, so that a plain
/// `catch_unwind` sees it; the tasklet that panicked is kept aside for
/// `catch_tasklet_panic`.
fn reraise(panic: Interrupt) -> ! {
    match panic {
        Interrupt::Panic(TaskletPanic { tasklet, payload }) => {
            with_core(|core| core.reraised = Some((tasklet, address(&payload))));
            resume_unwind(payload)
        }
        Interrupt::HookPanic(payload) => resume_unwind(payload),
        Interrupt::Deadlock(d) => unreachable!("a deadlock is returned, not raised: {d}"),
    }
}

/// A panic that waited for main's next scheduler call: raised now, before
/// that call changes anything.
#[cold]
fn raise_pending() {
    if let Some(panic) = with_core(|core| core.pending_panic.take()) {
        reraise(panic);
    }
}

/// Where a panic's payload lies: the same `Box` moves from the tasklet's
/// unwinding to main's without being copied.
fn address(payload: &Box<dyn Any + Send>) -> *const () {
    let payload: &(dyn Any + Send) = &**payload;
    (payload as *const (dyn Any + Send)).cast()
}

// ANCHOR: catch_tasklet_panic
/// Runs `f` and catches a panic as `catch_unwind` does, saying which
/// tasklet it came from: a tasklet's panic that a scheduler call in `f`
/// re-raised (rule 6) comes with that tasklet, any other with the tasklet
/// that ran `f`. A plain `catch_unwind` gets the same payload, unnamed.
/// (The re-raised panic is told by its payload's address; if `f` catches
/// one itself and then panics anew, the name may be the earlier one's.)
///
/// # Errors
///
/// The panic, if `f` panicked.
pub fn catch_tasklet_panic<R>(f: impl FnOnce() -> R + UnwindSafe) -> Result<R, TaskletPanic> {
    let me = current_task().describe();
    // Only a panic re-raised while `f` runs is `f`'s.
    with_core(|core| core.reraised = None);
    catch_unwind(f).map_err(|payload| {
        let reraised = with_core(|core| core.reraised.take());
        let tasklet = match reraised {
            Some((tasklet, at)) if at == address(&payload) => tasklet,
            _ => me,
        };
        TaskletPanic::new(tasklet, payload)
    })
}
// ANCHOR_END: catch_tasklet_panic

/// Why the dispatcher handed control back to main out of turn.
enum Interrupt {
    Panic(TaskletPanic),
    HookPanic(Box<dyn Any + Send>),
    Deadlock(Deadlock),
}

/// Resumes tasklets from the front of the ring until main's turn.
fn dispatch(until: Until) -> Result<(), Interrupt> {
    SCHEDULER.with(|scheduler| dispatch_on(scheduler, until))
}

/// When the dispatcher hands control back to main.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// When main's turn comes (main waits in the ring, parked or paused).
    MainsTurn,
    /// When nothing is runnable and nothing pending (`run`); main's turns
    /// on the way are skipped.
    Idle,
}

// ANCHOR: dispatch
fn dispatch_on(scheduler: &Scheduler, until: Until) -> Result<(), Interrupt> {
    // A partner a channel handed off to (rule 10): it runs next.
    let mut hand_off: Option<TaskRef> = None;
    loop {
        // The one test on the common path: the next tasklet simply runs,
        // unless something rare wants doing (the attention word is zero).
        let attention = ATTENTION.get();
        let next = if attention != 0 {
            ATTENTION.set(attention - 1);
            scheduler.core.with(|core| core.make_next(hand_off.take()))
        } else {
            attend(scheduler, hand_off.take()).map_err(Interrupt::HookPanic)?
        };
        let Some(task) = next else {
            match nothing_runnable(until) {
                ControlFlow::Continue(()) => continue,
                ControlFlow::Break(outcome) => return outcome,
            }
        };
        // SAFETY: `core.current` keeps the task alive until it is taken back
        // below; only the dispatcher touches a body, and this one came off
        // the ring, so it is not running.
        let (task, body) = unsafe { (&*task, &mut *(*task).body.get()) };
        let Some(body) = body else {
            // Main's turn, or a dead tasklet left in the ring.
            set_running(std::ptr::null());
            if task.is_main() && until == Until::MainsTurn {
                return Ok(());
            }
            no_body(scheduler, task);
            continue;
        };
        // ANCHOR_END: dispatch
        // ANCHOR: dispatch_resume
        set_running(task);
        match body.resume(task.raising.get()) {
            Step::Yielded(Switch::Requeue) => scheduler.core.with(Core::requeue_current),
            Step::Yielded(Switch::HandOff(partner)) => {
                scheduler.core.with(Core::requeue_current);
                hand_off = Some(partner);
            }
            // It placed itself before suspending; the registry keeps it.
            Step::Yielded(Switch::Stay) => drop(scheduler.core.with(Core::take_current)),
            other => {
                if let ControlFlow::Break(outcome) = turn_ended(scheduler, task, other) {
                    return outcome;
                }
            }
        }
    }
}
// ANCHOR_END: dispatch_resume

/// The ring is empty: the idle hook waits; if nothing can ever come, `run`
/// is over, and main, waiting for its turn, is deadlocked.
fn nothing_runnable(until: Until) -> ControlFlow<Result<(), Interrupt>> {
    ControlFlow::Break(match (idle(), until) {
        (Ok(Idle::Woke | Idle::TimedOut), _) => return ControlFlow::Continue(()),
        (Ok(Idle::Nothing), Until::Idle) => Ok(()),
        (Ok(Idle::Nothing), Until::MainsTurn) => Err(Interrupt::Deadlock(deadlock_report())),
        (Err(hook_panic), _) => Err(Interrupt::HookPanic(hook_panic)),
    })
}

/// A `Task` without a body came off the ring: main, inside `run`, which
/// skips its turns; or a tasklet that died meanwhile.
fn no_body(scheduler: &Scheduler, task: &Task) {
    if task.is_main() {
        task.state.set(State::Scheduled);
    } else {
        task.state.set(State::Dead);
        drop(scheduler.core.with(Core::take_current));
    }
}

/// A turn that ended otherwise than with a switch: the watchdog
/// interrupted the tasklet, or it finished, was killed, or panicked.
/// `Break` says what the dispatcher returns.
fn turn_ended(
    scheduler: &Scheduler,
    task: &Task,
    step: Step<Switch>,
) -> ControlFlow<Result<(), Interrupt>> {
    if let Step::Yielded(Switch::Interrupted) = step {
        scheduler.core.with(|core| {
            let current = core.take_current();
            current.state.set(State::Paused);
            core.interrupted = Some(current);
        });
        set_running(std::ptr::null());
        return ControlFlow::Break(Ok(()));
    }
    // A kill's unwinding ends as its killer asked: nothing to report.
    let panicked = match step {
        Step::Panicked(payload) if !payload.is::<TaskletExit>() => Some(payload),
        _ => None,
    };
    // Named before `retire`, after which nothing may keep the record.
    let tasklet = panicked.is_some().then(|| task.describe());
    retire(task);
    drop(scheduler.core.with(Core::take_current));
    match (panicked, tasklet) {
        (Some(payload), Some(tasklet)) => {
            ControlFlow::Break(Err(Interrupt::Panic(TaskletPanic::new(tasklet, payload))))
        }
        _ => ControlFlow::Continue(()),
    }
}

impl Core {
    /// Makes the next tasklet the current one: the partner handed off to,
    /// or the front of the ring. Its reference moves to `current` and back,
    /// never cloned.
    #[inline(always)]
    fn make_next(&mut self, hand_off: Option<TaskRef>) -> Option<*const Task> {
        let next = hand_off.or_else(|| self.ring.pop_front())?;
        next.state.set(State::Current);
        let task = TaskRef::as_ptr(&next);
        self.set_current(next);
        Some(task)
    }

    /// The current tasklet goes to the end of the ring.
    #[inline(always)]
    fn requeue_current(&mut self) {
        let current = self.take_current();
        current.state.set(State::Scheduled);
        self.ring.push_back(current);
    }
}

thread_local! {
    /// The attention word: how many resumes the dispatcher makes before it
    /// must look at something rare. Zero sends the next resume to
    /// [`attend`], which deals with all of it and sets the word again.
    static ATTENTION: Cell<u32> = const { Cell::new(0) };
    /// Resumes left until the idle hook's next poll, counted by `attend`
    /// while it runs on every resume; zero while the attention word itself
    /// counts them.
    static UNTIL_POLL: Cell<u32> = const { Cell::new(POLL_EVERY - 1) };
}

/// How many tasklets the dispatcher resumes between two polls.
const POLL_EVERY: u32 = 64;

/// Sends the dispatcher to [`attend`] at its next resume: something rare
/// was switched on (a trace, the watchdog). The poll stays when it was due.
pub(crate) fn attention_now() {
    if UNTIL_POLL.get() == 0 {
        UNTIL_POLL.set(ATTENTION.get());
    }
    ATTENTION.set(0);
}

// ANCHOR: attend
/// The dispatcher's rare work, out of line: poll the idle hook when it is
/// due, then make the next tasklet current and do what a trace, the
/// watchdog and a long ring want done for it. Sets the attention word
/// again: zero while any of those wants every resume, otherwise the
/// resumes left before the next poll.
#[cold]
#[inline(never)]
fn attend(
    scheduler: &Scheduler,
    mut hand_off: Option<TaskRef>,
) -> Result<Option<*const Task>, Box<dyn Any + Send>> {
    let until_poll = UNTIL_POLL.get();
    // Polls come every POLL_EVERY resumes, this one counted.
    let left = until_poll.checked_sub(1).unwrap_or(POLL_EVERY - 1);
    UNTIL_POLL.set(left); // counted, even if the hook panics
    if until_poll == 0 {
        // The hook may wake tasklets to the front of the ring: a partner
        // handed off to goes there first, as `unpark_next` would put it.
        if let Some(partner) = hand_off.take() {
            scheduler.core.with(|core| core.ring.push_front(partner));
        }
        poll()?;
    }
    // ANCHOR_END: attend
    // ANCHOR: attend_next
    let watched = watchdog::watching();
    let next = scheduler.core.with(|core| {
        let next = core.make_next(hand_off);
        if let (Some(trace), Some(task)) = (&mut core.trace, next) {
            // SAFETY: `core.current` holds the record just made current.
            trace.push(crate::trace::Event::Run(unsafe { (*task).id }));
        }
        // In a long ring, the tasklet after this one has left the caches
        // by now: start loading it while this one runs.
        let long_ring = core.ring.len() >= PREFETCH_RING;
        if long_ring && let Some(after) = core.ring.front() {
            after.prefetch();
        }
        if watched {
            watchdog::new_turn();
        }
        if long_ring || watched || core.trace.is_some() || crate::shared::any_alive() {
            ATTENTION.set(0);
        } else {
            ATTENTION.set(left);
            UNTIL_POLL.set(0);
        }
        next
    });
    // ANCHOR_END: attend_next
    // ANCHOR: attend_shared
    // A tasklet on a shared stack: its bytes go back on it first, while
    // no tasklet counts as running (the swap may free a record).
    // SAFETY: `core.current` holds the record just made current.
    if let Some(task) = next.map(|task| unsafe { &*task })
        && let Some(shared) = TaskRef::shared_part(task)
    {
        set_running(std::ptr::null());
        shared.swap_in(task);
    }
    Ok(next)
    // ANCHOR_END: attend_shared
}

/// A tasklet's body returned: mark it dead, and leave the registry. Its
/// stack, which its record lives in, stays with the record until nothing
/// refers to the tasklet any more; then both go back to the pool as one.
/// (A tasklet on a shared stack gives its place on it up at once.)
fn retire(task: &Task) {
    set_running(std::ptr::null());
    task.state.set(State::Dead);
    // SAFETY: the body has finished; nothing runs on it.
    let body = unsafe { (*task.body.get()).take() };
    // A finished body holds nothing of the tasklet's any more but its stack.
    task.kept_stack.set(body.and_then(Body::into_stack));
    if let Home::Shared = task.home {
        retire_shared(task);
    }
    let registered = with_core(|core| {
        if let Some(trace) = &mut core.trace {
            trace.push(crate::trace::Event::Exit(task.id));
        }
        core.live.try_remove(task.slot.get())
    });
    // Dropped here, outside the scheduler's borrow.
    drop(registered);
}

/// `retire` for a tasklet on a shared stack: its stack was a loan, and
/// nothing of its bytes needs keeping.
#[cold]
#[inline(never)]
fn retire_shared(task: &Task) {
    drop(task.kept_stack.take());
    if let Some(shared) = TaskRef::shared_part(task) {
        shared.retire(task);
    }
}

/// Nothing is runnable: let the idle hook wait for a timer, I/O or another
/// thread. Without a hook, nothing could ever wake anyone.
fn idle() -> Result<Idle, Box<dyn Any + Send>> {
    call_hook(|hook| hook.wait())
}

/// Tasklets are runnable, but some time has passed: let the idle hook wake
/// whoever is due (a timer that expired, I/O that became ready) without
/// waiting, so that a busy scheduler does not starve them.
fn poll() -> Result<Idle, Box<dyn Any + Send>> {
    // While the thread exits, the dispatcher only carries out its kills.
    if with_core(|core| core.exiting) {
        return Ok(Idle::Woke);
    }
    call_hook(|hook| {
        hook.poll();
        Idle::Woke
    })
}

fn call_hook(call: impl FnOnce(&mut dyn IdleHook) -> Idle) -> Result<Idle, Box<dyn Any + Send>> {
    // The hook runs as main: no tasklet is running (rule 19).
    set_running(std::ptr::null());
    let hook = with_core(|core| {
        let hook = core.idle.take();
        if hook.is_some() {
            core.make_main_current();
        }
        hook
    });
    let Some(mut hook) = hook else {
        return Ok(Idle::Nothing);
    };
    // The hook is user code: it runs with the scheduler's state not
    // borrowed, marked as the hook so that it cannot switch, and a panic in
    // it is handed to main like a tasklet's.
    with_core(|core| core.in_idle_hook = true);
    let outcome = catch_unwind(AssertUnwindSafe(|| call(&mut *hook)));
    with_core(|core| core.in_idle_hook = false);
    // Put it back, unless it installed another meanwhile; then drop it
    // outside the borrow, since dropping a hook is user code too.
    let replaced = with_core(|core| match core.idle {
        None => {
            core.idle = Some(hook);
            None
        }
        Some(_) => Some(hook),
    });
    drop(replaced);
    outcome
}

/// Installs the hook the scheduler calls when nothing is runnable, returning
/// the previous one. Later chapters put timers and an I/O poller here.
pub fn set_idle_hook(hook: Option<Box<dyn IdleHook>>) -> Option<Box<dyn IdleHook>> {
    // The teardown drops the hook when the thread exits.
    let _ = TEARDOWN.try_with(|_| {});
    with_core(|core| std::mem::replace(&mut core.idle, hook))
}

fn deadlock_report() -> Deadlock {
    let main = main_task();
    with_core(|core| {
        let mut blocked: Vec<BlockedTasklet> = core
            .live
            .iter()
            .map(|(_, t)| t)
            .chain(std::iter::once(&main))
            .filter(|t| t.state.get() == State::Blocked)
            .map(|t| BlockedTasklet {
                tasklet: t.describe(),
                waiting_on: t.waiting_on.get(),
            })
            .collect();
        blocked.sort_by_key(|b| b.tasklet.id);
        Deadlock { blocked }
    })
}

/// Refuses a switch that cannot be made now: from a tasklet that is
/// unwinding, or from the idle hook. A refused call changes nothing, so
/// every call that switches checks this before it changes any state.
pub(crate) fn check_switch(call: &'static str) -> Result<(), Error> {
    if std::thread::panicking() {
        return Err(Error::Unwinding { call });
    }
    let pending = with_core(|core| {
        if !core.current().is_main() {
            return Ok(false);
        }
        if core.in_idle_hook {
            return Err(Error::Reentered { call });
        }
        Ok(core.pending_panic.is_some())
    })?;
    if pending {
        raise_pending();
    }
    Ok(())
}

/// Where the caller of `run_target` goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// After the tasklets that were queued behind the target (`run`, rule 5).
    Rotate,
    /// Nowhere: it is left paused (`switch`).
    Pause,
    /// Right after the target, the rest of the ring untouched (`raise`:
    /// nobody else runs before the caller, rule 14).
    Next,
}

/// Rearranges the ring so that `target` runs next and the caller goes where
/// `caller` says, then switches.
pub(crate) fn run_target(
    target: &TaskRef,
    placement: Caller,
    call: &'static str,
) -> Result<(), Error> {
    check_switch(call)?;
    let mut replaced = None; // a payload to drop outside the borrow
    let yielder = with_core(|core| {
        let caller = TaskRef::clone(core.current());
        caller.check_own_stack();
        if TaskRef::ptr_eq(&caller, target) {
            return Ok(None);
        }
        // The caller checked the target, but user code may have run since
        // (a destructor): only a living target that waits on nothing runs.
        match target.state.get() {
            State::Dead => return Err(target.misuse(call)),
            State::Blocked if placement != Caller::Next => return Err(target.misuse(call)),
            _ => {}
        }
        // A tasklet that pauses itself with no handle left could never run
        // again: it is killed right after the target instead (rule 15).
        let placement = match placement {
            Caller::Pause if !caller.is_main() && caller.handles.get() == 0 => {
                replaced = caller.raise.replace(Some(Box::new(TaskletExit)));
                caller.raising.set(true);
                Caller::Next
            }
            other => other,
        };
        let keep_caller = placement != Caller::Pause;
        let at = core.ring.iter().position(|t| TaskRef::ptr_eq(t, target));
        if placement == Caller::Next {
            let queued = at.and_then(|i| core.ring.remove(i));
            core.ring.push_front(TaskRef::clone(&caller));
            core.ring
                .push_front(queued.unwrap_or_else(|| TaskRef::clone(target)));
            target.state.set(State::Scheduled);
            caller.state.set(State::Scheduled);
            return Ok(Some(caller.yielder.get()));
        }
        match at {
            // The ring is a circle: its position moves to the target, and the
            // caller goes where it stood, just before the tasklets that were
            // queued ahead of the target.
            Some(i) => {
                core.ring.rotate_left(i);
                core.ring.pop_front();
                if keep_caller {
                    let at = core.ring.len() - i;
                    core.ring.insert(at, TaskRef::clone(&caller));
                }
            }
            // A paused target is inserted just before the caller's place.
            None => {
                if keep_caller {
                    core.ring.push_front(TaskRef::clone(&caller));
                }
            }
        }
        core.ring.push_front(TaskRef::clone(target));
        target.state.set(State::Scheduled);
        caller.state.set(if keep_caller {
            State::Scheduled
        } else {
            State::Paused
        });
        Ok(Some(caller.yielder.get()))
    })?;
    drop(replaced);
    match yielder {
        None => {}
        // SAFETY: the current tasklet's body is running, so its yielder,
        // which lives on its stack, is alive.
        Some(y) if !y.is_null() => unsafe { suspend(y, Switch::Stay) },
        Some(_) => main_wait(Until::MainsTurn).map_err(Error::Deadlock)?,
    }
    Ok(())
}
