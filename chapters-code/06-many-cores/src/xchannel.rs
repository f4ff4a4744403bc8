//! Channels between threads: unbuffered rendezvous, like chapter 3's, for
//! values that may cross threads (`T: Send`).
//!
//! A separate type, so that chapter 3's channel keeps its lock-free fast
//! path: this one takes a lock on every operation. A sender that finds a
//! receiver waiting on another thread hands the value over and makes the
//! receiver runnable *in its own thread*; preferences do not apply across
//! threads (rule 17).

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use ch02_scheduler::{Error, Unparker, WaitOn, Wake, park};

use crate::world::RemoteUnparker;

/// The wake a partner's value (or a taken message) sends, as in chapter 3.
const DELIVERED: Wake = Wake(0);
/// The wake `close` sends a waiting receiver, as in chapter 3.
const CLOSED: Wake = Wake(1);
/// The wake a registration that settles its own exchange sends itself.
const SETTLED: Wake = Wake(0);

/// What a blocked receiver finds in its slot.
enum Message<T> {
    Value(T),
    Closed,
}

/// A receiver's slot, shared with the sender that fills it.
type Slot<T> = Arc<Mutex<Option<Message<T>>>>;

// ANCHOR: waiter
/// A tasklet, on some thread, blocked on the channel.
struct Waiter<T> {
    id: u64,
    waker: RemoteUnparker,
    waiting: Waiting<T>,
}

enum Waiting<T> {
    Sender(T),
    Receiver(Slot<T>),
}
// ANCHOR_END: waiter

struct State<T> {
    waiters: VecDeque<Waiter<T>>,
    closed: bool,
    next_id: u64,
}

impl<T> State<T> {
    /// Takes the first waiter if it is a sender (`senders`) or a receiver.
    fn partner(&mut self, senders: bool) -> Option<Waiter<T>> {
        let front = self.waiters.front()?;
        let wanted = matches!(front.waiting, Waiting::Sender(_)) == senders;
        wanted.then(|| self.waiters.pop_front().expect("front exists"))
    }
}

/// An unbuffered channel between tasklets on any threads. Clones are
/// handles to the same channel, and may be sent to other threads.
pub struct XChannel<T> {
    state: Arc<Mutex<State<T>>>,
}

impl<T> Clone for XChannel<T> {
    fn clone(&self) -> XChannel<T> {
        XChannel {
            state: Arc::clone(&self.state),
        }
    }
}

impl<T: Send> Default for XChannel<T> {
    fn default() -> XChannel<T> {
        XChannel::new()
    }
}

impl<T> fmt::Debug for XChannel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XChannel").finish_non_exhaustive()
    }
}

/// Why a cross-thread channel operation failed.
#[derive(Debug)]
pub enum XError<T> {
    /// The channel is closed; a failed send hands its value back.
    Closed(Option<T>),
    /// No thread can make progress: every member thread waits, and no
    /// wake-up is on its way (or another scheduler error).
    Scheduler(Error),
}

impl<T> fmt::Display for XError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XError::Closed(_) => write!(f, "the channel is closed"),
            XError::Scheduler(e) => e.fmt(f),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for XError<T> {}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves a queue of waiters and a flag,
    // each consistent after every step: go on.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T: Send> XChannel<T> {
    /// A new channel.
    pub fn new() -> XChannel<T> {
        XChannel {
            state: Arc::new(Mutex::new(State {
                waiters: VecDeque::new(),
                closed: false,
                next_id: 0,
            })),
        }
    }

    /// Blocked senders (positive) or minus blocked receivers, on all
    /// threads, as chapter 3's `balance`.
    pub fn balance(&self) -> isize {
        let state = lock(&self.state);
        state
            .waiters
            .iter()
            .map(|w| match w.waiting {
                Waiting::Sender(_) => 1,
                Waiting::Receiver(_) => -1,
            })
            .sum()
    }

    // ANCHOR: send
    /// Sends `value`, blocking the current tasklet (only it) until a
    /// receiver on any thread takes it.
    ///
    /// # Errors
    ///
    /// [`XError::Closed`] with the value if the channel is closed;
    /// [`XError::Scheduler`] if no thread could ever receive it.
    pub fn send(&self, value: T) -> Result<(), XError<T>> {
        crate::world::join();
        let value = Cell::new(Some(value));
        // Decided under the lock: hand the value to a waiting receiver (its
        // slot filled before the lock is let go), or queue up.
        let handed = self
            .exchange(
                |state| {
                    if state.closed {
                        return Some(Err(()));
                    }
                    state.partner(false).map(|receiver| {
                        if let Waiting::Receiver(slot) = &receiver.waiting {
                            let value = value.take().expect("handed over once");
                            *lock(slot) = Some(Message::Value(value));
                        }
                        Ok(receiver)
                    })
                },
                || Waiting::Sender(value.take().expect("queued once")),
            )
            .map_err(XError::Scheduler)?;
        match handed {
            // Taken by a receiver while we waited.
            None => Ok(()),
            Some(Err(())) => Err(XError::Closed(value.take())),
            Some(Ok(receiver)) => {
                receiver.waker.unpark(DELIVERED);
                Ok(())
            }
        }
    }
    // ANCHOR_END: send

    /// Receives a value, blocking the current tasklet until a sender on any
    /// thread gives one.
    ///
    /// # Errors
    ///
    /// [`XError::Closed`] once the channel is closed and drained;
    /// [`XError::Scheduler`] if no thread could ever send.
    pub fn receive(&self) -> Result<T, XError<T>> {
        crate::world::join();
        let slot: Slot<T> = Arc::default();
        let found = self
            .exchange(
                |state| match state.partner(true) {
                    Some(sender) => Some(Ok(sender)),
                    None if state.closed => Some(Err(())),
                    None => None,
                },
                || Waiting::Receiver(Arc::clone(&slot)),
            )
            .map_err(XError::Scheduler)?;
        match found {
            // A sender (or `close`) filled the slot while we waited.
            None => match lock(&slot).take() {
                Some(Message::Value(value)) => Ok(value),
                Some(Message::Closed) | None => Err(XError::Closed(None)),
            },
            Some(Err(())) => Err(XError::Closed(None)),
            Some(Ok(Waiter {
                waker,
                waiting: Waiting::Sender(value),
                ..
            })) => {
                waker.unpark(DELIVERED);
                Ok(value)
            }
            Some(Ok(_)) => unreachable!("only a sender is taken"),
        }
    }

    // ANCHOR: exchange
    /// Settles an operation: `try_now` looks at the queue under the lock
    /// and either settles it (a partner taken out, or `Err` for closed) or
    /// says it must wait; then the current tasklet queues up with
    /// `waiting()` and parks. A partner on another thread may come along at
    /// any moment, so the decision is taken again, under the lock, in the
    /// park's registration, rather than on what was seen before. `None`:
    /// the tasklet waited, and a partner (or `close`) settled it.
    fn exchange(
        &self,
        try_now: impl Fn(&mut State<T>) -> Option<Result<Waiter<T>, ()>>,
        waiting: impl FnOnce() -> Waiting<T>,
    ) -> Result<Option<Result<Waiter<T>, ()>>, Error> {
        // (The guard is dropped at the end of this statement, before any
        // park: the registration takes the lock again.)
        let now = try_now(&mut lock(&self.state));
        if now.is_some() {
            return Ok(now);
        }
        let mut decided = None;
        self.wait(|state, unparker| match try_now(state) {
            Some(outcome) => {
                decided = Some(outcome);
                unparker.unpark(SETTLED);
                None
            }
            None => Some(waiting()),
        })?;
        Ok(decided)
    }
    // ANCHOR_END: exchange

    /// Parks the current tasklet. Under the channel's lock, `decide` either
    /// settles the operation at once (and unparks the tasklet itself) or
    /// says what to queue; the queued waiter stays until a partner (or
    /// `close`) takes it out and wakes it.
    fn wait(
        &self,
        decide: impl FnOnce(&mut State<T>, &Unparker) -> Option<Waiting<T>>,
    ) -> Result<(), Error> {
        let mut queued = Queued {
            channel: self,
            mine: None,
        };
        let outcome = park(WaitOn::new("cross-thread channel"), |unparker| {
            let mut state = lock(&self.state);
            let Some(waiting) = decide(&mut state, &unparker) else {
                return;
            };
            let waker = RemoteUnparker::new(unparker);
            let id = state.next_id;
            state.next_id += 1;
            queued.mine = Some((id, waker.clone()));
            state.waiters.push_back(Waiter { id, waker, waiting });
        });
        match outcome {
            Ok(_) => Ok(()),
            // A deadlock was declared, but a partner on another thread may
            // have taken our waiter meanwhile: then the operation is done
            // (a receiver's slot was filled under the lock), and it stands.
            Err(e) if queued.leave() => Err(e),
            Err(_) => Ok(()),
        }
    }

    /// Closes the channel: later sends fail; receivers drain what blocked
    /// senders hold, then fail; blocked receivers are woken with the
    /// "closed" error, on their threads.
    pub fn close(&self) {
        crate::world::join();
        let receivers: VecDeque<Waiter<T>> = {
            let mut state = lock(&self.state);
            state.closed = true;
            let (receivers, senders): (VecDeque<_>, VecDeque<_>) =
                std::mem::take(&mut state.waiters)
                    .into_iter()
                    .partition(|w| matches!(w.waiting, Waiting::Receiver(_)));
            state.waiters = senders;
            for receiver in &receivers {
                if let Waiting::Receiver(slot) = &receiver.waiting {
                    *lock(slot) = Some(Message::Closed);
                }
            }
            receivers
        };
        for receiver in receivers {
            receiver.waker.unpark(CLOSED);
        }
    }
}

/// This tasklet's waiter in the queue, taken out again if the wait ends
/// otherwise than by a partner: a deadlock, or unwinding (a kill, or the
/// thread's scheduler torn down), so that no partner hands a value to a
/// tasklet that is gone.
struct Queued<'a, T> {
    channel: &'a XChannel<T>,
    mine: Option<(u64, RemoteUnparker)>,
}

impl<T> Queued<'_, T> {
    /// Takes the waiter out of the queue; false if a partner took it first.
    fn leave(&mut self) -> bool {
        let Some((id, waker)) = self.mine.take() else {
            return true;
        };
        waker.cancel();
        let removed = {
            let mut state = lock(&self.channel.state);
            let at = state.waiters.iter().position(|w| w.id == id);
            at.and_then(|at| state.waiters.remove(at))
        };
        let left = removed.is_some();
        drop(removed); // a sender's value, outside the lock
        left
    }
}

impl<T> Drop for Queued<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.leave();
        }
    }
}

/// Iterating receives until the channel is closed, as for chapter 3's
/// channel: a deadlock does not end the loop quietly, it panics with its
/// report (except in a tasklet that is unwinding, where the loop ends).
impl<T: Send> Iterator for XChannel<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self.receive() {
            Ok(value) => Some(value),
            Err(XError::Closed(_)) => None,
            Err(_) if std::thread::panicking() => None,
            Err(e) => panic!("{e}"),
        }
    }
}
