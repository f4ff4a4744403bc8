//! The hub: each thread's one mio `Poll`, under the scheduler.
//!
//! Every socket is registered once, edge-triggered, for both directions.
//! The hub keeps, for each, whether it may be ready in each direction and
//! which tasklets wait for it. An operation that finds the socket not
//! ready (`WouldBlock`) clears the flag and parks its tasklet; an event
//! sets the flag and unparks them all, and each tries again.
//!
//! Nobody asks the hub to look: the scheduler's idle hook does. While
//! tasklets are runnable, it polls with a zero timeout every few dozen
//! switches; when none is, it blocks in `Poll::poll` until a socket is
//! ready, the next timer is due, or another thread rings the thread's
//! `mio::Waker`. One blocking call, three kinds of wake-up.

use std::cell::{Cell, RefCell};
use std::io;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use ch02_scheduler::{Idle, IdleHook, Unparker, WaitOn, park, set_idle_hook, thread_part, wait_on};
use ch04_lifecycle::time::{self, TIMED_OUT};
use mio::event::Source;
use mio::{Events, Interest, Poll, Token, Waker};
use slab::Slab;

/// A token packs a slab index (low 32 bits) and a generation (high 32).
const _: () = assert!(usize::BITS == 64, "tokens pack two 32-bit halves");

/// The token of the thread's `Waker`: no source's generation reaches it.
const WAKER: Token = Token(usize::MAX);

// ANCHOR: entry
/// Which way a tasklet waits on a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Until it can be read (or accepted from).
    Read = 0,
    /// Until it can be written (or has connected).
    Write = 1,
}

/// What the hub keeps for one registered source.
struct Entry {
    /// The registration's generation, also in its token: an event whose
    /// token carries another one is for a source gone, and wakes nobody.
    generation: u32,
    /// Whether the source may be ready, for reading and for writing: set
    /// by an event, cleared by a `WouldBlock`.
    ready: [bool; 2],
    /// Whether that direction was closed (the peer's end of stream, a
    /// reset): for good, so no flag clearing can make a tasklet wait for
    /// an event that will not come again.
    closed: [bool; 2],
    /// The tasklets parked until it is, in each direction.
    waiting: [Vec<Unparker>; 2],
}
// ANCHOR_END: entry

/// The hub's state: the poller and the registered sources.
struct State {
    poll: Poll,
    events: Events,
    entries: Slab<Entry>,
    next_generation: u32,
    /// Tasklets parked on a source: while there are any, waiting means
    /// blocking in `poll`.
    parked: usize,
}

/// One thread's hub.
pub struct Hub {
    state: RefCell<State>,
    /// Wakes this thread's `poll` from any thread.
    waker: Arc<Waker>,
}

/// How the thread's hub is to be driven, chosen before it is made.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Driver {
    /// By the scheduler's idle hook.
    IdleHook,
    /// By a tasklet that polls (`naive`).
    Tasklet,
}

thread_local! {
    static DRIVER: Cell<Driver> = const { Cell::new(Driver::IdleHook) };
}

/// This thread's hub, made and hooked under the scheduler on first use.
pub fn hub() -> Rc<Hub> {
    thread_part(Hub::new)
}

/// Makes this thread's hub, driven by `driver`; `false` if it existed.
pub(crate) fn make_hub(driver: Driver) -> bool {
    DRIVER.set(driver);
    let mut made = false;
    thread_part(|| {
        made = true;
        Hub::new()
    });
    DRIVER.set(Driver::IdleHook);
    made
}

impl Hub {
    fn new() -> Hub {
        let poll = Poll::new().expect("the system would not make an epoll instance");
        let waker = Waker::new(poll.registry(), WAKER)
            .expect("the system would not make an eventfd for the hub's waker");
        let hub = Hub {
            state: RefCell::new(State {
                poll,
                events: Events::with_capacity(1024),
                entries: Slab::new(),
                next_generation: 0,
                parked: 0,
            }),
            waker: Arc::new(waker),
        };
        if DRIVER.get() == Driver::IdleHook {
            hub.hook();
        }
        hub
    }

    // ANCHOR: hook_up
    /// Puts the hub on top of the thread's idle hooks: the timers' and the
    /// world's (chapter 6) go underneath, so that the hub blocks for all
    /// three, and a note from another thread rings its waker.
    fn hook(&self) {
        time::install_timer_hook();
        let waker = Arc::clone(&self.waker);
        ch06_many_cores::world::set_alarm(Arc::new(move || {
            // A full eventfd is awake already: nothing lost.
            let _ = waker.wake();
        }));
        let previous = set_idle_hook(None);
        set_idle_hook(Some(Box::new(HubHook { previous })));
    }
    // ANCHOR_END: hook_up

    /// Registers `source` for both directions, edge-triggered.
    pub(crate) fn register(&self, source: &mut impl Source) -> io::Result<Key> {
        let mut state = self.state.borrow_mut();
        let generation = state.next_generation;
        // Skip the waker's generation.
        state.next_generation = (generation + 1) % u32::MAX;
        let key = Key {
            index: state.entries.vacant_key(),
            generation,
        };
        state.poll.registry().register(
            source,
            key.token(),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        // Unknown is as good as ready: the first operation tries.
        state.entries.insert(Entry {
            generation,
            ready: [true, true],
            closed: [false, false],
            waiting: [Vec::new(), Vec::new()],
        });
        Ok(key)
    }

    /// Deregisters `source`; it is closed after this, never before, so that
    /// its file descriptor, reused, cannot be confused with it.
    pub(crate) fn deregister(&self, source: &mut impl Source, key: Key) {
        let mut state = self.state.borrow_mut();
        // Closing would deregister it anyway: an error changes nothing.
        let _ = state.poll.registry().deregister(source);
        if state
            .entries
            .get(key.index)
            .is_some_and(|e| e.generation == key.generation)
        {
            state.entries.remove(key.index);
        }
    }

    /// Whether `key`'s source may be ready in `direction`, or is closed
    /// in it (then every call returns at once).
    fn is_ready(&self, key: Key, direction: Direction) -> bool {
        let entry = &self.state.borrow().entries[key.index];
        entry.ready[direction as usize] || entry.closed[direction as usize]
    }

    /// Marks `key`'s source as not ready in `direction`.
    pub(crate) fn clear(&self, key: Key, direction: Direction) {
        self.state.borrow_mut().entries[key.index].ready[direction as usize] = false;
    }

    /// Takes what the poller has to say, waiting at most `timeout` (`None`:
    /// as long as it takes), and unparks the tasklets whose sources became
    /// ready. Returns whether any woke.
    pub(crate) fn poll_events(&self, timeout: Option<Duration>) -> bool {
        let woken = {
            let mut guard = self.state.borrow_mut();
            let state = &mut *guard;
            match state.poll.poll(&mut state.events, timeout) {
                Ok(()) => {}
                // A signal: the caller looks again.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => return false,
                Err(e) => panic!("the hub's epoll_wait failed: {e}"),
            }
            let mut woken = Vec::new();
            for event in &state.events {
                let read_closed = event.is_read_closed() || event.is_error();
                let write_closed = event.is_write_closed() || event.is_error();
                let fired = [
                    event.is_readable() || read_closed,
                    event.is_writable() || write_closed,
                ];
                let closed = [read_closed, write_closed];
                fire(&mut state.entries, event.token(), fired, closed, &mut woken);
            }
            woken
        };
        // Outside the borrow: unparking touches the scheduler.
        let mut any = false;
        for unparker in woken {
            any |= unparker.unpark(ch02_scheduler::Wake(0));
        }
        any
    }

    /// How many sources are registered, and how many tasklets wait on them.
    pub fn stats(&self) -> Stats {
        let state = self.state.borrow();
        Stats {
            sources: state.entries.len(),
            parked: state.parked,
        }
    }

    // ANCHOR: io
    /// Runs `op` until it does not report `WouldBlock`: tries while the
    /// source may be ready, parks until an event says it is, retries an
    /// operation a signal interrupted. A deadline on the thread's clock
    /// ends the wait with `TimedOut`.
    pub(crate) fn io<T>(
        &self,
        key: Key,
        direction: Direction,
        deadline: Option<Duration>,
        mut op: impl FnMut() -> io::Result<T>,
    ) -> io::Result<T> {
        loop {
            if self.is_ready(key, direction) {
                match op() {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear(key, direction),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    done => return done,
                }
            }
            self.wait(key, direction, deadline)?;
        }
    }
    // ANCHOR_END: io

    /// Runs `op` once if `key`'s source may be ready in `direction`, and
    /// never parks: `WouldBlock` if it is not ready.
    pub(crate) fn try_io<T>(
        &self,
        key: Key,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<T>,
    ) -> io::Result<T> {
        while self.is_ready(key, direction) {
            match op() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear(key, direction),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                done => return done,
            }
        }
        Err(io::ErrorKind::WouldBlock.into())
    }

    /// Parks the current tasklet until `key`'s source may be ready in
    /// `direction`, or until another source, to which `also` hands the
    /// same unparker, wakes it first.
    pub(crate) fn wait_or(
        &self,
        key: Key,
        direction: Direction,
        also: impl FnOnce(Unparker),
    ) -> io::Result<()> {
        if self.is_ready(key, direction) {
            return Ok(());
        }
        self.wait_with(key, direction, None, |me| also(me.clone()))
    }

    /// Parks the current tasklet until `key`'s source is ready in
    /// `direction`, or `deadline` passes.
    fn wait(&self, key: Key, direction: Direction, deadline: Option<Duration>) -> io::Result<()> {
        self.wait_with(key, direction, deadline, |_| {})
    }

    // ANCHOR: wait
    /// [`wait`](Hub::wait), with the unparker also shown to `also`, which
    /// clones it for another source: for a tasklet that waits on the
    /// socket and another source at once (a plain wait clones nothing).
    fn wait_with(
        &self,
        key: Key,
        direction: Direction,
        deadline: Option<Duration>,
        also: impl FnOnce(&Unparker),
    ) -> io::Result<()> {
        // Unlinks this tasklet however the park ends: woken, timed out,
        // or killed while it waits.
        let _unlink = Unlink {
            hub: self,
            key,
            direction,
        };
        self.state.borrow_mut().parked += 1;
        let what = match direction {
            Direction::Read => "read on socket",
            Direction::Write => "write on socket",
        };
        let woke = park(WaitOn::object(what, key.index as u64), |unparker| {
            if let Some(deadline) = deadline {
                time::wake_at(deadline, unparker.clone());
            }
            also(&unparker);
            let mut state = self.state.borrow_mut();
            state.entries[key.index].waiting[direction as usize].push(unparker);
        })
        .map_err(io::Error::other)?;
        if woke == TIMED_OUT {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{what} timed out (the socket's timeout passed before it was ready)"),
            ));
        }
        Ok(())
    }
    // ANCHOR_END: wait
}

// ANCHOR: fire
/// An event for `token`: marks its source ready in the directions that
/// `fired` (and closed in those `closed`), and moves the tasklets waiting
/// for them to `woken`. The waker's token, and a token whose
/// registration is gone, wake nobody.
fn fire(
    entries: &mut Slab<Entry>,
    token: Token,
    fired: [bool; 2],
    closed: [bool; 2],
    woken: &mut Vec<Unparker>,
) {
    let Some(key) = Key::from_token(token) else {
        return; // the waker: what it rang for, the hooks underneath deliver
    };
    let Some(entry) = entries.get_mut(key.index) else {
        return;
    };
    if entry.generation != key.generation {
        return; // a late event for a closed source whose place was reused
    }
    for direction in [Direction::Read, Direction::Write] {
        let d = direction as usize;
        entry.closed[d] |= closed[d];
        if fired[d] {
            entry.ready[d] = true;
            woken.append(&mut entry.waiting[d]);
        }
    }
}
// ANCHOR_END: fire

/// Takes a park's tasklet out of the hub's count and its source's list.
struct Unlink<'a> {
    hub: &'a Hub,
    key: Key,
    direction: Direction,
}

impl Drop for Unlink<'_> {
    fn drop(&mut self) {
        let mut state = self.hub.state.borrow_mut();
        state.parked -= 1;
        if let Some(entry) = state.entries.get_mut(self.key.index) {
            entry.waiting[self.direction as usize].retain(Unparker::is_waiting);
        }
    }
}

/// A registered source's place in its hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    index: usize,
    generation: u32,
}

impl Key {
    fn token(self) -> Token {
        Token(self.index | (self.generation as usize) << 32)
    }

    fn from_token(token: Token) -> Option<Key> {
        (token != WAKER).then_some(Key {
            index: token.0 & 0xffff_ffff,
            generation: (token.0 >> 32) as u32,
        })
    }
}

/// What a hub holds, for tests and the curious.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stats {
    /// Sources registered.
    pub sources: usize,
    /// Tasklets parked on them.
    pub parked: usize,
}

// ANCHOR: hook
/// The scheduler's idle hook: the hub on top of the timers and the world.
struct HubHook {
    previous: Option<Box<dyn IdleHook>>,
}

impl IdleHook for HubHook {
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
        hub().poll_events(Some(Duration::ZERO));
        if let Some(previous) = &mut self.previous {
            previous.poll();
        }
    }
}
// ANCHOR_END: hook

// ANCHOR: hook_wait
impl HubHook {
    /// Blocks in `poll` until a socket is ready, the next timer is due, or
    /// the waker rings; with no tasklet on a socket, waits as the hooks
    /// underneath do.
    fn wait_within(&mut self, timeout: Option<Duration>) -> Idle {
        let hub = hub();
        if hub.poll_events(Some(Duration::ZERO)) {
            return Idle::Woke;
        }
        // That look may have taken the waker's ring for a note that came
        // while the thread ran: deliver it now, or nothing would again.
        if wait_on(&mut self.previous, Some(Duration::ZERO)) == Idle::Woke {
            return Idle::Woke;
        }
        if hub.stats().parked == 0 {
            return wait_on(&mut self.previous, timeout);
        }
        let limit = timeout.into_iter().chain(self.next_deadline()).min();
        let woke = hub.poll_events(limit);
        // Timers due and notes from other threads, without waiting.
        let others = wait_on(&mut self.previous, Some(Duration::ZERO));
        if woke || others == Idle::Woke {
            Idle::Woke
        } else {
            Idle::TimedOut
        }
    }
}
// ANCHOR_END: hook_wait

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_event_for_a_source_gone_wakes_nobody() {
        let hub = hub();
        let mut first = mio::net::UdpSocket::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let old = hub.register(&mut first).unwrap();
        hub.deregister(&mut first, old);
        drop(first);
        let mut second = mio::net::UdpSocket::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let new = hub.register(&mut second).unwrap();
        // The slab reuses the index; the generation tells them apart.
        assert_eq!(new.index, old.index);
        assert_ne!(new.token(), old.token());
        assert_eq!(Key::from_token(old.token()), Some(old));
        hub.clear(new, Direction::Read);
        let mut woken = Vec::new();
        let mut state = hub.state.borrow_mut();
        fire(
            &mut state.entries,
            old.token(),
            [true, true],
            [false; 2],
            &mut woken,
        );
        assert!(!state.entries[new.index].ready[0]);
        fire(
            &mut state.entries,
            new.token(),
            [true, false],
            [false; 2],
            &mut woken,
        );
        assert!(state.entries[new.index].ready[0]);
        fire(
            &mut state.entries,
            WAKER,
            [true, true],
            [false; 2],
            &mut woken,
        );
    }
}
