//! Waking a tasklet from another thread, and deciding, under one lock,
//! when no thread can make progress any more.
//!
//! A tasklet never leaves its thread (rule 17). To wake one from another
//! thread, the waker leaves a note in the owner thread's *inbox*, and the
//! owner's scheduler unparks the tasklet itself: when it polls, between
//! tasklets, or in its idle hook, where a thread with nothing to run sleeps
//! until a note comes.
//!
//! Every thread that takes part (that has used a cross-thread channel) is
//! a *member*. A member asleep in its idle hook, with tasklets still
//! waiting on other threads, is *idle*. When every member is idle and every
//! inbox is empty, nobody can ever wake anyone: that is a deadlock, and it
//! is decided under the one lock that guards all of this, so that no note
//! can be on its way meanwhile.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ch02_scheduler::{Idle, IdleHook, Unparker, Wake, set_idle_hook, thread_part, wait_on};

/// A member thread's number.
type ThreadKey = u64;

/// Wakes a member thread from wherever it sleeps.
pub type Alarm = Arc<dyn Fn() + Send + Sync>;

/// What the one lock guards.
#[derive(Default)]
struct World {
    /// Each member's inbox: notes naming the tasklets to wake there. A
    /// thread that has ended has none, and notes for it are dropped: its
    /// tasklets ended with it.
    inboxes: HashMap<ThreadKey, Vec<(u64, Wake)>>,
    /// How to wake a member that sleeps somewhere other than on
    /// [`Shared::wake_up`] (an I/O poller, Part IV), rung with every note.
    alarms: HashMap<ThreadKey, Alarm>,
    /// Members asleep in their idle hook.
    idle: usize,
    /// Bumped when a deadlock is declared: the idle members give up.
    deadlocks: u64,
    next_key: ThreadKey,
}

struct Shared {
    world: Mutex<World>,
    /// Idle members sleep on it; a note, a departure or a deadlock wakes
    /// them all, and each looks at its own inbox.
    wake_up: Condvar,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| Shared {
    world: Mutex::new(World::default()),
    wake_up: Condvar::new(),
});

fn world() -> MutexGuard<'static, World> {
    // A panic while holding the lock cannot leave the world inconsistent
    // (every update is a few plain assignments): go on.
    SHARED
        .world
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// This thread's membership: its key and the tasklets waiting here for a
/// note from another thread.
struct Membership {
    key: ThreadKey,
    /// Keyed by a token that is never reused, so that a late note for a
    /// park that ended otherwise wakes nobody, rather than whoever got its
    /// place.
    waiting: HashMap<u64, Unparker>,
    next_token: u64,
}

impl Drop for Membership {
    /// A thread that ends leaves the world; the others look again whether
    /// they can still be woken.
    fn drop(&mut self) {
        let mut world = world();
        world.inboxes.remove(&self.key);
        world.alarms.remove(&self.key);
        check_deadlock(&mut world);
        drop(world);
        SHARED.wake_up.notify_all();
    }
}

/// This thread's membership, if it joined: a part of the thread's runtime,
/// so that it outlives the thread's tasklets, whose destructors may still
/// use cross-thread channels at thread exit.
fn membership() -> Rc<RefCell<Option<Membership>>> {
    thread_part(|| RefCell::new(None))
}

/// This thread's key, if it is a member.
fn my_key() -> Option<ThreadKey> {
    membership().borrow().as_ref().map(|m| m.key)
}

/// Runs `f` on this thread's membership, if it has one.
fn with_membership<R>(f: impl FnOnce(&mut Membership) -> R) -> Option<R> {
    membership().borrow_mut().as_mut().map(f)
}

/// Makes this thread a member, on first use, and installs the idle hook
/// that sleeps until a note comes. Every cross-thread channel operation
/// joins: a thread that might wake another must count as able to move.
pub(crate) fn join() -> ThreadKey {
    if let Some(key) = my_key() {
        return key;
    }
    let key = new_member();
    adopt(key);
    key
}

/// Counts one more member, and gives it its key.
fn new_member() -> ThreadKey {
    let mut world = world();
    world.next_key += 1;
    let key = world.next_key;
    world.inboxes.insert(key, Vec::new());
    key
}

// ANCHOR: spawn_thread
/// Starts a thread that is a member from its first instant, counted before
/// this call returns. A thread started otherwise joins only when it first
/// uses a cross-thread channel; until then, the others could conclude that
/// nobody can wake them while it is still on its way.
///
/// # Errors
///
/// What `std::thread::Builder::spawn` reports: the system would not start
/// another thread.
pub fn spawn_thread<F, R>(f: F) -> std::io::Result<std::thread::JoinHandle<R>>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    // The caller joins too: a thread that starts members is about to talk
    // to them, and must count before they can find everyone asleep.
    join();
    let key = new_member();
    let started = std::thread::Builder::new().spawn(move || {
        adopt(key);
        f()
    });
    if started.is_err() {
        let mut world = world();
        world.inboxes.remove(&key);
        check_deadlock(&mut world);
        drop(world);
        SHARED.wake_up.notify_all();
    }
    started
}
// ANCHOR_END: spawn_thread

/// Makes this thread the member `key`, and installs its idle hook.
fn adopt(key: ThreadKey) {
    *membership().borrow_mut() = Some(Membership {
        key,
        waiting: HashMap::new(),
        next_token: 0,
    });
    let previous = set_idle_hook(None);
    set_idle_hook(Some(Box::new(WorldHook { previous })));
}

/// Makes this thread a member, and gives the world another way to wake
/// it: a thread that sleeps in an I/O poller rather than in its idle hook's
/// wait for notes (Part IV) is woken by `alarm` whenever a note comes.
pub fn set_alarm(alarm: Alarm) {
    let key = join();
    world().alarms.insert(key, alarm);
}

/// The right to wake one park of one tasklet from any thread: a `Send`
/// handle to an [`Unparker`], which itself never leaves its thread.
// ANCHOR: remote
#[derive(Clone, Debug)]
pub struct RemoteUnparker {
    thread: ThreadKey,
    token: u64,
}

impl RemoteUnparker {
    /// Hands `unparker` to the world: it stays in this thread, and the
    /// returned handle can wake it from anywhere, once.
    pub fn new(unparker: Unparker) -> RemoteUnparker {
        let thread = join();
        let token = with_membership(|m| {
            let token = m.next_token;
            m.next_token += 1;
            m.waiting.insert(token, unparker);
            token
        })
        .expect("joined above");
        RemoteUnparker { thread, token }
    }

    /// Leaves a note for the owner thread to wake the tasklet with `wake`,
    /// and wakes the owner if it sleeps. From the owner thread itself, the
    /// tasklet is woken at once.
    pub fn unpark(&self, wake: Wake) {
        // A thread that wakes others counts as able to move.
        if join() == self.thread {
            deliver(vec![(self.token, wake)]);
            return;
        }
        let mut world = world();
        match world.inboxes.get_mut(&self.thread) {
            Some(inbox) => inbox.push((self.token, wake)),
            None => return, // the thread has ended, and its tasklets with it
        }
        wake_member(world, self.thread);
    }
}
// ANCHOR_END: remote

/// Wakes the member `thread` to read its inbox: the sleepers on the
/// condition variable look, and a member that sleeps elsewhere hears its
/// alarm.
fn wake_member(world: MutexGuard<'static, World>, thread: ThreadKey) {
    let alarm = world.alarms.get(&thread).cloned();
    drop(world);
    SHARED.wake_up.notify_all();
    if let Some(alarm) = alarm {
        alarm();
    }
}

impl RemoteUnparker {
    /// Forgets the park, on the owner thread, if it ended some other way
    /// (a kill): a note that comes later finds nothing to wake.
    pub fn cancel(&self) {
        with_membership(|m| {
            if m.key == self.thread {
                m.waiting.remove(&self.token);
            }
        });
    }
}

/// Wakes the tasklets named in `notes`, on their own thread.
fn deliver(notes: Vec<(u64, Wake)>) -> bool {
    let unparkers: Vec<(Unparker, Wake)> = with_membership(|m| {
        notes
            .into_iter()
            .filter_map(|(token, wake)| m.waiting.remove(&token).map(|u| (u, wake)))
            .collect()
    })
    .unwrap_or_default();
    let mut woke = false;
    for (unparker, wake) in unparkers {
        woke |= unparker.unpark(wake);
    }
    woke
}

/// Takes this thread's notes out of the world.
fn take_notes(world: &mut World, key: ThreadKey) -> Vec<(u64, Wake)> {
    world
        .inboxes
        .get_mut(&key)
        .map(std::mem::take)
        .unwrap_or_default()
}

// ANCHOR: verdict
/// Declares a deadlock if every member is idle and no note is on its way.
fn check_deadlock(world: &mut World) {
    let quiet = world.inboxes.values().all(Vec::is_empty);
    let members = world.inboxes.len();
    if members > 0 && world.idle == members && quiet {
        world.deadlocks += 1;
    }
}
// ANCHOR_END: verdict

// ANCHOR: hook
/// The idle hook of a member thread.
struct WorldHook {
    previous: Option<Box<dyn IdleHook>>,
}

impl IdleHook for WorldHook {
    fn wait(&mut self) -> Idle {
        self.wait_within(None)
    }

    fn wait_timeout(&mut self, timeout: Duration) -> Idle {
        self.wait_within(Some(timeout))
    }

    fn next_deadline(&mut self) -> Option<Duration> {
        self.previous.as_mut().and_then(|p| p.next_deadline())
    }

    fn poll(&mut self) {
        if let Some(key) = my_key() {
            let notes = take_notes(&mut world(), key);
            deliver(notes);
        }
        if let Some(previous) = &mut self.previous {
            previous.poll();
        }
    }
}

// ANCHOR_END: hook

// ANCHOR: hook_wait
impl WorldHook {
    /// Sleeps until a note wakes a tasklet here, or `timeout` passes, or
    /// the hook before has a timer due (then this thread is not idle).
    fn wait_within(&mut self, timeout: Option<Duration>) -> Idle {
        let Some(key) = my_key() else {
            return wait_on(&mut self.previous, timeout);
        };
        let limit = timeout.into_iter().chain(self.next_deadline()).min();
        let end = limit.map(|limit| Instant::now() + limit);
        let mut world = world();
        let deadlocks = world.deadlocks;
        loop {
            let notes = take_notes(&mut world, key);
            if !notes.is_empty() {
                drop(world);
                if deliver(notes) {
                    return Idle::Woke;
                }
                world = self::world();
                continue;
            }
            let waiting = with_membership(|m| m.waiting.len()).unwrap_or(0);
            if waiting == 0 || world.deadlocks != deadlocks {
                // Nobody here waits on another thread, or nobody anywhere
                // can wake anyone: what is left is for the hook before.
                drop(world);
                return wait_on(&mut self.previous, timeout);
            }
            let slept = match end {
                None => idle_until_note(world, deadlocks),
                Some(end) => sleep_until(world, end),
            };
            world = match slept {
                Ok(awake) => awake,
                Err(Idle::TimedOut) => return self.time_is_up(),
                Err(found) => return found,
            };
        }
    }
}
// ANCHOR_END: hook_wait

impl WorldHook {
    /// The wait's time is up: the hook before's timers may be due.
    fn time_is_up(&mut self) -> Idle {
        match wait_on(&mut self.previous, Some(Duration::ZERO)) {
            Idle::Woke => Idle::Woke,
            Idle::TimedOut | Idle::Nothing => Idle::TimedOut,
        }
    }
}

// ANCHOR: idle_until_note
/// Sleeps, counted as idle, until a note, a departure or a deadlock wakes
/// the members; `Err(Idle::Nothing)` if this thread found the deadlock.
fn idle_until_note(
    mut world: MutexGuard<'static, World>,
    deadlocks: u64,
) -> Result<MutexGuard<'static, World>, Idle> {
    world.idle += 1;
    check_deadlock(&mut world);
    if world.deadlocks != deadlocks {
        world.idle -= 1;
        drop(world);
        SHARED.wake_up.notify_all();
        return Err(Idle::Nothing);
    }
    let mut world = SHARED
        .wake_up
        .wait(world)
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    world.idle -= 1;
    Ok(world)
}
// ANCHOR_END: idle_until_note

/// Sleeps, not counted as idle, until the members are woken or `end`;
/// `Err(Idle::TimedOut)` once it has passed.
fn sleep_until(
    world: MutexGuard<'static, World>,
    end: Instant,
) -> Result<MutexGuard<'static, World>, Idle> {
    let left = end.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(Idle::TimedOut);
    }
    let woken = SHARED.wake_up.wait_timeout(world, left);
    Ok(woken.map_or_else(|poisoned| poisoned.into_inner().0, |(world, _)| world))
}
