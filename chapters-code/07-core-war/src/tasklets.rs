//! The tasklet engine: every warrior process is a tasklet. The run queue
//! holds one process per warrior, the head of that warrior's queue, so
//! the scheduler's round robin is the standard's strict alternation; the
//! rest of each warrior's processes wait, paused, in a queue of its own.
//! A process executes one instruction, hands its warrior's turn to the
//! next process in that queue, and pauses; the thread's main tasklet only
//! sets the round up and ends it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Builder, State, Tasklet, schedule, schedule_remove};

use crate::battle::{Engine, Referee, RoundEnd, Rules, Traced, Watch};
use crate::exec::{Outcome, execute};
use crate::redcode::Instruction;

/// Runs every warrior process as a tasklet on the thread's scheduler.
#[derive(Debug, Default)]
pub struct Tasklets;

/// A process in its warrior's queue: the tasklet that runs it, and where
/// it executes next.
struct Process {
    tasklet: Tasklet,
    pc: u32,
}

/// What the processes of one round share.
struct Round {
    table: RefCell<Table>,
    processes: usize,
    /// Set when the round is over: a process that is run returns.
    over: Cell<bool>,
}

impl Round {
    /// A round of `warriors` on a copy of `core`, no process started yet.
    fn new(core: &[Instruction], warriors: usize, referee: Referee, rules: &Rules) -> Rc<Round> {
        Rc::new(Round {
            table: RefCell::new(Table {
                core: core.to_vec(),
                queues: (0..warriors).map(|_| VecDeque::new()).collect(),
                referee,
                traced: Vec::new(),
                idle: vec![Vec::new(); warriors],
            }),
            processes: rules.processes as usize,
            over: Cell::new(false),
        })
    }
}

/// The core and the queues, borrowed for one turn at a time.
struct Table {
    core: Vec<Instruction>,
    /// Each warrior's processes, in the order they run; the head of each
    /// is the one in the run queue (or running).
    queues: Vec<VecDeque<Process>>,
    referee: Referee,
    traced: Vec<Traced>,
    /// Each warrior's tasklets whose process died, paused until a `SPL`
    /// of the same warrior makes one of them a process again.
    idle: Vec<Vec<Tasklet>>,
}

/// Bytes of stack for a process: it only ever executes one instruction.
const PROCESS_STACK: usize = 16 * 1024;

// ANCHOR: start
/// A new process of `warrior` at `pc`, paused, for its warrior's queue: a
/// tasklet whose process died, or else a new one.
fn start(round: &Rc<Round>, idle: &mut Vec<Tasklet>, warrior: usize, pc: u32) -> Process {
    let tasklet = idle.pop().unwrap_or_else(|| {
        let me = Rc::clone(round);
        let tasklet = Builder::new()
            .stack_size(PROCESS_STACK)
            .spawn(move || run_process(&me, warrior))
            .expect("a process can always be started");
        // Spawned, it is in the run queue; paused, it waits for its turn.
        tasklet.remove().expect("a new tasklet can be paused");
        tasklet
    });
    Process { tasklet, pc }
}
// ANCHOR_END: start

/// What a process does once its turn is taken.
enum After {
    /// Its warrior's turn passed to another of its processes: it pauses.
    Pause,
    /// It was its warrior's only process: it is the head again, and takes
    /// the warrior's next turn too.
    Again,
    /// Its process died: it waits, paused, to become another.
    Die,
}

// ANCHOR: process
/// A process tasklet's life: one instruction each time its turn comes.
/// Paused, it runs when its turn comes, or once more when the round is
/// over.
fn run_process(round: &Rc<Round>, warrior: usize) {
    while !round.over.get() {
        match take_turn(round, warrior) {
            After::Again if !round.over.get() => schedule(),
            _ => schedule_remove().expect("a process can pause itself"),
        }
    }
}
// ANCHOR_END: process

// ANCHOR: turn
/// The turn of `warrior`'s process at the head of its queue, which is
/// running: it executes, goes to the back of the queue (its child behind
/// it), and the new head joins the run queue for the warrior's next turn.
fn take_turn(round: &Rc<Round>, warrior: usize) -> After {
    let mut table = round.table.borrow_mut();
    let table = &mut *table;
    let mut me = table.queues[warrior].pop_front().expect("it is the head");
    table.trace(warrior, me.pc);
    let outcome = execute(&mut table.core, me.pc);
    let queue = &mut table.queues[warrior];
    let after = match outcome {
        Outcome::Died => {
            table.idle[warrior].push(me.tasklet);
            After::Die
        }
        Outcome::Next(next) | Outcome::Split { next, .. } => {
            let alone = queue.is_empty();
            me.pc = next;
            queue.push_back(me);
            if let Outcome::Split { new, .. } = outcome
                && queue.len() < round.processes
            {
                queue.push_back(start(round, &mut table.idle[warrior], warrior, new));
            }
            if alone { After::Again } else { After::Pause }
        }
    };
    if !matches!(after, After::Again) {
        pass_turn(queue);
    }
    if !table.referee.turn_done(!queue.is_empty()) || table.referee.next_turn().is_none() {
        table.end_round(round);
    }
    after
}
// ANCHOR_END: turn

/// The warrior's next turn goes to the head of its queue, which joins
/// the run queue; the process behind it starts loading, so that its
/// record and stack are in the caches when its turn comes.
fn pass_turn(queue: &VecDeque<Process>) {
    if let Some(head) = queue.front() {
        let queued = head.tasklet.insert();
        queued.expect("a paused process can be queued");
        if let Some(after) = queue.get(1) {
            after.tasklet.prefetch();
        }
    }
}

impl Table {
    /// Records the instruction at `pc` if `--trace` wants it.
    fn trace(&mut self, warrior: usize, address: u32) {
        if self.referee.tracing() {
            let instruction = self.core[address as usize];
            self.traced.push(Traced {
                warrior,
                address,
                instruction,
            });
        }
    }

    /// Ends the round from inside a turn: the other warriors' heads leave
    /// the run queue, and the running process pauses or dies as its turn
    /// says; with nothing left to run, main's `run` returns.
    fn end_round(&self, round: &Round) {
        round.over.set(true);
        for head in self.queues.iter().filter_map(VecDeque::front) {
            if head.tasklet.state() == State::Scheduled {
                head.tasklet
                    .remove()
                    .expect("a queued process can be paused");
            }
        }
    }
}

// ANCHOR: engine
impl Engine for Tasklets {
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
        watch: Watch,
    ) -> RoundEnd {
        let referee = Referee::new(starts.len(), first, rules, watch);
        let round = Round::new(core, starts.len(), referee, rules);
        for (warrior, &pc) in starts.iter().enumerate() {
            let process = start(&round, &mut Vec::new(), warrior, pc);
            round.table.borrow_mut().queues[warrior].push_back(process);
        }
        // Each warrior's first process joins the run queue in turn order;
        // then the scheduler runs the round until nothing is left to run.
        let table = round.table.borrow();
        for w in table.referee.order().unwrap_or_default() {
            pass_turn(&table.queues[w]);
        }
        drop(table);
        ch02_scheduler::run().expect("main runs the round");
        finish(round, core)
    }
}
// ANCHOR_END: engine

/// Ends the round's tasklets, each of them paused (a process, or one
/// whose process died): each is run once more, sees the round is over,
/// and returns, its stack going back to the pool. Then the round's core
/// and queues are handed back.
fn finish(round: Rc<Round>, core: &mut [Instruction]) -> RoundEnd {
    round.over.set(true);
    let paused: Vec<Tasklet> = {
        let table = round.table.borrow();
        let processes = table.queues.iter().flatten().map(|p| &p.tasklet);
        processes
            .chain(table.idle.iter().flatten())
            .cloned()
            .collect()
    };
    for tasklet in paused {
        tasklet.run().expect("main can run a paused process");
    }
    // Every process has ended, dropping its share of the round.
    let Ok(round) = Rc::try_unwrap(round) else {
        unreachable!("a process outlived its round")
    };
    let table = round.table.into_inner();
    core.copy_from_slice(&table.core);
    let queues = table
        .queues
        .iter()
        .map(|q| q.iter().map(|p| p.pc).collect())
        .collect();
    table.referee.end(queues, table.traced)
}
