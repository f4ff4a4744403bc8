//! `mars`: runs a Core War battle with pMARS's command line and output.
//!
//! `cargo run --release -p ch07-core-war --bin mars -- -bkF 4000 -r 1000 A.rc B.rc`

use std::process::ExitCode;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Engine, Positions, Rules, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch07_core_war::tasklets::Tasklets;
use clap::Parser;

/// The engines `--engine` chooses from.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum EngineKind {
    /// Every warrior process a tasklet.
    Tasklets,
    /// A plain loop over queues of program counters.
    Flat,
}

/// A Core War simulator (MARS) with pMARS's rules, flags and output.
#[derive(Parser, Debug)]
#[command(name = "mars", version, disable_help_flag = true)]
struct Args {
    /// Rounds to play (`-r 0`: assemble and list only).
    #[arg(short = 'r', default_value_t = 1)]
    rounds: u32,
    /// Core size.
    #[arg(short = 's', default_value_t = 8000)]
    size: u32,
    /// Instructions each warrior may execute in a round.
    #[arg(short = 'c', default_value_t = 80_000)]
    cycles: u32,
    /// Processes each warrior may have.
    #[arg(short = 'p', default_value_t = 8000)]
    processes: u32,
    /// Instructions each warrior may have.
    #[arg(short = 'l', default_value_t = 100)]
    max_length: u32,
    /// Least distance between two warriors' first cells (default: -l).
    #[arg(short = 'd')]
    distance: Option<u32>,
    /// Puts warrior 2 at this address in round 1, and seeds the positions.
    #[arg(short = 'F')]
    fixed: Option<u32>,
    /// Brief: no listings.
    #[arg(short = 'b')]
    brief: bool,
    /// King-of-the-Hill output: wins and ties per warrior.
    #[arg(short = 'k')]
    koth: bool,
    /// Which engine runs the rounds: a tasklet per process, or a loop.
    #[arg(long, value_enum, default_value_t = EngineKind::Tasklets)]
    engine: EngineKind,
    /// Prints help.
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// The warriors' files.
    #[arg(required = true)]
    warriors: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mars: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<String, String> {
    let rules = rules(args)?;
    let warriors = args
        .warriors
        .iter()
        .map(|path| read_warrior(path, &rules, args.warriors.len() as u32, args.rounds))
        .collect::<Result<Vec<Warrior>, String>>()?;
    if warriors.len() > 2 {
        return Err("more than two warriors are not supported yet".into());
    }
    let mut positions = match args.fixed {
        Some(fixed) => Positions::fixed(fixed, rules),
        None => Positions::seeded(clock_seed(), rules),
    };
    let engine: &mut dyn Engine = match args.engine {
        EngineKind::Tasklets => &mut Tasklets,
        EngineKind::Flat => &mut Flat,
    };
    let (tallies, _) = battle(&warriors, &rules, args.rounds, &mut positions, engine);
    let mut out = String::new();
    if args.koth {
        for tally in &tallies {
            let ties: u32 = tally.survived.iter().skip(1).sum();
            out += &format!("{} {}\n", tally.survived[0], ties);
        }
        return Ok(out);
    }
    for (warrior, tally) in warriors.iter().zip(&tallies) {
        out += &format!(
            "{} by {} scores {}\n",
            warrior.name, warrior.author, tally.score
        );
    }
    if let [first, second] = tallies.as_slice() {
        out += &format!(
            "Results: {} {} {}\n",
            first.survived[0], second.survived[0], first.survived[1]
        );
    }
    Ok(out)
}

fn rules(args: &Args) -> Result<Rules, String> {
    let distance = args.distance.unwrap_or(args.max_length);
    if args.size < 2 {
        return Err(format!("a core of {} cells is too small (-s)", args.size));
    }
    if distance < args.max_length {
        return Err(format!(
            "-d {distance} is less than the warriors' length -l {}",
            args.max_length
        ));
    }
    if 2 * u64::from(distance) > u64::from(args.size) {
        return Err(format!(
            "-d {distance}: two warriors cannot be that far apart in a core of {}",
            args.size
        ));
    }
    if let Some(fixed) = args.fixed
        && (fixed < distance || fixed > args.size - distance)
    {
        return Err(format!(
            "-F {fixed} must lie between -d {distance} and the core size less -d"
        ));
    }
    if args.processes == 0 || args.cycles == 0 {
        return Err("-p and -c must be at least 1".into());
    }
    Ok(Rules {
        size: args.size,
        cycles: args.cycles,
        processes: args.processes,
        max_length: args.max_length,
        min_distance: distance,
    })
}

fn read_warrior(path: &str, rules: &Rules, warriors: u32, rounds: u32) -> Result<Warrior, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let env = Environment {
        size: rules.size,
        processes: rules.processes,
        cycles: rules.cycles,
        max_length: rules.max_length,
        min_distance: rules.min_distance,
        warriors,
        rounds,
    };
    let warrior = assemble(&text, &env).map_err(|e| format!("{path}: {e}"))?;
    if warrior.code.len() > rules.max_length as usize {
        return Err(format!(
            "{path}: {} instructions, more than -l {} allows",
            warrior.code.len(),
            rules.max_length
        ));
    }
    Ok(warrior)
}

fn clock_seed() -> i32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs());
    (now % 2_147_483_646) as i32 + 1
}
