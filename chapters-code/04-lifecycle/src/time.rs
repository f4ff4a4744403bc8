//! Sleep, timers, and the clock they read.
//!
//! A sleeping tasklet parks with its `Unparker` in this thread's timer
//! heap. With nothing runnable, the scheduler's idle hook (installed here
//! with the first timer) waits for the earliest deadline and wakes whoever
//! is due; while tasklets are busy, the scheduler's periodic poll wakes
//! them. The clock is replaceable: tests install a [`VirtualClock`], whose
//! time jumps to the next deadline instead of sleeping, so that they check
//! the order and outcome of timers, never wall-clock durations.

use std::cell::{Cell, RefCell};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use ch02_scheduler::{
    Error, Idle, IdleHook, Unparker, WaitOn, Wake, park, schedule, set_idle_hook, thread_part,
    wait_on,
};

/// What a tasklet woken by its timer is told.
pub const TIMED_OUT: Wake = Wake(usize::MAX);

// ANCHOR: clock
/// Where this thread's timers read the time.
pub trait Clock {
    /// Time since the clock started.
    fn now(&self) -> Duration;

    /// Blocks the thread until `deadline`: the scheduler has nothing else
    /// to do until then.
    fn sleep_until(&self, deadline: Duration);

    /// How long the thread must really block for the clock to reach
    /// `deadline`: what another idle hook may wait for in its place.
    fn real_wait(&self, deadline: Duration) -> Duration {
        deadline.saturating_sub(self.now())
    }
}
// ANCHOR_END: clock

/// The real clock: monotonic time, and a sleeping thread.
#[derive(Debug)]
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A clock that starts now.
    pub fn new() -> SystemClock {
        SystemClock {
            start: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> SystemClock {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn sleep_until(&self, deadline: Duration) {
        if let Some(left) = deadline.checked_sub(self.now()) {
            std::thread::sleep(left);
        }
    }
}

// ANCHOR: virtual_clock
/// A clock for tests: it stands still while tasklets run, and when the
/// scheduler would wait for a deadline, it jumps straight there. A test
/// that sleeps for an hour takes no time, and every run is the same.
#[derive(Debug, Default)]
pub struct VirtualClock {
    now: Cell<Duration>,
}

impl VirtualClock {
    /// A virtual clock at zero.
    pub fn new() -> Rc<VirtualClock> {
        Rc::default()
    }

    /// Moves the clock forward, as if the running tasklet had worked for
    /// `by`.
    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Duration {
        self.now.get()
    }

    fn sleep_until(&self, deadline: Duration) {
        self.now.set(self.now.get().max(deadline));
    }

    /// None: the clock jumps instead.
    fn real_wait(&self, _deadline: Duration) -> Duration {
        Duration::ZERO
    }
}
// ANCHOR_END: virtual_clock

/// A parked tasklet's deadline. Timers with equal deadlines fire in the
/// order they were set.
struct Timer {
    deadline: Duration,
    seq: u64,
    unparker: Unparker,
}

impl Timer {
    fn key(&self) -> (Duration, u64) {
        (self.deadline, self.seq)
    }
}

impl PartialEq for Timer {
    fn eq(&self, other: &Timer) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Timer {}

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Timer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timer {
    fn cmp(&self, other: &Timer) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// This thread's clock and timers.
struct Timers {
    clock: Rc<dyn Clock>,
    /// Earliest deadline on top.
    heap: BinaryHeap<Reverse<Timer>>,
    next_seq: u64,
    /// Whether the idle hook is installed.
    hooked: bool,
}

/// This thread's timers: a part of the thread's runtime, so that they
/// outlive its tasklets, whose destructors may still read the clock at
/// thread exit.
fn timers() -> Rc<RefCell<Timers>> {
    thread_part(|| {
        RefCell::new(Timers {
            clock: Rc::new(SystemClock::new()),
            heap: BinaryHeap::new(),
            next_seq: 0,
            hooked: false,
        })
    })
}

/// Replaces this thread's clock, returning the old one. Set it before
/// starting any timer: deadlines already set were read off the old clock.
pub fn set_clock(clock: Rc<dyn Clock>) -> Rc<dyn Clock> {
    std::mem::replace(&mut timers().borrow_mut().clock, clock)
}

/// The time on this thread's clock.
pub fn now() -> Duration {
    clock().now()
}

fn clock() -> Rc<dyn Clock> {
    Rc::clone(&timers().borrow().clock)
}

// ANCHOR: enlist
/// Wakes the park that `unparker` belongs to with [`TIMED_OUT`] at
/// `deadline`, unless something else wakes it first. Call it from a park's
/// registration.
pub fn wake_at(deadline: Duration, unparker: Unparker) {
    let timers = timers();
    {
        let mut t = timers.borrow_mut();
        let seq = t.next_seq;
        t.next_seq += 1;
        t.heap.push(Reverse(Timer {
            deadline,
            seq,
            unparker,
        }));
    }
    install_timer_hook();
}

/// Blocks the current tasklet for `duration` (at least); other tasklets
/// run meanwhile. A zero duration just yields.
///
/// # Errors
///
/// As for [`park()`]: a deadlock cannot happen (the timer will fire), but an
/// unwinding tasklet cannot sleep.
pub fn sleep(duration: Duration) -> Result<(), Error> {
    if duration.is_zero() {
        schedule();
        return Ok(());
    }
    let deadline = now() + duration;
    park(WaitOn::new("sleep"), |unparker| wake_at(deadline, unparker))?;
    Ok(())
}
// ANCHOR_END: enlist

/// Installs this thread's timer hook over the idle hook already there,
/// unless it is installed. [`wake_at`] does it with the first timer; a hook
/// that must see the timers from above (Part IV's I/O hub, which blocks in
/// one place for everything) installs it first, then itself.
pub fn install_timer_hook() {
    let install = !std::mem::replace(&mut timers().borrow_mut().hooked, true);
    if install {
        let previous = set_idle_hook(None);
        set_idle_hook(Some(Box::new(TimerHook { previous })));
    }
}

/// Wakes every tasklet whose deadline has passed; returns whether any woke.
fn fire_due() -> bool {
    let due: Vec<Timer> = {
        let timers = timers();
        let mut t = timers.borrow_mut();
        let now = t.clock.now();
        let mut due = Vec::new();
        while t
            .heap
            .peek()
            .is_some_and(|Reverse(top)| top.deadline <= now)
        {
            due.extend(t.heap.pop().map(|Reverse(timer)| timer));
        }
        due
    };
    // Outside the borrow: waking and dropping touch the scheduler.
    let mut woke = false;
    for timer in due {
        woke |= timer.unparker.unpark(TIMED_OUT);
    }
    woke
}

/// The earliest deadline of a timer whose tasklet still waits for it;
/// timers of tasklets woken otherwise are dropped on the way.
fn earliest() -> Option<Duration> {
    let timers = timers();
    let stale: Vec<Timer> = {
        let mut t = timers.borrow_mut();
        let mut stale = Vec::new();
        while t
            .heap
            .peek()
            .is_some_and(|Reverse(top)| !top.unparker.is_waiting())
        {
            stale.extend(t.heap.pop().map(|Reverse(timer)| timer));
        }
        stale
    };
    drop(stale);
    let t = timers.borrow();
    t.heap.peek().map(|Reverse(top)| top.deadline)
}

// ANCHOR: hook
/// The scheduler's idle hook while timers exist: wait for the earliest
/// deadline, then wake whoever is due. Another hook installed before (a
/// thread's hook for notes from other threads, chapter 6) waits in its
/// place until that deadline, so that either can wake the thread.
struct TimerHook {
    previous: Option<Box<dyn IdleHook>>,
}

impl IdleHook for TimerHook {
    fn wait(&mut self) -> Idle {
        self.wait_within(None)
    }

    fn wait_timeout(&mut self, timeout: Duration) -> Idle {
        self.wait_within(Some(timeout))
    }

    fn next_deadline(&mut self) -> Option<Duration> {
        let mine = earliest().map(|deadline| clock().real_wait(deadline));
        let previous = self.previous.as_mut().and_then(|p| p.next_deadline());
        mine.into_iter().chain(previous).min()
    }

    fn poll(&mut self) {
        fire_due();
        if let Some(previous) = &mut self.previous {
            previous.poll();
        }
    }
}

// ANCHOR_END: hook

// ANCHOR: hook_wait
impl TimerHook {
    /// Waits for the earliest deadline, or for `timeout` if it comes first.
    fn wait_within(&mut self, timeout: Option<Duration>) -> Idle {
        if fire_due() {
            return Idle::Woke;
        }
        let Some(deadline) = earliest() else {
            return wait_on(&mut self.previous, timeout);
        };
        let clock = clock();
        let until = match timeout {
            Some(t) if t < clock.real_wait(deadline) => clock.now() + t,
            _ => deadline,
        };
        if let Some(previous) = &mut self.previous
            && previous.wait_timeout(clock.real_wait(until)) == Idle::Woke
        {
            return Idle::Woke;
        }
        clock.sleep_until(until);
        if fire_due() {
            Idle::Woke
        } else {
            Idle::TimedOut
        }
    }
}
// ANCHOR_END: hook_wait
