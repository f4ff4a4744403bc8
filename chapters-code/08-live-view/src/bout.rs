//! A battle as the view plays it: round after round, each run a few
//! instructions at a time by chapter 7's tasklet engine, and looked at
//! between runs.

use std::rc::Rc;

use ch07_core_war::battle::{Positions, RoundEnd, Rules, Tally, Watch, load};
use ch07_core_war::redcode::{Instruction, Warrior};
use ch07_core_war::tasklets::Round;

/// A battle of two or more warriors, played round by round in runs of a
/// few instructions, with a look at the core between runs.
pub struct Bout {
    warriors: Vec<Warrior>,
    rules: Rules,
    rounds: u32,
    positions: Positions,
    /// The round being played, 1-based.
    number: u32,
    round: Option<Rc<Round>>,
    tallies: Vec<Tally>,
    /// How each round that was played out ended.
    ends: Vec<RoundEnd>,
    /// Each warrior's process count at each look after a run, this round.
    history: Vec<Vec<u64>>,
    /// Instructions executed at the last look that added to the history.
    seen: Option<u64>,
}

// ANCHOR: snapshot
/// What the screen shows of a battle at one moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The round being played, 1-based, and how many there are.
    pub round: u32,
    /// Rounds in the battle.
    pub rounds: u32,
    /// Cycles played in this round: instructions executed, divided by
    /// the number of warriors.
    pub cycle: u64,
    /// The most cycles a round may last.
    pub cycles: u32,
    /// Each warrior, in command-line order.
    pub warriors: Vec<WarriorLook>,
    /// Which warrior last wrote each cell (its code counts as written).
    pub writers: Vec<Option<usize>>,
    /// For each cell, the first warrior with a process about to execute it.
    pub executing: Vec<Option<usize>>,
    /// Whether this round is over, and, if so, who survived it.
    pub survivors: Option<Vec<bool>>,
    /// Whether this was the last round.
    pub last_round: bool,
}
// ANCHOR_END: snapshot

/// One warrior, as the screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarriorLook {
    /// Its `;name`, or its number.
    pub name: String,
    /// Its processes now.
    pub processes: usize,
    /// Its process count at each look this round, oldest first.
    pub history: Vec<u64>,
    /// Its score over the rounds played out.
    pub score: u64,
}

impl Bout {
    /// A battle of `warriors` over `rounds` rounds under `rules`, at
    /// positions from `positions`; round 1 starts at once, paused.
    ///
    /// # Panics
    ///
    /// If there are no warriors or no rounds.
    pub fn new(warriors: Vec<Warrior>, rules: Rules, rounds: u32, positions: Positions) -> Bout {
        assert!(
            !warriors.is_empty() && rounds > 0,
            "a battle needs warriors and rounds"
        );
        let count = warriors.len();
        let mut bout = Bout {
            warriors,
            rules,
            rounds,
            positions,
            number: 0,
            round: None,
            tallies: Tally::new(count),
            ends: Vec::new(),
            history: vec![Vec::new(); count],
            seen: None,
        };
        bout.start_next();
        bout
    }

    /// Starts the next round, paused, its core loaded.
    fn start_next(&mut self) {
        self.number += 1;
        let at = self.positions.next_positions(self.warriors.len());
        let (core, starts) = load(&self.warriors, &at, self.rules.size);
        let first = (self.number as usize - 1) % self.warriors.len();
        let round = Round::start(&core, &starts, first, &self.rules, Watch::default());
        round.record_writers(writers_at_load(&self.warriors, &at, &core));
        self.round = Some(round);
        self.history.iter_mut().for_each(Vec::clear);
        self.seen = None;
    }

    fn round(&self) -> &Rc<Round> {
        self.round.as_ref().expect("a bout always has a round")
    }

    // ANCHOR: run
    /// Lets the round run `budget` more instructions, or to its end,
    /// while the caller goes on (see [`Round::go`]).
    pub fn go(&self, budget: u64) {
        self.round().go(budget);
    }

    /// Stops the round where it is.
    pub fn halt(&self) {
        self.round().halt();
    }

    /// Runs the round `budget` more instructions, or to its end, and
    /// returns when they have run.
    pub fn run(&self, budget: u64) {
        self.go(budget);
        self.round().wait();
    }
    // ANCHOR_END: run

    /// One cycle's worth of instructions: one for each warrior still
    /// alive.
    pub fn cycle(&self) -> u64 {
        let queues = self.round().queues();
        queues.iter().filter(|q| !q.is_empty()).count().max(1) as u64
    }

    /// Whether the round being played is over.
    pub fn round_over(&self) -> bool {
        self.round().is_over()
    }

    /// Ends this round and starts the next, paused. A round that was
    /// over is scored; one that was not is abandoned. Returns `false`,
    /// changing nothing, after the last round.
    pub fn next_round(&mut self) -> bool {
        if self.number == self.rounds {
            return false;
        }
        self.end_round();
        self.start_next();
        true
    }

    /// Ends the round being played; if it was over, scores it.
    fn end_round(&mut self) {
        let round = self.round.take().expect("a bout always has a round");
        let over = round.is_over();
        let mut core = vec![Instruction::EMPTY; self.rules.size as usize];
        let end = round.finish(&mut core);
        if over {
            Tally::score(&mut self.tallies, &end.survivors);
            self.ends.push(end);
        }
    }

    /// Ends the battle: the tallies, and how each round that was played
    /// out ended.
    pub fn finish(mut self) -> (Vec<Tally>, Vec<RoundEnd>) {
        self.end_round();
        (self.tallies, self.ends)
    }

    /// What the screen shows now. A look after instructions ran also adds
    /// to the warriors' process histories (one while paused does not).
    pub fn look(&mut self) -> Snapshot {
        let round = Rc::clone(self.round());
        let moved = self.seen.replace(round.executed()) != Some(round.executed());
        let queues = round.queues();
        let mut executing = vec![None; self.rules.size as usize];
        for (w, queue) in queues.iter().enumerate().rev() {
            for &pc in queue {
                executing[pc as usize] = Some(w);
            }
        }
        let over = round.is_over();
        let survivors = over.then(|| queues.iter().map(|q| !q.is_empty()).collect());
        round.raise_panic();
        let warriors = self.warriors.len() as u64;
        let (cycle, writers) = (round.executed() / warriors, round.writers());
        let warriors = (self.warriors.iter().zip(&queues).enumerate())
            .map(|(w, (warrior, queue))| {
                if moved {
                    self.history[w].push(queue.len() as u64);
                }
                WarriorLook {
                    name: name_of(warrior, w),
                    processes: queue.len(),
                    history: self.history[w].clone(),
                    score: self.tallies[w].score,
                }
            })
            .collect();
        Snapshot {
            round: self.number,
            rounds: self.rounds,
            cycle,
            cycles: self.rules.cycles,
            warriors,
            writers: writers.expect("a bout records writers"),
            executing,
            survivors,
            last_round: self.number == self.rounds,
        }
    }
}

/// Each cell's writer when the round starts: every warrior owns its code.
fn writers_at_load(warriors: &[Warrior], at: &[u32], core: &[Instruction]) -> Vec<Option<usize>> {
    let mut writers = vec![None; core.len()];
    for (w, (warrior, &base)) in warriors.iter().zip(at).enumerate() {
        for offset in 0..warrior.code.len() {
            writers[(base as usize + offset) % core.len()] = Some(w);
        }
    }
    writers
}

/// A warrior's `;name`, or "warrior N" if it has none.
fn name_of(warrior: &Warrior, w: usize) -> String {
    if warrior.name.is_empty() {
        format!("warrior {}", w + 1)
    } else {
        warrior.name.clone()
    }
}
