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
}

/// Runs rounds: given the core with the warriors loaded, the address each
/// warrior's first process starts at, and the warrior that moves first.
pub trait Engine {
    /// Runs one round to its end.
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
    ) -> RoundEnd;
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

    /// The next round's position of warrior 2.
    pub fn next_position(&mut self) -> u32 {
        let room = self.rules.size + 1 - 2 * self.rules.min_distance;
        let position = self.rules.min_distance + self.seed.unsigned_abs() % room;
        self.seed = rng(self.seed);
        position
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

/// Runs `rounds` rounds of `warriors` under `rules` on `engine`, positions
/// from `positions`, and returns each warrior's tally and each round.
///
/// # Panics
///
/// If there are no warriors, or more than two (not yet supported), or a
/// warrior is empty or longer than the core.
pub fn battle(
    warriors: &[Warrior],
    rules: &Rules,
    rounds: u32,
    positions: &mut Positions,
    engine: &mut dyn Engine,
) -> (Vec<Tally>, Vec<RoundReport>) {
    let count = warriors.len();
    assert!((1..=2).contains(&count), "one or two warriors");
    let mut tallies = vec![
        Tally {
            survived: vec![0; count],
            ..Tally::default()
        };
        count
    ];
    let mut reports = Vec::new();
    let mut core = vec![Instruction::EMPTY; rules.size as usize];
    for round in 1..=rounds {
        let mut at = vec![0; count];
        if count == 2 {
            at[1] = positions.next_position();
        }
        core.fill(Instruction::EMPTY);
        let size = core.len();
        for (warrior, &base) in warriors.iter().zip(&at) {
            for (offset, insn) in warrior.code.iter().enumerate() {
                core[(base as usize + offset) % size] = *insn;
            }
        }
        let starts: Vec<u32> = warriors
            .iter()
            .zip(&at)
            .map(|(w, &base)| (base + w.start) % rules.size)
            .collect();
        let starter = (round as usize - 1) % count;
        let end = engine.round(&mut core, &starts, starter, rules);
        let alive = end.survivors.iter().filter(|&&s| s).count();
        for (tally, &survived) in tallies.iter_mut().zip(&end.survivors) {
            if survived {
                tally.survived[alive - 1] += 1;
                tally.score += ((count * count - 1) / alive) as u64;
            } else {
                tally.deaths += 1;
            }
        }
        reports.push(RoundReport {
            round,
            starter,
            positions: at,
            end,
        });
    }
    (tallies, reports)
}
