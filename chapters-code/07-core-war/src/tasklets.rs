//! The tasklet engine: every warrior process is a tasklet. A process
//! executes one instruction each time it is run, then pauses itself; the
//! referee, on the thread's main tasklet, keeps each warrior's queue of
//! paused processes and runs them in the order the standard requires.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Builder, Tasklet, current, schedule_remove};

use crate::battle::{Engine, Referee, RoundEnd, Rules, Traced, Watch};
use crate::exec::{Outcome, execute};
use crate::redcode::Instruction;

/// Runs every warrior process as a tasklet on the thread's scheduler.
#[derive(Debug, Default)]
pub struct Tasklets;

/// A paused process, and where it will execute next (which it keeps up
/// to date, for `--trace` and `--dump`).
struct Process {
    tasklet: Tasklet,
    pc: Rc<Cell<u32>>,
}

/// What the referee and the processes of one round share.
struct Round {
    core: RefCell<Vec<Instruction>>,
    /// Each warrior's paused processes, in the order they run.
    queues: RefCell<Vec<VecDeque<Process>>>,
    processes: usize,
    /// Set when the round is over: a process that is run returns.
    over: Cell<bool>,
}

/// Bytes of stack for a process: it only ever executes one instruction.
const PROCESS_STACK: usize = 16 * 1024;

// ANCHOR: start
/// Starts a process of `warrior` at `pc`, paused at the end of its queue.
fn start(round: &Rc<Round>, warrior: usize, pc: u32) {
    let (me, pc) = (Rc::clone(round), Rc::new(Cell::new(pc)));
    let my_pc = Rc::clone(&pc);
    let tasklet = Builder::new()
        .stack_size(PROCESS_STACK)
        .spawn(move || run_process(&me, warrior, &my_pc))
        .expect("a process can always be started");
    // Spawned, it is in the run queue; paused, it waits for the referee.
    tasklet.remove().expect("a new tasklet can be paused");
    round.queues.borrow_mut()[warrior].push_back(Process { tasklet, pc });
}

// ANCHOR_END: start

// ANCHOR: process
/// A process's life: one instruction each time the referee runs it.
fn run_process(round: &Rc<Round>, warrior: usize, pc: &Rc<Cell<u32>>) {
    while !round.over.get() {
        let outcome = execute(&mut round.core.borrow_mut(), pc.get());
        let new = match outcome {
            Outcome::Died => return,
            Outcome::Next(next) => {
                pc.set(next);
                None
            }
            Outcome::Split { next, new } => {
                pc.set(next);
                Some(new)
            }
        };
        // Itself first (the instruction after SPL), then the child.
        let me = Process {
            tasklet: current(),
            pc: Rc::clone(pc),
        };
        round.queues.borrow_mut()[warrior].push_back(me);
        if let Some(new) = new
            && round.queues.borrow()[warrior].len() < round.processes
        {
            start(round, warrior, new);
        }
        schedule_remove().expect("a process can pause itself");
    }
}
// ANCHOR_END: process

impl Engine for Tasklets {
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
        watch: Watch,
    ) -> RoundEnd {
        let round = Rc::new(Round {
            core: RefCell::new(core.to_vec()),
            queues: RefCell::new((0..starts.len()).map(|_| VecDeque::new()).collect()),
            processes: rules.processes as usize,
            over: Cell::new(false),
        });
        for (warrior, &pc) in starts.iter().enumerate() {
            start(&round, warrior, pc);
        }
        let mut referee = Referee::new(starts.len(), first, rules, watch);
        let traced = referee_loop(&round, &mut referee);
        let queues = round
            .queues
            .borrow()
            .iter()
            .map(|q| q.iter().map(|p| p.pc.get()).collect())
            .collect();
        finish(&round);
        core.copy_from_slice(&round.core.borrow());
        referee.end(queues, traced)
    }
}

// ANCHOR: engine
/// The referee, on the thread's main tasklet: runs the process at the
/// head of each warrior's queue in turn, until the round is over.
fn referee_loop(round: &Round, referee: &mut Referee) -> Vec<Traced> {
    let mut traced = Vec::new();
    while let Some(w) = referee.next_turn() {
        let process = round.queues.borrow_mut()[w]
            .pop_front()
            .expect("a live warrior has a process");
        if referee.tracing() {
            let address = process.pc.get();
            let instruction = round.core.borrow()[address as usize];
            traced.push(Traced {
                warrior: w,
                address,
                instruction,
            });
        }
        // It executes one instruction, queues itself (and a child), or
        // dies; then the scheduler comes back here.
        process
            .tasklet
            .run()
            .expect("the referee can run a paused process");
        let alive = !round.queues.borrow()[w].is_empty();
        if !referee.turn_done(alive) {
            break;
        }
    }
    traced
}
// ANCHOR_END: engine

/// Ends the round's processes: each is run once more, sees the round is
/// over, and returns, its stack going back to the pool.
fn finish(round: &Round) {
    round.over.set(true);
    let queues = std::mem::take(&mut *round.queues.borrow_mut());
    for process in queues.into_iter().flatten() {
        process
            .tasklet
            .run()
            .expect("the referee can run a paused process");
    }
}
