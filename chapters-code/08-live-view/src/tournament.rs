//! A tournament: every pair of warriors fights a battle, and each battle
//! is a job for chapter 6's worker pools, one on each thread, so that
//! every core plays. The table is the same whatever the number of
//! threads: each battle is determined by its warriors and the settings.

use std::fmt;
use std::sync::Arc;

use ch05_boss_worker::Outcome;
use ch06_many_cores::{SpreadError, map_on_threads};
use ch07_core_war::battle::{Engine, Positions, Rules, Tally, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch07_core_war::tasklets::Tasklets;

/// Which engine plays the battles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineKind {
    /// Every warrior process a tasklet, on the worker's thread.
    Tasklets,
    /// A loop over program counters.
    Flat,
}

/// How the tournament is played.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The rules of every battle.
    pub rules: Rules,
    /// Rounds in each battle.
    pub rounds: u32,
    /// `-F`: the second warrior's position in round 1, and the seed of
    /// the positions after it.
    pub fixed: u32,
    /// The engine.
    pub engine: EngineKind,
    /// Threads, each with its scheduler and its pool of workers.
    pub threads: usize,
    /// Worker tasklets on each thread.
    pub workers: usize,
}

/// A warrior's line in the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Its name.
    pub name: String,
    /// Rounds it won, lost, and tied, over all its battles.
    pub wins: u32,
    /// Rounds it lost.
    pub losses: u32,
    /// Rounds no one won.
    pub ties: u32,
    /// Three points a win, one a tie.
    pub score: u64,
}

/// The table: best first; and the battles that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// Each warrior, by score, then wins, then name.
    pub standings: Vec<Standing>,
    /// Each battle that failed: who against whom, and why.
    pub failures: Vec<String>,
}

/// Plays every pair of `warriors` (named `names`) against each other
/// under `settings`; `done` is called after each battle, on the thread
/// that played it.
///
/// # Errors
///
/// A thread could not be started, or one panicked outside a battle.
pub fn play(
    names: &[String],
    warriors: Vec<Warrior>,
    settings: Settings,
    done: impl Fn() + Send + Sync + 'static,
) -> Result<Table, SpreadError> {
    play_with(names, warriors, settings, done, fight)
}

// ANCHOR: play
/// Like [`play`], each battle fought by `fight` (which gives each of the
/// two warriors' tallies). A battle that panics is a failed job: the
/// table says which, and the others go on.
///
/// # Errors
///
/// As for [`play`].
pub fn play_with(
    names: &[String],
    warriors: Vec<Warrior>,
    settings: Settings,
    done: impl Fn() + Send + Sync + 'static,
    fight: fn(&[Warrior; 2], &Settings) -> Vec<Tally>,
) -> Result<Table, SpreadError> {
    let count = warriors.len();
    let pairs: Vec<(usize, usize)> = (0..count)
        .flat_map(|a| (a + 1..count).map(move |b| (a, b)))
        .collect();
    let warriors = Arc::new(warriors);
    let work = move |(a, b): (usize, usize)| {
        let pair = [warriors[a].clone(), warriors[b].clone()];
        let tallies = fight(&pair, &settings);
        done();
        tallies
    };
    let mut reports = map_on_threads(settings.threads, settings.workers, work, pairs.clone())?;
    reports.sort_by_key(|report| report.job);
    let mut table = Table::new(names);
    for report in reports {
        let (a, b) = pairs[report.job as usize];
        match report.outcome {
            Outcome::Done(tallies) => table.add(a, b, &tallies),
            Outcome::Failed(why) => table
                .failures
                .push(format!("{} against {}: {why}", names[a], names[b])),
        }
    }
    table.sort();
    Ok(table)
}
// ANCHOR_END: play

/// One battle of two warriors: each one's tally.
fn fight(pair: &[Warrior; 2], settings: &Settings) -> Vec<Tally> {
    let engine: &mut dyn Engine = match settings.engine {
        EngineKind::Tasklets => &mut Tasklets,
        EngineKind::Flat => &mut Flat,
    };
    let mut positions = Positions::fixed(settings.fixed, settings.rules);
    let watch = Watch::default();
    battle(
        pair,
        &settings.rules,
        settings.rounds,
        &mut positions,
        engine,
        watch,
    )
    .0
}

impl Table {
    fn new(names: &[String]) -> Table {
        let standings = names
            .iter()
            .map(|name| Standing {
                name: name.clone(),
                wins: 0,
                losses: 0,
                ties: 0,
                score: 0,
            })
            .collect();
        Table {
            standings,
            failures: Vec::new(),
        }
    }

    /// Adds the battle of `a` against `b`.
    fn add(&mut self, a: usize, b: usize, tallies: &[Tally]) {
        for (warrior, tally) in [(a, &tallies[0]), (b, &tallies[1])] {
            let standing = &mut self.standings[warrior];
            let (wins, ties) = (tally.survived[0], tally.survived[1]);
            standing.wins += wins;
            standing.ties += ties;
            standing.losses += tally.deaths;
            standing.score += 3 * u64::from(wins) + u64::from(ties);
        }
    }

    fn sort(&mut self) {
        self.standings
            .sort_by(|x, y| (y.score, y.wins, &x.name).cmp(&(x.score, x.wins, &y.name)));
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .standings
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .max(7);
        writeln!(
            f,
            "rank  {:<width$}  {:>5} {:>5} {:>5}  {:>6}",
            "warrior", "won", "lost", "tied", "score"
        )?;
        for (rank, s) in self.standings.iter().enumerate() {
            writeln!(
                f,
                "{:>4}  {:<width$}  {:>5} {:>5} {:>5}  {:>6}",
                rank + 1,
                s.name,
                s.wins,
                s.losses,
                s.ties,
                s.score
            )?;
        }
        for failure in &self.failures {
            writeln!(f, "failed: {failure}")?;
        }
        Ok(())
    }
}
