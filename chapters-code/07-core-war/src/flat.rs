//! The flat engine: a plain loop over each warrior's queue of program
//! counters. The yardstick the tasklet engine is measured against, and
//! the oracle it must agree with.

use std::collections::VecDeque;

use crate::battle::{Engine, Referee, RoundEnd, Rules, Traced, Watch};
use crate::exec::{Outcome, execute};
use crate::redcode::Instruction;

/// A loop over per-warrior queues of program counters.
#[derive(Debug, Default)]
pub struct Flat;

// ANCHOR: turn
/// One turn of a warrior: the process at the head of its queue executes
/// one instruction, and goes to the back of the queue (after it, a process
/// it split off, unless the warrior has `processes` already), or dies.
#[inline(always)]
pub fn turn_of(core: &mut [Instruction], queue: &mut VecDeque<u32>, processes: u32) {
    let pc = queue.pop_front().expect("a live warrior has a process");
    match execute(core, pc) {
        Outcome::Next(next) => queue.push_back(next),
        Outcome::Split { next, new } => {
            queue.push_back(next);
            if queue.len() < processes as usize {
                queue.push_back(new);
            }
        }
        Outcome::Died => {}
    }
}
// ANCHOR_END: turn

// ANCHOR: flat
impl Engine for Flat {
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
        watch: Watch,
    ) -> RoundEnd {
        let mut queues: Vec<VecDeque<u32>> = starts
            .iter()
            .map(|&pc| {
                let mut queue = VecDeque::with_capacity(rules.processes as usize + 1);
                queue.push_back(pc);
                queue
            })
            .collect();
        let mut referee = Referee::new(starts.len(), first, rules, watch);
        let mut traced = Vec::new();
        while let Some(w) = referee.next_turn() {
            let queue = &mut queues[w];
            if referee.tracing() {
                let address = queue[0];
                traced.push(Traced {
                    warrior: w,
                    address,
                    instruction: core[address as usize],
                });
            }
            turn_of(core, queue, rules.processes);
            if !referee.turn_done(!queue.is_empty()) {
                break;
            }
        }
        referee.end(queues.into_iter().map(Vec::from).collect(), traced)
    }
}
// ANCHOR_END: flat
