//! A battle: rounds of warriors loaded into a fresh core, at positions
//! pMARS's generator picks, each round run by an engine, and scored.

use crate::redcode::{Instruction, Warrior};

/// The rules of a battle: pMARS's `-s -c -p -l -d` and `-F`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Cells in the core (`-s`, 8000).
    pub size: u32,
    /// Instructions each warrior may execute in a round (`-c`, 80000).
    pub cycles: u32,
    /// Processes a warrior may have (`-p`, 8000).
    pub processes: u32,
    /// Instructions a warrior may have (`-l`, 100).
    pub max_length: u32,
    /// Cells between two warriors' first cells, at least (`-d`).
    pub min_distance: u32,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            size: 8000,
            cycles: 80_000,
            processes: 8000,
            max_length: 100,
            min_distance: 100,
        }
    }
}

/// How one round ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundEnd {
    /// Which warriors still had processes.
    pub survivors: Vec<bool>,
    /// The warriors that died, in the order they died.
    pub deaths: Vec<usize>,
    /// How many instructions were executed, all warriors together.
    pub executed: u64,
    /// Each warrior's process queue when the round ended, in the order
    /// the processes would run.
    pub queues: Vec<Vec<u32>>,
    /// The instructions [`Watch::trace`] asked for, in the order executed.
    pub traced: Vec<Traced>,
}

/// An executed instruction, as `--trace` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traced {
    /// Whose process executed it (0-based).
    pub warrior: usize,
    /// Where.
    pub address: u32,
    /// The instruction as fetched, before it executed.
    pub instruction: Instruction,
}

/// What a round should record or stop at, for `--trace` and `--dump`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Watch {
    /// Record the first this many instructions executed.
    pub trace: u64,
    /// End the round after this many instructions, whatever the state.
    pub stop_after: Option<u64>,
}

/// Runs rounds: given the core with the warriors loaded, the address each
/// warrior's first process starts at, and the warrior that moves first.
pub trait Engine {
    /// Runs one round to its end, or until `watch` stops it.
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
        watch: Watch,
    ) -> RoundEnd;
}

/// Whose turn it is, and when the round ends: the part of a round that is
/// the same whatever runs the processes. Warriors take turns in order
/// from the starter; each may execute `cycles` instructions; when one dies
/// the turns left are shared by one fewer (pMARS's rescaling), and with
/// one warrior left (or none) the round is over.
#[derive(Debug)]
pub struct Referee {
    /// The warriors still alive, in the order they take turns.
    alive: Vec<usize>,
    /// Which of them has the turn.
    at: usize,
    warriors: usize,
    left: u64,
    executed: u64,
    deaths: Vec<usize>,
    watch: Watch,
}

impl Referee {
    /// A round of `warriors` warriors that `first` starts.
    pub fn new(warriors: usize, first: usize, rules: &Rules, watch: Watch) -> Referee {
        Referee {
            alive: (0..warriors).map(|k| (first + k) % warriors).collect(),
            at: 0,
            warriors,
            left: warriors as u64 * u64::from(rules.cycles),
            executed: 0,
            deaths: Vec::new(),
            watch,
        }
    }

    /// The warrior whose turn it is, or `None` if the round is over.
    #[inline(always)]
    pub fn next_turn(&self) -> Option<usize> {
        if self.left == 0 || Some(self.executed) == self.watch.stop_after {
            return None;
        }
        Some(self.alive[self.at])
    }

    /// The warriors in the order of their turns from now, or `None` if
    /// the round is over.
    pub fn order(&self) -> Option<Vec<usize>> {
        self.next_turn()?;
        let (done, to_come) = self.alive.split_at(self.at);
        Some(to_come.iter().chain(done).copied().collect())
    }

    /// Instructions executed so far, all warriors together.
    pub fn executed(&self) -> u64 {
        self.executed
    }

    /// Whether the instruction about to execute is one `--trace` wants.
    #[inline(always)]
    pub fn tracing(&self) -> bool {
        self.executed < self.watch.trace
    }

    // ANCHOR: turn_done
    /// The warrior whose turn it was had it; `alive`: it still has a
    /// process. Returns whether the round goes on.
    #[inline(always)]
    pub fn turn_done(&mut self, alive: bool) -> bool {
        self.executed += 1;
        if alive {
            self.at += 1;
        } else {
            self.left = self.left - 1 - (self.left - 1) / self.alive.len() as u64;
            self.deaths.push(self.alive.remove(self.at));
            if self.alive.len() < 2 && self.warriors > 1 || self.alive.is_empty() {
                self.left = 0; // over: nobody has a next turn
                return false;
            }
        }
        if self.at == self.alive.len() {
            self.at = 0;
        }
        self.left -= 1;
        true
    }
    // ANCHOR_END: turn_done

    /// How the round ended, given each warrior's queue of program counters.
    pub fn end(self, queues: Vec<Vec<u32>>, traced: Vec<Traced>) -> RoundEnd {
        RoundEnd {
            survivors: queues.iter().map(|q| !q.is_empty()).collect(),
            deaths: self.deaths,
            executed: self.executed,
            queues,
            traced,
        }
    }
}

/// pMARS's random numbers (Park and Miller's "minimal standard", the
/// integer version that never overflows 32 bits).
pub fn rng(seed: i32) -> i32 {
    let (hi, lo) = (seed / 127_773, seed % 127_773);
    let t = 16_807 * lo - 2_836 * hi;
    if t < 0 { t + 2_147_483_647 } else { t }
}

/// The position generator of a battle of two warriors: warrior 1 is
/// always at 0; warrior 2's position in each round comes from the seed.
#[derive(Clone, Debug)]
pub struct Positions {
    seed: i32,
    rules: Rules,
}

impl Positions {
    /// The generator pMARS starts with `-F fixed`: round 1 puts warrior 2
    /// at `fixed`.
    pub fn fixed(fixed: u32, rules: Rules) -> Positions {
        let seed = i32::try_from(fixed.saturating_sub(rules.min_distance)).unwrap_or(i32::MAX);
        Positions { seed, rules }
    }

    /// A generator started from `seed` (pMARS seeds it from the clock).
    pub fn seeded(seed: i32, rules: Rules) -> Positions {
        Positions {
            seed: rng(seed),
            rules,
        }
    }

    /// The next round's positions of `warriors` warriors: warrior 1 always
    /// at 0, the others where pMARS's generator puts them.
    pub fn next_positions(&mut self, warriors: usize) -> Vec<u32> {
        let (size, distance) = (self.rules.size, self.rules.min_distance);
        let mut at = vec![0; warriors];
        match warriors {
            0 | 1 => {}
            2 => {
                at[1] = distance + self.draw() % (size + 1 - 2 * distance);
                self.seed = rng(self.seed);
            }
            _ => {
                if !self.spread(&mut at) {
                    self.packed(&mut at);
                }
            }
        }
        at
    }

    /// The seed, as an index (it is never negative).
    fn draw(&self) -> u32 {
        self.seed.unsigned_abs()
    }

    /// pMARS's first try for three warriors or more: draw each position
    /// until it keeps its distance from those before it, going back to an
    /// earlier conflict when one position will not fit. False if it gave up.
    fn spread(&mut self, at: &mut [u32]) -> bool {
        let (size, distance) = (self.rules.size, self.rules.min_distance);
        let (mut tries, mut restarts) = (20, 4);
        let mut next = 1;
        while next < at.len() {
            self.seed = rng(self.seed);
            at[next] = self.draw() % (size - 2 * distance + 1) + distance;
            let clash = (1..next).find(|&i| at[next].abs_diff(at[i]) < distance);
            match clash {
                None => next += 1,
                Some(_) if restarts == 0 => return false,
                Some(i) if tries == 0 => {
                    next = i;
                    restarts -= 1;
                    tries = 20;
                }
                Some(_) => tries -= 1,
            }
        }
        true
    }

    /// pMARS's fallback: draw the gaps, sorted, spread them by the least
    /// distance, and shuffle which warrior goes where.
    fn packed(&mut self, at: &mut [u32]) {
        let (size, distance) = (self.rules.size, self.rules.min_distance);
        let warriors = at.len() as u32;
        let room = size - distance * warriors + 1;
        for i in 1..at.len() {
            self.seed = rng(self.seed);
            let value = self.draw() % room;
            let mut j = i - 1;
            while j > 0 && value <= at[j] {
                at[j + 1] = at[j];
                j -= 1;
            }
            at[j + 1] = value;
        }
        for (k, position) in at.iter_mut().enumerate().skip(1) {
            *position += distance * k as u32;
        }
        for i in 1..at.len() {
            self.seed = rng(self.seed);
            let j = self.draw() as usize % (at.len() - i) + i;
            at.swap(i, j);
        }
    }
}

/// Each warrior's tally over a battle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// `survived[k]`: rounds it survived with `k + 1` survivors in all.
    pub survived: Vec<u32>,
    /// Rounds it died in.
    pub deaths: u32,
    /// Points: each survivor of a round gets `(W * W - 1) / S`.
    pub score: u64,
}

impl Tally {
    /// A tally for each of `warriors` warriors, before any round.
    pub fn new(warriors: usize) -> Vec<Tally> {
        let tally = Tally {
            survived: vec![0; warriors],
            ..Tally::default()
        };
        vec![tally; warriors]
    }

    /// Adds a round whose survivors are `survivors` (one for each warrior)
    /// to each warrior's tally.
    pub fn score(tallies: &mut [Tally], survivors: &[bool]) {
        let (count, alive) = (tallies.len(), survivors.iter().filter(|&&s| s).count());
        for (tally, &survived) in tallies.iter_mut().zip(survivors) {
            if survived {
                tally.survived[alive - 1] += 1;
                tally.score += ((count * count - 1) / alive) as u64;
            } else {
                tally.deaths += 1;
            }
        }
    }
}

/// One round, as `--rounds` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundReport {
    /// 1-based.
    pub round: u32,
    /// Who moved first (0-based).
    pub starter: usize,
    /// Each warrior's load address.
    pub positions: Vec<u32>,
    /// How it ended.
    pub end: RoundEnd,
}

/// A fresh core of `size` cells with `warriors` loaded at `positions`, and
/// the address where each one's first process starts.
pub fn load(warriors: &[Warrior], positions: &[u32], size: u32) -> (Vec<Instruction>, Vec<u32>) {
    let mut core = vec![Instruction::EMPTY; size as usize];
    for (warrior, &base) in warriors.iter().zip(positions) {
        for (offset, insn) in warrior.code.iter().enumerate() {
            core[(base as usize + offset) % size as usize] = *insn;
        }
    }
    let starts = warriors
        .iter()
        .zip(positions)
        .map(|(w, &base)| (base + w.start) % size)
        .collect();
    (core, starts)
}

/// Runs `rounds` rounds of `warriors` under `rules` on `engine`, positions
/// from `positions`, each round watched by `watch`, and returns each
/// warrior's tally and each round.
///
/// # Panics
///
/// If there are no warriors, or a warrior is empty or longer than the
/// core.
pub fn battle(
    warriors: &[Warrior],
    rules: &Rules,
    rounds: u32,
    positions: &mut Positions,
    engine: &mut dyn Engine,
    watch: Watch,
) -> (Vec<Tally>, Vec<RoundReport>) {
    let count = warriors.len();
    assert!(count >= 1, "a battle needs a warrior");
    let mut tallies = Tally::new(count);
    let mut reports = Vec::new();
    for round in 1..=rounds {
        let at = positions.next_positions(count);
        let (mut core, starts) = load(warriors, &at, rules.size);
        let starter = (round as usize - 1) % count;
        let end = engine.round(&mut core, &starts, starter, rules, watch);
        Tally::score(&mut tallies, &end.survivors);
        reports.push(RoundReport {
            round,
            starter,
            positions: at,
            end,
        });
    }
    (tallies, reports)
}
