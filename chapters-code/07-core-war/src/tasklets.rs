//! The tasklet engine: every warrior process is a tasklet. A process
//! executes one instruction each time it is run, then pauses itself; the
//! referee, on the thread's main tasklet, keeps each warrior's queue of
//! paused processes and runs them in the order the standard requires.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use ch02_scheduler::{Builder, Tasklet, current, schedule_remove};

use crate::battle::{Engine, RoundEnd, Rules};
use crate::exec::{Outcome, execute};
use crate::redcode::Instruction;

/// Runs every warrior process as a tasklet on the thread's scheduler.
#[derive(Debug, Default)]
pub struct Tasklets;

/// What the referee and the processes of one round share.
struct Round {
    core: RefCell<Vec<Instruction>>,
    /// Each warrior's paused processes, in the order they run.
    queues: RefCell<Vec<VecDeque<Tasklet>>>,
    processes: usize,
    /// Set when the round is over: a process that is run returns.
    over: Cell<bool>,
}

/// Bytes of stack for a process: it only ever executes one instruction.
const PROCESS_STACK: usize = 16 * 1024;

// ANCHOR: process
/// Starts a process of `warrior` at `pc`, paused at the end of its queue.
fn start(round: &Rc<Round>, warrior: usize, pc: u32) {
    let me = Rc::clone(round);
    let process = Builder::new()
        .stack_size(PROCESS_STACK)
        .spawn(move || run_process(&me, warrior, pc))
        .expect("a process can always be started");
    // Spawned, it is in the run queue; paused, it waits for the referee.
    process.remove().expect("a new tasklet can be paused");
    round.queues.borrow_mut()[warrior].push_back(process);
}

/// A process's life: one instruction each time the referee runs it.
fn run_process(round: &Rc<Round>, warrior: usize, mut pc: u32) {
    while !round.over.get() {
        let outcome = execute(&mut round.core.borrow_mut(), pc);
        match outcome {
            Outcome::Died => return,
            Outcome::Next(next) => pc = next,
            Outcome::Split { next, new } => {
                pc = next;
                // Itself first (the instruction after SPL), then the child.
                round.queues.borrow_mut()[warrior].push_back(current());
                if round.queues.borrow()[warrior].len() < round.processes {
                    start(round, warrior, new);
                }
                schedule_remove().expect("a process can pause itself");
                continue;
            }
        }
        round.queues.borrow_mut()[warrior].push_back(current());
        schedule_remove().expect("a process can pause itself");
    }
}
// ANCHOR_END: process

// ANCHOR: referee
impl Engine for Tasklets {
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
    ) -> RoundEnd {
        let warriors = starts.len();
        let round = Rc::new(Round {
            core: RefCell::new(core.to_vec()),
            queues: RefCell::new(vec![VecDeque::new(); warriors]),
            processes: rules.processes as usize,
            over: Cell::new(false),
        });
        for (warrior, &pc) in starts.iter().enumerate() {
            start(&round, warrior, pc);
        }
        let mut turn: VecDeque<usize> = (0..warriors).map(|k| (first + k) % warriors).collect();
        let mut deaths = Vec::new();
        let mut left = warriors as u64 * u64::from(rules.cycles);
        let mut executed = 0;
        while left > 0 {
            let w = turn.pop_front().expect("a live warrior");
            let process = round.queues.borrow_mut()[w]
                .pop_front()
                .expect("a live warrior has a process");
            executed += 1;
            // It executes one instruction, queues itself (and a child), or
            // dies, and the scheduler comes back here.
            process.run().expect("the referee can run a paused process");
            if round.queues.borrow()[w].is_empty() {
                let alive = turn.len() as u64 + 1;
                left = left - 1 - (left - 1) / alive;
                deaths.push(w);
                if turn.len() < 2 && warriors > 1 || turn.is_empty() {
                    break;
                }
            } else {
                turn.push_back(w);
            }
            left -= 1;
        }
        let survivors = round
            .queues
            .borrow()
            .iter()
            .map(|q| !q.is_empty())
            .collect();
        finish(&round);
        core.copy_from_slice(&round.core.borrow());
        RoundEnd {
            survivors,
            deaths,
            executed,
        }
    }
}
// ANCHOR_END: referee

/// Ends the round's processes: each is run once more, sees the round is
/// over, and returns, its stack going back to the pool.
fn finish(round: &Round) {
    round.over.set(true);
    let queues = std::mem::take(&mut *round.queues.borrow_mut());
    for process in queues.into_iter().flatten() {
        process.run().expect("the referee can run a paused process");
    }
}
