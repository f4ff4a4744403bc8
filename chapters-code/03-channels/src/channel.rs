//! Unbuffered channels: senders and receivers meet, one value at a time.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use ch02_scheduler::{Deadlock, Error, Unparker, WaitOn, Wake, park, schedule};

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

/// What travels over a channel: a value, or an error for the receiver.
enum Message<T> {
    Value(T),
    Exception(Box<dyn Any + Send>),
}

impl<T> Message<T> {
    fn into_result(self) -> Result<T, ChannelError<T>> {
        match self {
            Message::Value(v) => Ok(v),
            Message::Exception(e) => Err(ChannelError::Exception(e)),
        }
    }
}

/// The slot a message travels in: a sender's, until a receiver takes it; a
/// receiver's, once a sender fills it.
type Slot<T> = Rc<RefCell<Option<Message<T>>>>;

// ANCHOR: waiter
/// A tasklet blocked on the channel.
struct Waiter<T> {
    unparker: Unparker,
    sending: bool,
    slot: Slot<T>,
}
// ANCHOR_END: waiter

struct State<T> {
    waiters: VecDeque<Waiter<T>>,
    preference: Preference,
    closed: bool,
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

/// What an operation found at the head of the waiters' queue.
enum Partner<T> {
    Found(Waiter<T>),
    None,
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
            .map(|w| if w.sending { 1 } else { -1 })
            .sum()
    }

    /// Whether the channel is closed.
    pub fn is_closed(&self) -> bool {
        self.inner.state.borrow().closed
    }

    /// Takes the first still-waiting partner of the given kind, dropping
    /// stale waiters (woken elsewhere, or whose park was cancelled).
    fn partner(&self, sending: bool) -> Partner<T> {
        let mut state = self.inner.state.borrow_mut();
        while let Some(front) = state.waiters.front() {
            if !front.unparker.is_waiting() {
                state.waiters.pop_front();
                continue;
            }
            if front.sending == sending {
                let waiter = state.waiters.pop_front().expect("front exists");
                return Partner::Found(waiter);
            }
            break;
        }
        Partner::None
    }

    // ANCHOR: wake
    /// Wakes a partner: at once if the preference favours it, otherwise at
    /// the end of the run queue (rule 10).
    fn wake(&self, partner: Waiter<T>, partner_first: bool) {
        if partner_first {
            partner.unparker.unpark_next(Wake(0));
            schedule();
        } else {
            partner.unparker.unpark(Wake(0));
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
        self.send_message(Message::Exception(error))
    }

    // ANCHOR: send
    fn send_message(&self, message: Message<T>) -> Result<(), ChannelError<T>> {
        let give_back = |m: Message<T>| match m {
            Message::Value(v) => ChannelError::Closed(Some(v)),
            Message::Exception(_) => ChannelError::Closed(None),
        };
        if self.is_closed() {
            return Err(give_back(message));
        }
        if let Partner::Found(receiver) = self.partner(false) {
            *receiver.slot.borrow_mut() = Some(message);
            let first = self.inner.state.borrow().preference == Preference::Receiver;
            self.wake(receiver, first);
            return Ok(());
        }
        match self.wait(true, Some(message)) {
            (Ok(_), None) => Ok(()),
            (Ok(_), Some(message)) => Err(give_back(message)),
            (Err(e), _) => Err(e.into()),
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
        if let Partner::Found(sender) = self.partner(true) {
            let message = sender
                .slot
                .borrow_mut()
                .take()
                .expect("a waiting sender holds its message");
            let first = self.inner.state.borrow().preference == Preference::Sender;
            self.wake(sender, first);
            return message.into_result();
        }
        if self.is_closed() {
            return Err(ChannelError::Closed(None));
        }
        match self.wait(false, None) {
            (_, Some(message)) => message.into_result(),
            (Ok(_), None) => Err(ChannelError::Closed(None)),
            (Err(e), None) => Err(e.into()),
        }
    }

    // ANCHOR: wait
    /// Parks the current tasklet as a sender (holding `message`) or a
    /// receiver, until a partner or `close` wakes it; returns how the park
    /// ended and what is left in its slot (a sender's message nobody took,
    /// or the message a receiver was given).
    fn wait(
        &self,
        sending: bool,
        message: Option<Message<T>>,
    ) -> (Result<Wake, Error>, Option<Message<T>>) {
        let what = if sending {
            "send on channel"
        } else {
            "receive on channel"
        };
        let slot = Rc::new(RefCell::new(message));
        let parked = park(WaitOn::object(what, self.inner.id), |unparker| {
            let waiter = Waiter {
                unparker,
                sending,
                slot: Rc::clone(&slot),
            };
            self.inner.state.borrow_mut().waiters.push_back(waiter);
        });
        let left = slot.borrow_mut().take();
        (parked, left)
    }
    // ANCHOR_END: wait

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
                .partition(|w| !w.sending);
            state.waiters = senders;
            receivers
        };
        for receiver in receivers {
            receiver.unparker.unpark(Wake(1));
        }
    }
    // ANCHOR_END: close
}

/// Iterating a channel receives until it is closed (rule 11); an error
/// (a sent exception, a deadlock) also ends the iteration.
impl<T> Iterator for Channel<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.receive().ok()
    }
}
