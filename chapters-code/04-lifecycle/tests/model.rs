//! Random programs of spawn, send, receive, close, schedule and kill, run on
//! the real scheduler and on a small reference model of the semantics; the
//! traces they print must be the same, and so must what is left blocked.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Tasklet, run, schedule, spawn};
use ch03_channels::{Channel, ChannelError};
use ch04_lifecycle::Kill;
use proptest::prelude::*;

const CHANNELS: usize = 2;

/// One step of a tasklet's script.
#[derive(Clone, Copy, Debug)]
enum Op {
    Send(usize, u32),
    Receive(usize),
    Close(usize),
    Schedule,
}

/// One step of main's script.
#[derive(Clone, Copy, Debug)]
enum Main {
    Run,
    Kill(usize),
}

/// What a step printed: who (a tasklet's index; main is `usize::MAX`),
/// which step of its script, and how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Event {
    who: usize,
    step: usize,
    outcome: Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Sent,
    SendClosed,
    Received(u32),
    ReceiveClosed,
    Closed,
    Scheduled,
    Killed(usize),
}

const MAIN: usize = usize::MAX;

/// What a program leaves: its trace, each channel's balance, and which
/// tasklets are still alive.
type Observed = (Vec<Event>, Vec<isize>, Vec<bool>);

// ---- The real thing -------------------------------------------------------

fn run_real(scripts: &[Vec<Op>], main: &[Main]) -> Observed {
    let channels: Vec<Channel<u32>> = (0..CHANNELS).map(|_| Channel::new()).collect();
    let trace: Rc<RefCell<Vec<Event>>> = Rc::default();
    let tasklets: Vec<Tasklet> = scripts
        .iter()
        .enumerate()
        .map(|(who, script)| {
            let (script, channels, trace) = (script.clone(), channels.clone(), Rc::clone(&trace));
            spawn(move || {
                for (step, op) in script.into_iter().enumerate() {
                    let outcome = match op {
                        Op::Send(c, v) => match channels[c].send(v) {
                            Ok(()) => Outcome::Sent,
                            Err(ChannelError::Closed(_)) => Outcome::SendClosed,
                            Err(e) => panic!("send: {e}"),
                        },
                        Op::Receive(c) => match channels[c].receive() {
                            Ok(v) => Outcome::Received(v),
                            Err(ChannelError::Closed(_)) => Outcome::ReceiveClosed,
                            Err(e) => panic!("receive: {e}"),
                        },
                        Op::Close(c) => {
                            channels[c].close();
                            Outcome::Closed
                        }
                        Op::Schedule => {
                            schedule();
                            Outcome::Scheduled
                        }
                    };
                    trace.borrow_mut().push(Event { who, step, outcome });
                }
            })
        })
        .collect();
    for (step, m) in main.iter().enumerate() {
        match *m {
            Main::Run => run().unwrap(),
            Main::Kill(k) => {
                tasklets[k].kill().unwrap();
                let outcome = Outcome::Killed(k);
                trace.borrow_mut().push(Event {
                    who: MAIN,
                    step,
                    outcome,
                });
            }
        }
    }
    let balances = channels.iter().map(Channel::balance).collect();
    let alive = tasklets.iter().map(|t| !t.is_dead()).collect();
    // Leave nothing behind for the next case.
    tasklets.iter().for_each(|t| t.kill().unwrap());
    assert!(
        channels.iter().all(|c| c.balance() == 0),
        "kills unlinked everyone"
    );
    let trace = trace.borrow().clone();
    (trace, balances, alive)
}

// ---- The model ------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Queued,
    Blocked,
    Dead,
}

struct Task {
    script: Vec<Op>,
    step: usize,
    status: Status,
    /// The outcome of the step it is suspended in, printed when it resumes.
    pending: Option<Outcome>,
}

/// A blocked tasklet on a channel: a sender (with its value) or a receiver.
struct Waiter {
    who: usize,
    sending: Option<u32>,
}

#[derive(Default)]
struct ModelChannel {
    queue: VecDeque<Waiter>,
    closed: bool,
}

struct Model {
    tasks: Vec<Task>,
    ring: VecDeque<usize>,
    channels: Vec<ModelChannel>,
    trace: Vec<Event>,
}

impl Model {
    fn new(scripts: &[Vec<Op>]) -> Model {
        Model {
            tasks: scripts
                .iter()
                .map(|s| Task {
                    script: s.clone(),
                    step: 0,
                    status: Status::Queued,
                    pending: None,
                })
                .collect(),
            ring: (0..scripts.len()).collect(),
            channels: (0..CHANNELS).map(|_| ModelChannel::default()).collect(),
            trace: Vec::new(),
        }
    }

    fn wake(&mut self, who: usize, outcome: Outcome, front: bool) {
        self.tasks[who].pending = Some(outcome);
        self.tasks[who].status = Status::Queued;
        if front {
            self.ring.push_front(who);
        } else {
            self.ring.push_back(who);
        }
    }

    fn print(&mut self, who: usize, outcome: Outcome) {
        let step = self.tasks[who].step;
        self.trace.push(Event { who, step, outcome });
        self.tasks[who].step += 1;
    }

    /// Runs until nothing is queued (`run`).
    fn run(&mut self) {
        while let Some(who) = self.ring.pop_front() {
            self.turn(who);
        }
    }

    /// One turn of a tasklet: from where it is suspended to where it
    /// suspends next.
    fn turn(&mut self, who: usize) {
        if let Some(outcome) = self.tasks[who].pending.take() {
            self.print(who, outcome);
        }
        loop {
            let task = &self.tasks[who];
            let Some(&op) = task.script.get(task.step) else {
                self.tasks[who].status = Status::Dead;
                return;
            };
            match op {
                Op::Schedule => {
                    self.wake(who, Outcome::Scheduled, false);
                    return;
                }
                Op::Send(c, v) if self.channels[c].closed => {
                    let _ = v;
                    self.print(who, Outcome::SendClosed);
                }
                Op::Send(c, v) => {
                    let receiver = matches!(
                        self.channels[c].queue.front(),
                        Some(Waiter { sending: None, .. })
                    );
                    if receiver {
                        // Rule 10, receiver preferred: it runs now, and
                        // the sender waits its turn at the end of the ring.
                        let r = self.channels[c].queue.pop_front().unwrap().who;
                        self.wake(r, Outcome::Received(v), true);
                        self.tasks[who].pending = Some(Outcome::Sent);
                        self.ring.push_back(who);
                    } else {
                        self.channels[c].queue.push_back(Waiter {
                            who,
                            sending: Some(v),
                        });
                        self.tasks[who].status = Status::Blocked;
                    }
                    return;
                }
                Op::Receive(c) => {
                    let sender = match self.channels[c].queue.front() {
                        Some(Waiter {
                            sending: Some(_), ..
                        }) => self.channels[c].queue.pop_front(),
                        _ => None,
                    };
                    if let Some(Waiter {
                        who: s,
                        sending: Some(v),
                    }) = sender
                    {
                        self.wake(s, Outcome::Sent, false);
                        self.print(who, Outcome::Received(v));
                    } else if self.channels[c].closed {
                        self.print(who, Outcome::ReceiveClosed);
                    } else {
                        self.channels[c]
                            .queue
                            .push_back(Waiter { who, sending: None });
                        self.tasks[who].status = Status::Blocked;
                        return;
                    }
                }
                Op::Close(c) => {
                    self.channels[c].closed = true;
                    let queue = std::mem::take(&mut self.channels[c].queue);
                    let (receivers, senders): (VecDeque<_>, _) =
                        queue.into_iter().partition(|w| w.sending.is_none());
                    self.channels[c].queue = senders;
                    for r in receivers {
                        self.wake(r.who, Outcome::ReceiveClosed, false);
                    }
                    self.print(who, Outcome::Closed);
                }
            }
        }
    }

    fn kill(&mut self, victim: usize, step: usize) {
        match self.tasks[victim].status {
            Status::Dead => {}
            Status::Queued => self.ring.retain(|&t| t != victim),
            Status::Blocked => {
                for channel in &mut self.channels {
                    channel.queue.retain(|w| w.who != victim);
                }
            }
        }
        self.tasks[victim].status = Status::Dead;
        self.tasks[victim].pending = None;
        let outcome = Outcome::Killed(victim);
        self.trace.push(Event {
            who: MAIN,
            step,
            outcome,
        });
    }

    fn observed(self) -> Observed {
        let balances = self
            .channels
            .iter()
            .map(|c| {
                c.queue
                    .iter()
                    .map(|w| if w.sending.is_some() { 1 } else { -1 })
                    .sum()
            })
            .collect();
        let alive = self
            .tasks
            .iter()
            .map(|t| t.status != Status::Dead)
            .collect();
        (self.trace, balances, alive)
    }
}

fn run_model(scripts: &[Vec<Op>], main: &[Main]) -> Observed {
    let mut model = Model::new(scripts);
    for (step, m) in main.iter().enumerate() {
        match *m {
            Main::Run => model.run(),
            Main::Kill(k) => model.kill(k, step),
        }
    }
    model.observed()
}

// ---- The property ---------------------------------------------------------

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..CHANNELS, 0..100u32).prop_map(|(c, v)| Op::Send(c, v)),
        4 => (0..CHANNELS).prop_map(Op::Receive),
        1 => (0..CHANNELS).prop_map(Op::Close),
        2 => Just(Op::Schedule),
    ]
}

fn program() -> impl Strategy<Value = (Vec<Vec<Op>>, Vec<Main>)> {
    prop::collection::vec(prop::collection::vec(op(), 0..8), 1..5).prop_flat_map(|scripts| {
        let n = scripts.len();
        let step = prop_oneof![2 => Just(Main::Run), 1 => (0..n).prop_map(Main::Kill)];
        (Just(scripts), prop::collection::vec(step, 1..6))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_scheduler_behaves_like_the_model((scripts, main) in program()) {
        prop_assert_eq!(run_real(&scripts, &main), run_model(&scripts, &main));
    }
}
