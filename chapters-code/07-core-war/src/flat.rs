//! The flat engine: a plain loop over each warrior's queue of program
//! counters. The yardstick the tasklet engine is measured against, and
//! the oracle it must agree with.

use std::collections::VecDeque;

use crate::battle::{Engine, RoundEnd, Rules};
use crate::exec::{Outcome, execute};
use crate::redcode::Instruction;

/// A loop over per-warrior queues of program counters.
#[derive(Debug, Default)]
pub struct Flat;

// ANCHOR: turn
/// One turn of a warrior: the process at the head of its queue executes
/// one instruction, and goes to the back of the queue (after it, a process
/// it split off, unless the warrior has `processes` already), or dies.
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
    ) -> RoundEnd {
        let warriors = starts.len();
        let mut queues: Vec<VecDeque<u32>> =
            starts.iter().map(|&pc| VecDeque::from([pc])).collect();
        // Whose turn it is next: warriors in order, from `first`, the dead
        // taken out.
        let mut turn: VecDeque<usize> = (0..warriors).map(|k| (first + k) % warriors).collect();
        let mut deaths = Vec::new();
        let mut left = warriors as u64 * u64::from(rules.cycles);
        let mut executed = 0;
        while left > 0 {
            let w = turn.pop_front().expect("a live warrior");
            let queue = &mut queues[w];
            executed += 1;
            turn_of(core, queue, rules.processes);
            if queue.is_empty() {
                // pMARS's rescaling: the turns left are shared by one fewer.
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
        let survivors = queues.iter().map(|q| !q.is_empty()).collect();
        RoundEnd {
            survivors,
            deaths,
            executed,
        }
    }
}
// ANCHOR_END: flat
