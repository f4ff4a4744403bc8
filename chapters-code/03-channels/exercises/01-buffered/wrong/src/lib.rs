//! Chapter 3, exercise 1: a buffered channel (a plausible wrong solution).
//!
//! The mistake: a receive that makes room does not wake a sender waiting
//! for it, so a sender that found the buffer full waits forever.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Unparker, WaitOn, Wake, park};

struct State<T> {
    items: VecDeque<T>,
    capacity: usize,
    /// Senders waiting for room, first come first served.
    senders: VecDeque<Unparker>,
    /// Receivers waiting for a value.
    receivers: VecDeque<Unparker>,
}

/// A channel with room for a fixed number of values. Clones share the same
/// channel.
pub struct Buffered<T> {
    state: Rc<RefCell<State<T>>>,
}

impl<T> Clone for Buffered<T> {
    fn clone(&self) -> Buffered<T> {
        Buffered {
            state: Rc::clone(&self.state),
        }
    }
}

/// Wakes the first of `waiters` whose park is still waiting.
fn wake_first(waiters: &mut VecDeque<Unparker>) -> Option<Unparker> {
    while let Some(waiter) = waiters.pop_front() {
        if waiter.is_waiting() {
            return Some(waiter);
        }
    }
    None
}

impl<T> Buffered<T> {
    /// An empty channel with room for `capacity` values.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0: use an unbuffered `Channel` for that.
    pub fn new(capacity: usize) -> Buffered<T> {
        assert!(
            capacity > 0,
            "a buffered channel needs room for at least one value; use an unbuffered Channel for 0"
        );
        Buffered {
            state: Rc::new(RefCell::new(State {
                items: VecDeque::with_capacity(capacity),
                capacity,
                senders: VecDeque::new(),
                receivers: VecDeque::new(),
            })),
        }
    }

    /// Puts `value` in the buffer, parking while it is full.
    pub fn send(&self, value: T) {
        while self.len() == self.state.borrow().capacity {
            park(WaitOn::new("buffered send"), |unparker| {
                self.state.borrow_mut().senders.push_back(unparker);
            })
            .expect("a buffered send could wait forever");
        }
        let receiver = {
            let mut state = self.state.borrow_mut();
            state.items.push_back(value);
            wake_first(&mut state.receivers)
        };
        if let Some(receiver) = receiver {
            receiver.unpark(Wake(0));
        }
    }

    /// Takes the oldest value, parking while the buffer is empty.
    pub fn receive(&self) -> T {
        loop {
            let taken = {
                let mut state = self.state.borrow_mut();
                state
                    .items
                    .pop_front()
                    .map(|value| (value, None::<Unparker>))
            };
            if let Some((value, sender)) = taken {
                if let Some(sender) = sender {
                    sender.unpark(Wake(0));
                }
                return value;
            }
            park(WaitOn::new("buffered receive"), |unparker| {
                self.state.borrow_mut().receivers.push_back(unparker);
            })
            .expect("a buffered receive could wait forever");
        }
    }

    /// How many values the buffer holds.
    pub fn len(&self) -> usize {
        self.state.borrow().items.len()
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
