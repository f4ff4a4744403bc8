//! A broadcast that never waits for a slow subscriber.
//!
//! A channel of chapter 3 is a rendezvous: the sender waits for its
//! receiver. For a live view that would be wrong, since one viewer on a
//! slow network would hold up the battle and every other viewer. So each
//! subscriber here has an inbox of bounded size. Sending puts the item in
//! every inbox, at once, and never parks; a full inbox drops its oldest
//! item and counts it, so a viewer that falls behind skips ahead to the
//! present. A subscriber parks only while its own inbox is empty.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use ch02_scheduler::{Error, Unparker, WaitOn, Wake, park};

/// One subscriber's inbox.
struct Inbox<T> {
    queue: RefCell<VecDeque<T>>,
    /// Items dropped because the queue was full.
    dropped: Cell<u64>,
    /// The subscriber, while it waits for an item.
    waiter: RefCell<Option<Unparker>>,
}

// ANCHOR: broadcast
/// Sends each item to every subscriber, with a bounded inbox each.
pub struct Broadcast<T> {
    inboxes: RefCell<Vec<Weak<Inbox<T>>>>,
    capacity: usize,
    closed: Cell<bool>,
}

impl<T: Clone> Broadcast<T> {
    /// Puts `item` in every subscriber's inbox and wakes those waiting.
    /// Never parks: an inbox that is full drops its oldest item first.
    pub fn send(&self, item: &T) {
        self.inboxes.borrow_mut().retain(|inbox| {
            let Some(inbox) = inbox.upgrade() else {
                return false; // the subscription was dropped
            };
            let mut queue = inbox.queue.borrow_mut();
            if queue.len() == self.capacity {
                queue.pop_front();
                inbox.dropped.set(inbox.dropped.get() + 1);
            }
            queue.push_back(item.clone());
            if let Some(waiter) = inbox.waiter.take() {
                waiter.unpark(Wake(0));
            }
            true
        });
    }
}
// ANCHOR_END: broadcast

impl<T> Broadcast<T> {
    /// A broadcast whose subscribers each hold at most `capacity` items.
    ///
    /// # Panics
    ///
    /// If `capacity` is zero.
    pub fn new(capacity: usize) -> Rc<Broadcast<T>> {
        assert!(capacity > 0, "an inbox must hold at least one item");
        Rc::new(Broadcast {
            inboxes: RefCell::default(),
            capacity,
            closed: Cell::new(false),
        })
    }

    /// A new subscriber, which receives the items sent from now on.
    pub fn subscribe(self: &Rc<Self>) -> Subscription<T> {
        let inbox = Rc::new(Inbox {
            queue: RefCell::new(VecDeque::with_capacity(self.capacity)),
            dropped: Cell::new(0),
            waiter: RefCell::new(None),
        });
        let mut inboxes = self.inboxes.borrow_mut();
        inboxes.retain(|inbox| inbox.strong_count() > 0); // the departed
        inboxes.push(Rc::downgrade(&inbox));
        Subscription {
            inbox,
            broadcast: Rc::clone(self),
        }
    }

    /// How many subscriptions are alive.
    pub fn subscribers(&self) -> usize {
        let inboxes = self.inboxes.borrow();
        inboxes.iter().filter(|i| i.strong_count() > 0).count()
    }

    /// Ends the broadcast: subscribers receive what is in their inboxes,
    /// then `None`.
    pub fn close(&self) {
        self.closed.set(true);
        for inbox in self.inboxes.borrow().iter().filter_map(Weak::upgrade) {
            if let Some(waiter) = inbox.waiter.take() {
                waiter.unpark(Wake(0));
            }
        }
    }
}

/// One subscriber's end of a [`Broadcast`].
pub struct Subscription<T> {
    inbox: Rc<Inbox<T>>,
    broadcast: Rc<Broadcast<T>>,
}

impl<T> Subscription<T> {
    // ANCHOR: next
    /// The oldest item in the inbox, parking until there is one. `None`
    /// once the broadcast is closed and the inbox is empty.
    ///
    /// # Errors
    ///
    /// The scheduler's, from [`park()`]: a deadlock in the main tasklet, or
    /// a tasklet that is unwinding.
    pub fn next(&self) -> Result<Option<T>, Error> {
        loop {
            if let Some(item) = self.try_next() {
                return Ok(Some(item));
            }
            if self.broadcast.closed.get() {
                return Ok(None);
            }
            park(WaitOn::new("broadcast"), |me| self.wake_on_send(me))?;
        }
    }
    // ANCHOR_END: next

    /// The oldest item in the inbox, if there is one; never parks.
    pub fn try_next(&self) -> Option<T> {
        self.inbox.queue.borrow_mut().pop_front()
    }

    /// Hands the broadcast `unparker`, for the next send (or the close)
    /// to wake: for a tasklet that waits on this and other sources at
    /// once, in one `park`. If the inbox already holds an item, or the
    /// broadcast is closed, it wakes the tasklet at once: items that
    /// arrived while it was busy elsewhere are not left waiting.
    pub fn wake_on_send(&self, unparker: Unparker) {
        if !self.inbox.queue.borrow().is_empty() || self.broadcast.closed.get() {
            unparker.unpark(Wake(0));
        } else {
            *self.inbox.waiter.borrow_mut() = Some(unparker);
        }
    }

    /// How many items this subscriber missed because its inbox was full.
    pub fn dropped(&self) -> u64 {
        self.inbox.dropped.get()
    }
}
