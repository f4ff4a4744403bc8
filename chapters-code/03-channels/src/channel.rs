//! Unbuffered channels: senders and receivers meet, one value at a time.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use ch02_scheduler::{Deadlock, Error, Unparker, WaitOn, Wake, park, switch_point};

/// Who runs first when a sender and a receiver meet (rule 10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preference {
    /// The receiver runs at once; the sender waits its turn (Stackless's
    /// default, `-1`).
    Receiver,
    /// Neither: the partner goes to the end of the run queue and the caller
    /// keeps running (`0`).
    Neither,
    /// The sender runs at once (`+1`).
    Sender,
}

/// Why a channel operation failed.
#[derive(Debug)]
pub enum ChannelError<T> {
    /// The channel is closed; a failed send hands its value back.
    Closed(Option<T>),
    /// The main tasklet would wait forever: nothing could ever complete the
    /// operation.
    Deadlock(Deadlock),
    /// Another scheduler error (a call from an unwinding tasklet, say).
    Scheduler(Error),
    /// A sender sent an error instead of a value (Stackless's
    /// `send_exception`, rule 13): the receiver gets it from `receive`.
    Exception(Box<dyn Any + Send>),
}

impl<T> fmt::Display for ChannelError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChannelError::Closed(_) => write!(f, "the channel is closed"),
            ChannelError::Deadlock(d) => d.fmt(f),
            ChannelError::Scheduler(e) => e.fmt(f),
            ChannelError::Exception(payload) => {
                let text = payload
                    .downcast_ref::<&str>()
                    .copied()
                    .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
                match text {
                    Some(text) => write!(f, "the sender sent an error: {text}"),
                    None => write!(f, "the sender sent an error"),
                }
            }
        }
    }
}

impl<T: fmt::Debug> std::error::Error for ChannelError<T> {}

impl<T> From<Error> for ChannelError<T> {
    fn from(e: Error) -> ChannelError<T> {
        match e {
            Error::Deadlock(d) => ChannelError::Deadlock(d),
            other => ChannelError::Scheduler(other),
        }
    }
}

/// What travels over a channel: a value, or an error for the receiver; and
/// what `close` leaves a blocked receiver.
enum Message<T> {
    Value(T),
    Exception(Box<dyn Any + Send>),
    Closed,
}

impl<T> Message<T> {
    /// What a send that cannot happen returns: the value, handed back.
    fn give_back(self) -> ChannelError<T> {
        match self {
            Message::Value(v) => ChannelError::Closed(Some(v)),
            Message::Exception(_) | Message::Closed => ChannelError::Closed(None),
        }
    }

    fn into_result(self) -> Result<T, ChannelError<T>> {
        match self {
            Message::Value(v) => Ok(v),
            Message::Exception(e) => Err(ChannelError::Exception(e)),
            Message::Closed => Err(ChannelError::Closed(None)),
        }
    }
}

/// Where a message for a blocked receiver goes. One per waiting receiver,
/// shared with the sender that fills it; the channel keeps a spare, so a
/// wait does not allocate.
type Slot<T> = Rc<Cell<Option<Message<T>>>>;

// ANCHOR: waiter
/// A tasklet blocked on the channel, and what it waits with.
struct Waiter<T> {
    unparker: Unparker,
    waiting: Waiting<T>,
}

enum Waiting<T> {
    /// A blocked sender holds its message here, in the queue, until a
    /// receiver takes it.
    Sender(Message<T>),
    /// A blocked receiver waits for a sender to fill its slot.
    Receiver(Slot<T>),
}
// ANCHOR_END: waiter

/// Why a channel woke a blocked tasklet.
const DELIVERED: Wake = Wake(0);
const CLOSED: Wake = Wake(1);

struct State<T> {
    waiters: VecDeque<Waiter<T>>,
    preference: Preference,
    closed: bool,
    /// Slots of receivers that have finished waiting, for the next ones:
    /// as many as ever waited at once (a pool's idle workers, say), so that
    /// a wait does not allocate.
    spare_slots: Vec<Slot<T>>,
}

impl<T> State<T> {
    /// Takes the first waiter if it is of the kind wanted. Waiters that are
    /// no longer waiting (woken by another source, their park cancelled)
    /// are skipped: returned as `Stale`, to be dropped outside the borrow,
    /// since a sender's message is user code to drop.
    #[inline]
    fn partner(&mut self, senders: bool) -> Partner<T> {
        let Some(front) = self.waiters.front() else {
            return Partner::None;
        };
        if !front.unparker.is_waiting() {
            Partner::Stale(self.waiters.pop_front().expect("front exists"))
        } else if matches!(front.waiting, Waiting::Sender(_)) == senders {
            let found = self.waiters.pop_front().expect("front exists");
            // The next waiter is served next, and has waited longest: start
            // loading it (with many tasklets, it has left the caches).
            if let Some(next) = self.waiters.front() {
                next.unparker.prefetch();
            }
            Partner::Found(found)
        } else {
            Partner::None
        }
    }
}

// ANCHOR: unlink
/// Queues a waiter, and takes it out of the queue again if its wait ends
/// otherwise than by the channel: by unwinding (the tasklet was killed,
/// chapter 4) or with an error (main's deadlock). The balance is right at
/// once, and a sender's message is dropped by the tasklet that sent it.
struct Unlink<'a, T> {
    channel: &'a Channel<T>,
    mine: Option<Unparker>,
}

impl<T> Unlink<'_, T> {
    /// Takes the waiter out of the queue, if it is still there.
    fn remove(&mut self) {
        let Some(mine) = self.mine.take() else { return };
        let removed = {
            let mut state = self.channel.inner.state.borrow_mut();
            let at = state.waiters.iter().position(|w| w.unparker == mine);
            at.and_then(|at| state.waiters.remove(at))
        };
        drop(removed); // the message, outside the borrow
    }
}

impl<T> Drop for Unlink<'_, T> {
    fn drop(&mut self) {
        // Unless `taken` said the partner (or `close`) took it.
        self.remove();
    }
}
// ANCHOR_END: unlink

impl<'a, T> Unlink<'a, T> {
    fn new(channel: &'a Channel<T>) -> Unlink<'a, T> {
        Unlink {
            channel,
            mine: None,
        }
    }

    fn register(&mut self, waiter: Waiter<T>) {
        self.mine = Some(waiter.unparker.clone());
        let mut state = self.channel.inner.state.borrow_mut();
        state.waiters.push_back(waiter);
    }

    /// The wait ended by the channel: whoever woke the waiter took it out
    /// of the queue already.
    fn taken(&mut self) {
        self.mine = None;
    }
}

/// A receiver enlisted on a channel by
/// [`enlist_receiver`](Channel::enlist_receiver).
pub struct Enlisted<'a, T> {
    unlink: Unlink<'a, T>,
    slot: Slot<T>,
}

impl<T> Enlisted<'_, T> {
    /// What a sender delivered, if one did: a value, or the error it sent.
    pub fn take(&self) -> Option<Result<T, ChannelError<T>>> {
        self.slot.take().map(Message::into_result)
    }
}

impl<T> Drop for Enlisted<'_, T> {
    fn drop(&mut self) {
        self.unlink.remove();
        // A message nobody took is dropped here, outside any borrow; the
        // empty slot is kept for the next wait.
        drop(self.slot.take());
        self.unlink.channel.keep_slot(&self.slot);
    }
}

/// What a channel operation found at the head of the queue.
enum Partner<T> {
    Found(Waiter<T>),
    Stale(Waiter<T>),
    None,
}

struct Inner<T> {
    id: u64,
    state: RefCell<State<T>>,
}

/// An unbuffered channel. Clones are handles to the same channel.
pub struct Channel<T> {
    inner: Rc<Inner<T>>,
}

impl<T> Clone for Channel<T> {
    fn clone(&self) -> Channel<T> {
        Channel {
            inner: Rc::clone(&self.inner),
        }
    }
}

impl<T> Default for Channel<T> {
    fn default() -> Channel<T> {
        Channel::new()
    }
}

impl<T> fmt::Debug for Channel<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("id", &self.inner.id)
            .field("balance", &self.balance())
            .finish()
    }
}

impl<T> Channel<T> {
    /// A new channel, preferring receivers (Stackless's default).
    pub fn new() -> Channel<T> {
        thread_local!(static NEXT_ID: Cell<u64> = const { Cell::new(1) });
        let id = NEXT_ID.with(|n| n.replace(n.get() + 1));
        Channel {
            inner: Rc::new(Inner {
                id,
                state: RefCell::new(State {
                    waiters: VecDeque::new(),
                    preference: Preference::Receiver,
                    closed: false,
                    spare_slots: Vec::new(),
                }),
            }),
        }
    }

    /// This channel's number, as deadlock reports show it.
    pub fn id(&self) -> u64 {
        self.inner.id
    }

    /// Sets who runs first when a sender and a receiver meet.
    pub fn set_preference(&self, preference: Preference) {
        self.inner.state.borrow_mut().preference = preference;
    }

    /// Blocked senders (positive) or minus blocked receivers (rule 9).
    pub fn balance(&self) -> isize {
        let state = self.inner.state.borrow();
        state
            .waiters
            .iter()
            .filter(|w| w.unparker.is_waiting())
            .map(|w| match w.waiting {
                Waiting::Sender(_) => 1,
                Waiting::Receiver(_) => -1,
            })
            .sum()
    }

    /// Whether `close` was called (Stackless's `closing`): sends fail,
    /// but receivers may still take what blocked senders hold.
    pub fn is_closing(&self) -> bool {
        self.inner.state.borrow().closed
    }

    /// Whether the channel is closed and drained (Stackless's `closed`):
    /// closing, and no blocked sender is left, so every receive fails.
    pub fn is_closed(&self) -> bool {
        self.is_closing() && self.balance() == 0
    }

    // ANCHOR: wake
    /// Wakes a partner: at once if the preference favours it, otherwise at
    /// the end of the run queue (rule 10).
    fn wake(partner: &Unparker, partner_first: bool) {
        if partner_first {
            partner.hand_off(DELIVERED);
        } else {
            partner.unpark(DELIVERED);
        }
    }
    // ANCHOR_END: wake

    /// Sends `value`, blocking until a receiver takes it (rule 8).
    ///
    /// # Errors
    ///
    /// [`ChannelError::Closed`] with the value if the channel is closed,
    /// [`ChannelError::Deadlock`] if the main tasklet would wait forever.
    pub fn send(&self, value: T) -> Result<(), ChannelError<T>> {
        switch_point(); // for chapter 4's watchdog
        self.send_message(Message::Value(value))
    }

    /// Sends an error instead of a value (Stackless's `send_exception`,
    /// rule 13): the receiver's `receive` returns
    /// [`ChannelError::Exception`] with it. Rust errors are values, so the
    /// receiver decides what to do with it rather than unwinding.
    ///
    /// # Errors
    ///
    /// As for [`send`](Channel::send) (a closed channel gives back `None`).
    pub fn send_exception(&self, error: Box<dyn Any + Send>) -> Result<(), ChannelError<T>> {
        switch_point();
        self.send_message(Message::Exception(error))
    }

    // ANCHOR: send
    fn send_message(&self, message: Message<T>) -> Result<(), ChannelError<T>> {
        loop {
            let mut state = self.inner.state.borrow_mut();
            if state.closed {
                drop(state);
                return Err(message.give_back());
            }
            let receiver_first = state.preference == Preference::Receiver;
            let partner = state.partner(false);
            drop(state);
            return match partner {
                Partner::Found(Waiter {
                    unparker,
                    waiting: Waiting::Receiver(slot),
                }) => {
                    slot.set(Some(message));
                    // Let go of the slot before the receiver runs, so that
                    // it finds itself its only owner and keeps it as a spare.
                    drop(slot);
                    Self::wake(&unparker, receiver_first);
                    Ok(())
                }
                Partner::Stale(stale) => {
                    drop(stale);
                    continue;
                }
                _ => self.wait_to_send(message),
            };
        }
    }
    // ANCHOR_END: send

    /// Receives a value, blocking until a sender gives one (rule 8). A
    /// closed channel first drains what blocked senders still hold.
    ///
    /// # Errors
    ///
    /// [`ChannelError::Closed`] once the channel is closed and drained,
    /// [`ChannelError::Exception`] when the sender sent an error, and
    /// [`ChannelError::Deadlock`] if the main tasklet would wait forever.
    pub fn receive(&self) -> Result<T, ChannelError<T>> {
        switch_point(); // for chapter 4's watchdog
        match self.try_receive() {
            Some(result) => result,
            None => self.wait_to_receive(),
        }
    }

    /// Receives without blocking: a value (or a sent error) if a sender is
    /// waiting, [`ChannelError::Closed`] if the channel is closed and
    /// drained, and `None` if a receive would have to wait.
    #[inline]
    pub fn try_receive(&self) -> Option<Result<T, ChannelError<T>>> {
        loop {
            let mut state = self.inner.state.borrow_mut();
            let (sender_first, closed) = (state.preference == Preference::Sender, state.closed);
            let partner = state.partner(true);
            drop(state);
            return match partner {
                Partner::Found(Waiter {
                    unparker,
                    waiting: Waiting::Sender(message),
                }) => {
                    Self::wake(&unparker, sender_first);
                    Some(message.into_result())
                }
                Partner::Stale(stale) => {
                    drop(stale);
                    continue;
                }
                _ if closed => Some(Err(ChannelError::Closed(None))),
                _ => None,
            };
        }
    }

    // ANCHOR: enlist
    /// Enlists the tasklet that is about to park, with `unparker`, as a
    /// receiver on this channel: a sender that comes along fills the
    /// returned slot and wakes it. For waits on several sources at once
    /// (chapter 4's `select`); call it from `park`'s registration, and keep
    /// the result until the park is over. Dropping it takes the waiter out
    /// of the queue if no sender took it.
    pub fn enlist_receiver(&self, unparker: Unparker) -> Enlisted<'_, T> {
        let slot = self.slot();
        let mut unlink = Unlink::new(self);
        let waiting = Waiting::Receiver(Rc::clone(&slot));
        unlink.register(Waiter { unparker, waiting });
        Enlisted { unlink, slot }
    }
    // ANCHOR_END: enlist

    /// A slot for a receiver about to wait: a spare one if there is one.
    fn slot(&self) -> Slot<T> {
        let spare = self.inner.state.borrow_mut().spare_slots.pop();
        spare.unwrap_or_default()
    }

    /// Keeps an emptied slot for the next wait, if nobody else holds it.
    fn keep_slot(&self, slot: &Slot<T>) {
        if Rc::strong_count(slot) == 1 {
            let spare = Rc::clone(slot);
            self.inner.state.borrow_mut().spare_slots.push(spare);
        }
    }

    // ANCHOR: wait
    /// Parks the current tasklet as a sender, its message in the queue,
    /// until a receiver takes it.
    fn wait_to_send(&self, message: Message<T>) -> Result<(), ChannelError<T>> {
        let mut message = Some(message);
        let mut unlink = Unlink::new(self);
        let parked = park(
            WaitOn::object("send on channel", self.inner.id),
            |unparker| {
                let waiting = Waiting::Sender(message.take().expect("registered once"));
                unlink.register(Waiter { unparker, waiting });
            },
        );
        if parked.is_ok() {
            unlink.taken();
        }
        match parked {
            Ok(DELIVERED) => Ok(()),
            Ok(_) => unreachable!("closing a channel leaves its senders waiting"),
            Err(e) => Err(e.into()),
        }
    }
    // ANCHOR_END: wait

    /// Parks the current tasklet as a receiver until a sender fills its
    /// slot or the channel is closed.
    fn wait_to_receive(&self) -> Result<T, ChannelError<T>> {
        let slot = self.slot();
        let mut unlink = Unlink::new(self);
        let parked = park(
            WaitOn::object("receive on channel", self.inner.id),
            |unparker| {
                let waiting = Waiting::Receiver(Rc::clone(&slot));
                unlink.register(Waiter { unparker, waiting });
            },
        );
        if parked.is_ok() {
            unlink.taken();
        }
        let message = slot.take();
        self.keep_slot(&slot);
        match (parked, message) {
            (_, Some(message)) => message.into_result(),
            (Ok(_), None) => Err(ChannelError::Closed(None)),
            (Err(e), None) => Err(e.into()),
        }
    }

    /// Sends every item, returning how many were sent (rule 11).
    ///
    /// # Errors
    ///
    /// As for [`send`](Channel::send); items after a failure are not sent.
    pub fn send_sequence(
        &self,
        items: impl IntoIterator<Item = T>,
    ) -> Result<usize, ChannelError<T>> {
        let mut sent = 0;
        for item in items {
            self.send(item)?;
            sent += 1;
        }
        Ok(sent)
    }

    // ANCHOR: close
    /// Closes the channel (rule 12): later sends fail; receives drain what
    /// blocked senders hold, then fail. Unlike Stackless, closing wakes
    /// every blocked receiver (without switching to it): it gets the
    /// "closed" error, and iteration ends.
    pub fn close(&self) {
        let receivers: VecDeque<Waiter<T>> = {
            let mut state = self.inner.state.borrow_mut();
            state.closed = true;
            let (receivers, senders) = std::mem::take(&mut state.waiters)
                .into_iter()
                .partition(|w| matches!(w.waiting, Waiting::Receiver(_)));
            state.waiters = senders;
            receivers
        };
        for receiver in receivers {
            if let Waiting::Receiver(slot) = &receiver.waiting
                && receiver.unparker.is_waiting()
            {
                slot.set(Some(Message::Closed));
            }
            receiver.unparker.unpark(CLOSED);
        }
    }
    // ANCHOR_END: close
}

/// Iterating a channel receives until it is closed (rule 11), and only
/// then ends. Another error does not end the loop quietly: an error sent
/// with [`send_exception`](Channel::send_exception) is raised as the panic
/// it carries, and a deadlock panics with its report. (In a tasklet that
/// is unwinding, where a panic would abort the process, the loop ends.)
impl<T> Iterator for Channel<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self.receive() {
            Ok(value) => Some(value),
            Err(ChannelError::Closed(_)) => None,
            Err(_) if std::thread::panicking() => None,
            Err(ChannelError::Exception(payload)) => std::panic::resume_unwind(payload),
            Err(e) => panic!("{e}"),
        }
    }
}
