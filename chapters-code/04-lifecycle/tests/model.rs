//! Random programs of spawn, send, receive, close, schedule, sleep and
//! kill, run on the real scheduler and on a small reference model of the
//! semantics; the traces they print must be the same, and so must what is
//! left blocked and the order in which tasklets end.
//!
//! Kills come from every context: from main, from a tasklet (itself
//! included), and from an idle hook that calls back into the runtime when
//! nothing is runnable (a `kill`, refused there, a `kill_pending`, and a
//! send to a waiting receiver). Each program runs on a thread of its own,
//! which exits with whatever is still alive: rule 18's kills end the story.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ch02_scheduler::{Idle, IdleHook, Tasklet, run, schedule, set_idle_hook, spawn};
use ch03_channels::{Channel, ChannelError};
use ch04_lifecycle::time::set_clock;
use ch04_lifecycle::{Kill, VirtualClock, sleep};
use proptest::prelude::*;

const CHANNELS: usize = 2;

/// One step of a tasklet's script.
#[derive(Clone, Copy, Debug)]
enum Op {
    Send(usize, u32),
    Receive(usize),
    Close(usize),
    Schedule,
    /// Sleep this many milliseconds on the thread's virtual clock.
    Sleep(u64),
    /// Kill the tasklet with this index (perhaps itself, perhaps dead).
    Kill(usize),
}

/// One step of main's script.
#[derive(Clone, Copy, Debug)]
enum Main {
    Run,
    Kill(usize),
}

/// What the idle hook does, one action each time it is asked to wait.
#[derive(Clone, Copy, Debug)]
enum Hook {
    Send(usize, u32),
    /// Refused in the hook (rule 19), unless the victim is dead already.
    Kill(usize),
    KillPending(usize),
}

/// What a step printed: who (a tasklet's index, `MAIN` or `HOOK`), which
/// step of its script, and how it ended.
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
    /// A send the hook could not make without waiting.
    SendRefused,
    Received(u32),
    ReceiveClosed,
    Closed,
    Scheduled,
    Slept,
    Killed(usize),
    KillRefused(usize),
    KillPending(usize),
}

const MAIN: usize = usize::MAX;
const HOOK: usize = usize::MAX - 1;

/// What a program leaves: its trace, each channel's balance, which
/// tasklets are still alive when main's script ends, and the order in
/// which tasklets ended (finished or killed, at thread exit included).
type Observed = (Vec<Event>, Vec<isize>, Vec<bool>, Vec<usize>);

/// A program: the tasklets' scripts, main's, and the hook's.
type Program = (Vec<Vec<Op>>, Vec<Main>, Vec<Hook>);

// ---- The real thing -------------------------------------------------------

/// Logs its tasklet's index when dropped: when the tasklet ends.
struct Ending(usize, Arc<Mutex<Vec<usize>>>);

impl Drop for Ending {
    fn drop(&mut self) {
        self.1.lock().unwrap().push(self.0);
    }
}

type Trace = Rc<RefCell<Vec<Event>>>;

/// The idle hook of the real run: one action per wait.
struct Actions {
    actions: VecDeque<(usize, Hook)>,
    channels: Vec<Channel<u32>>,
    tasklets: Rc<RefCell<Vec<Tasklet>>>,
    trace: Trace,
}

impl IdleHook for Actions {
    fn wait(&mut self) -> Idle {
        let Some((step, action)) = self.actions.pop_front() else {
            return Idle::Nothing;
        };
        let outcome = match action {
            Hook::Send(c, v) => match self.channels[c].send(v) {
                Ok(()) => Outcome::Sent,
                Err(ChannelError::Closed(_)) => Outcome::SendClosed,
                Err(ChannelError::Scheduler(_)) => Outcome::SendRefused,
                Err(e) => panic!("the hook's send: {e}"),
            },
            Hook::Kill(k) => match self.tasklets.borrow()[k].kill() {
                Ok(()) => Outcome::Killed(k),
                Err(_) => Outcome::KillRefused(k),
            },
            Hook::KillPending(k) => {
                self.tasklets.borrow()[k].kill_pending().unwrap();
                Outcome::KillPending(k)
            }
        };
        let event = Event {
            who: HOOK,
            step,
            outcome,
        };
        self.trace.borrow_mut().push(event);
        Idle::Woke
    }
}

/// Runs one step of a tasklet's script. A tasklet that kills itself
/// unwinds from here, and prints nothing.
fn step(op: Op, channels: &[Channel<u32>], tasklets: &RefCell<Vec<Tasklet>>) -> Outcome {
    match op {
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
        Op::Sleep(ms) => {
            sleep(Duration::from_millis(ms)).unwrap();
            Outcome::Slept
        }
        Op::Kill(k) => {
            // A handle of our own: the borrow must not be held while the
            // victim unwinds (this very tasklet, perhaps).
            let victim = tasklets.borrow()[k].clone();
            victim.kill().unwrap();
            Outcome::Killed(k)
        }
    }
}

fn run_real((scripts, main, hook): &Program) -> Observed {
    let endings = Arc::new(Mutex::new(Vec::new()));
    let (scripts, main, hook, e) = (
        scripts.clone(),
        main.clone(),
        hook.clone(),
        Arc::clone(&endings),
    );
    let (trace, balances, alive) = std::thread::spawn(move || {
        set_clock(VirtualClock::new());
        let channels: Vec<Channel<u32>> = (0..CHANNELS).map(|_| Channel::new()).collect();
        let trace = Trace::default();
        let tasklets: Rc<RefCell<Vec<Tasklet>>> = Rc::default();
        for (who, script) in scripts.into_iter().enumerate() {
            let (channels, trace, all) =
                (channels.clone(), Rc::clone(&trace), Rc::clone(&tasklets));
            let ending = Ending(who, Arc::clone(&e));
            let tasklet = spawn(move || {
                let _ending = ending;
                for (n, op) in script.into_iter().enumerate() {
                    let outcome = step(op, &channels, &all);
                    trace.borrow_mut().push(Event {
                        who,
                        step: n,
                        outcome,
                    });
                }
            });
            tasklets.borrow_mut().push(tasklet);
        }
        set_idle_hook(Some(Box::new(Actions {
            actions: hook.into_iter().enumerate().collect(),
            channels: channels.clone(),
            tasklets: Rc::clone(&tasklets),
            trace: Rc::clone(&trace),
        })));
        for (step, m) in main.into_iter().enumerate() {
            match m {
                Main::Run => run().unwrap(),
                Main::Kill(k) => {
                    tasklets.borrow()[k].kill().unwrap();
                    let outcome = Outcome::Killed(k);
                    trace.borrow_mut().push(Event {
                        who: MAIN,
                        step,
                        outcome,
                    });
                }
            }
        }
        let balances: Vec<isize> = channels.iter().map(Channel::balance).collect();
        let alive: Vec<bool> = tasklets.borrow().iter().map(|t| !t.is_dead()).collect();
        let trace = trace.borrow().clone();
        // The thread exits now, with whoever is alive: rule 18 kills them.
        (trace, balances, alive)
    })
    .join()
    .expect("the program's thread ends cleanly");
    let endings = endings.lock().unwrap().clone();
    (trace, balances, alive, endings)
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
    /// Killed pending: it unwinds when its turn comes.
    dying: bool,
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

/// A sleeper: its deadline, the order it went to sleep in, and who.
type Timer = (u64, usize, usize);

struct Model {
    tasks: Vec<Task>,
    ring: VecDeque<usize>,
    channels: Vec<ModelChannel>,
    /// The virtual clock, in milliseconds, and the sleepers.
    now: u64,
    timers: Vec<Timer>,
    timers_set: usize,
    hook: VecDeque<(usize, Hook)>,
    trace: Vec<Event>,
    endings: Vec<usize>,
}

impl Model {
    fn new((scripts, _, hook): &Program) -> Model {
        Model {
            tasks: scripts
                .iter()
                .map(|s| Task {
                    script: s.clone(),
                    step: 0,
                    status: Status::Queued,
                    pending: None,
                    dying: false,
                })
                .collect(),
            ring: (0..scripts.len()).collect(),
            channels: (0..CHANNELS).map(|_| ModelChannel::default()).collect(),
            now: 0,
            timers: Vec::new(),
            timers_set: 0,
            hook: hook.iter().copied().enumerate().collect(),
            trace: Vec::new(),
            endings: Vec::new(),
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

    fn die(&mut self, who: usize) {
        self.tasks[who].status = Status::Dead;
        self.tasks[who].pending = None;
        self.endings.push(who);
    }

    /// Runs until nothing is queued, no sleeper is left, and the hook has
    /// nothing more to do (`run`).
    fn run(&mut self) {
        loop {
            while let Some(who) = self.ring.pop_front() {
                self.turn(who);
            }
            if let Some(&(deadline, ..)) = self.timers.iter().min() {
                // The virtual clock jumps to the earliest deadline; every
                // sleeper due by then wakes, earliest first.
                self.now = deadline;
                self.timers.sort();
                let due: Vec<Timer> = self
                    .timers
                    .iter()
                    .copied()
                    .filter(|t| t.0 <= deadline)
                    .collect();
                self.timers.retain(|t| t.0 > deadline);
                for (_, _, who) in due {
                    self.wake(who, Outcome::Slept, false);
                }
            } else if let Some((step, action)) = self.hook.pop_front() {
                self.hook_action(step, action);
            } else {
                return;
            }
        }
    }

    fn hook_action(&mut self, step: usize, action: Hook) {
        let outcome = match action {
            Hook::Send(c, _) if self.channels[c].closed => Outcome::SendClosed,
            Hook::Send(c, v) if self.hand_to_receiver(c, v) => Outcome::Sent,
            Hook::Send(..) => Outcome::SendRefused,
            Hook::Kill(k) if self.tasks[k].status == Status::Dead => Outcome::Killed(k),
            Hook::Kill(k) => Outcome::KillRefused(k),
            Hook::KillPending(k) => {
                if self.tasks[k].status != Status::Dead {
                    if self.tasks[k].status == Status::Blocked {
                        self.unlink(k);
                        self.tasks[k].status = Status::Queued;
                        self.ring.push_back(k);
                    }
                    self.tasks[k].dying = true;
                }
                Outcome::KillPending(k)
            }
        };
        self.trace.push(Event {
            who: HOOK,
            step,
            outcome,
        });
    }

    /// One turn of a tasklet: from where it is suspended to where it
    /// suspends next.
    fn turn(&mut self, who: usize) {
        if self.tasks[who].dying {
            self.die(who);
            return;
        }
        if let Some(outcome) = self.tasks[who].pending.take() {
            self.print(who, outcome);
        }
        loop {
            let task = &self.tasks[who];
            let Some(&op) = task.script.get(task.step) else {
                self.die(who);
                return;
            };
            match op {
                Op::Schedule => {
                    self.wake(who, Outcome::Scheduled, false);
                    return;
                }
                Op::Sleep(ms) => {
                    self.timers.push((self.now + ms, self.timers_set, who));
                    self.timers_set += 1;
                    self.tasks[who].status = Status::Blocked;
                    return;
                }
                Op::Kill(k) if k == who => {
                    // Killing itself unwinds it at once: it prints nothing.
                    self.die(who);
                    return;
                }
                Op::Kill(k) => {
                    self.kill(k);
                    self.print(who, Outcome::Killed(k));
                }
                Op::Send(c, _) if self.channels[c].closed => {
                    self.print(who, Outcome::SendClosed);
                }
                Op::Send(c, v) => {
                    if self.hand_to_receiver(c, v) {
                        // The sender waits its turn at the end of the ring.
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

    /// Hands `v` to the receiver waiting first on channel `c`, if one is:
    /// rule 10, receiver preferred, so it runs next.
    fn hand_to_receiver(&mut self, c: usize, v: u32) -> bool {
        let receiver = matches!(
            self.channels[c].queue.front(),
            Some(Waiter { sending: None, .. })
        );
        if receiver {
            let r = self.channels[c].queue.pop_front().unwrap().who;
            self.wake(r, Outcome::Received(v), true);
        }
        receiver
    }

    /// Takes a blocked tasklet off whatever it waits on.
    fn unlink(&mut self, who: usize) {
        for channel in &mut self.channels {
            channel.queue.retain(|w| w.who != who);
        }
        self.timers.retain(|&(.., t)| t != who);
    }

    /// Kills a tasklet that is not running now (rule 14).
    fn kill(&mut self, victim: usize) {
        match self.tasks[victim].status {
            Status::Dead => return,
            Status::Queued => self.ring.retain(|&t| t != victim),
            Status::Blocked => self.unlink(victim),
        }
        self.die(victim);
    }

    fn observed(mut self) -> Observed {
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
        let alive: Vec<bool> = self
            .tasks
            .iter()
            .map(|t| t.status != Status::Dead)
            .collect();
        // The thread exits: the tasklets still alive are killed, oldest
        // first (rule 18).
        for (who, &alive) in alive.iter().enumerate() {
            if alive {
                self.endings.push(who);
            }
        }
        (self.trace, balances, alive, self.endings)
    }
}

fn run_model(program: &Program) -> Observed {
    let mut model = Model::new(program);
    for (step, m) in program.1.iter().enumerate() {
        match *m {
            Main::Run => model.run(),
            Main::Kill(k) => {
                model.kill(k);
                model.trace.push(Event {
                    who: MAIN,
                    step,
                    outcome: Outcome::Killed(k),
                });
            }
        }
    }
    model.observed()
}

// ---- The property ---------------------------------------------------------

fn op(tasklets: usize) -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..CHANNELS, 0..100u32).prop_map(|(c, v)| Op::Send(c, v)),
        4 => (0..CHANNELS).prop_map(Op::Receive),
        1 => (0..CHANNELS).prop_map(Op::Close),
        2 => Just(Op::Schedule),
        1 => (1..4u64).prop_map(Op::Sleep),
        1 => (0..tasklets).prop_map(Op::Kill),
    ]
}

fn hook(tasklets: usize) -> impl Strategy<Value = Hook> {
    prop_oneof![
        2 => (0..CHANNELS, 100..200u32).prop_map(|(c, v)| Hook::Send(c, v)),
        1 => (0..tasklets).prop_map(Hook::Kill),
        2 => (0..tasklets).prop_map(Hook::KillPending),
    ]
}

fn program() -> impl Strategy<Value = Program> {
    (1..5usize).prop_flat_map(|n| {
        let scripts = prop::collection::vec(prop::collection::vec(op(n), 0..8), n);
        let main = prop::collection::vec(
            prop_oneof![2 => Just(Main::Run), 1 => (0..n).prop_map(Main::Kill)],
            1..6,
        );
        (scripts, main, prop::collection::vec(hook(n), 0..4))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_scheduler_behaves_like_the_model(program in program()) {
        prop_assert_eq!(run_real(&program), run_model(&program));
    }
}
