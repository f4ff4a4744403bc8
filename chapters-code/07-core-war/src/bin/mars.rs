//! `mars`: runs a Core War battle with pMARS's command line and output.
//!
//! `cargo run --release -p ch07-core-war --bin mars -- -bkF 4000 -r 1000 A.red B.red`

use std::fmt::Write as _;
use std::process::ExitCode;

use ch07_core_war::assemble::{self, Environment};
use ch07_core_war::battle::{Engine, RoundReport, Rules, Tally, Watch, battle, load as load_core};
use ch07_core_war::flags::RuleFlags;
use ch07_core_war::flat::Flat;
use ch07_core_war::load;
use ch07_core_war::redcode::{Instruction, Warrior};
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
    #[command(flatten)]
    rules: RuleFlags,
    /// Brief: no listings.
    #[arg(short = 'b')]
    brief: bool,
    /// King-of-the-Hill output: wins and ties per warrior.
    #[arg(short = 'k')]
    koth: bool,
    /// Sorts the score lines by score.
    #[arg(short = 'o')]
    order: bool,
    /// Which engine runs the rounds: a tasklet per process, or a loop.
    #[arg(long, value_enum, default_value_t = EngineKind::Tasklets)]
    engine: EngineKind,
    /// Writes the (one) warrior as a load file, and runs nothing.
    #[arg(long)]
    assemble: bool,
    /// Prints a line per round: starter, positions, survivors, length.
    #[arg(long = "rounds")]
    per_round: bool,
    /// Prints the first N instructions executed in each round.
    #[arg(long, value_name = "N")]
    trace: Option<u64>,
    /// Runs round 1 for N instructions, then prints the core and queues.
    #[arg(long, value_name = "N")]
    dump: Option<u64>,
    /// Prints help.
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// The warriors' files: Redcode source or load files.
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
    let rules = args.rules.rules()?;
    let count = u32::try_from(args.warriors.len()).map_err(|_| "too many warriors")?;
    let warriors = args
        .warriors
        .iter()
        .map(|path| read_warrior(path, &rules, count, args.rounds))
        .collect::<Result<Vec<Warrior>, String>>()?;
    if args.assemble {
        let [warrior] = warriors.as_slice() else {
            return Err("--assemble writes one warrior's load file: give one warrior".into());
        };
        return Ok(load::write(warrior, rules.size));
    }
    let mut out = String::new();
    if !args.brief {
        for warrior in &warriors {
            out += &listing(warrior, rules.size);
        }
    }
    if args.rounds == 0 {
        return Ok(out);
    }
    let mut positions = args.rules.positions(rules);
    let engine: &mut dyn Engine = match args.engine {
        EngineKind::Tasklets => &mut Tasklets,
        EngineKind::Flat => &mut Flat,
    };
    if let Some(after) = args.dump {
        // Round 1's positions and starter, from a battle of no instructions.
        let nothing = Watch {
            trace: 0,
            stop_after: Some(0),
        };
        let (_, reports) = battle(&warriors, &rules, 1, &mut positions, engine, nothing);
        return Ok(out + &dump(engine, &warriors, &rules, &reports[0], after));
    }
    let watch = Watch {
        trace: args.trace.unwrap_or(0),
        stop_after: None,
    };
    let (tallies, reports) = battle(
        &warriors,
        &rules,
        args.rounds,
        &mut positions,
        engine,
        watch,
    );
    for report in &reports {
        if args.per_round {
            out += &round_line(report);
        }
        if args.trace.is_some() {
            writeln!(out, "round {}: trace", report.round).expect("a String");
            for t in &report.end.traced {
                writeln!(
                    out,
                    "{} {:>5} {}",
                    t.warrior + 1,
                    t.address,
                    t.instruction.listing(rules.size)
                )
                .expect("a String");
            }
        }
    }
    out += &results(args, &warriors, &tallies);
    Ok(out)
}

/// pMARS's `-k`, or score lines and a Results line.
fn results(args: &Args, warriors: &[Warrior], tallies: &[Tally]) -> String {
    let mut out = String::new();
    let mut order: Vec<usize> = (0..warriors.len()).collect();
    if args.order {
        order.sort_by_key(|&w| std::cmp::Reverse(tallies[w].score));
    }
    let many = warriors.len() > 2;
    if args.koth {
        // pMARS prints `-k` in the warriors' order, sorted or not.
        for t in tallies {
            if many {
                let survived: Vec<String> = t.survived.iter().map(u32::to_string).collect();
                writeln!(out, "{} {} {}", t.score, survived.join(" "), t.deaths).expect("a String");
            } else {
                let ties = t.survived.get(1).copied().unwrap_or(0);
                writeln!(out, "{} {}", t.survived[0], ties).expect("a String");
            }
        }
        return out;
    }
    for &w in &order {
        let (warrior, t) = (&warriors[w], &tallies[w]);
        writeln!(
            out,
            "{} by {} scores {}",
            warrior.name, warrior.author, t.score
        )
        .expect("a String");
        if many {
            let survived: Vec<String> = t.survived.iter().map(u32::to_string).collect();
            writeln!(out, "  Results: {} {}", survived.join(" "), t.deaths).expect("a String");
        }
    }
    if let [first, second] = tallies {
        let (top, other) = if order[0] == 0 {
            (first, second)
        } else {
            (second, first)
        };
        writeln!(
            out,
            "Results: {} {} {}",
            top.survived[0], other.survived[0], top.survived[1]
        )
        .expect("a String");
    } else if let [only] = tallies {
        writeln!(out, "Results: {} {}", only.survived[0], only.deaths).expect("a String");
    }
    out
}

/// pMARS's listing of an assembled warrior.
fn listing(warrior: &Warrior, size: u32) -> String {
    let mut out = format!(
        "Program \"{}\" (length {}) by \"{}\"\n\n       ORG      START\n",
        warrior.name,
        warrior.code.len(),
        warrior.author
    );
    for (at, insn) in warrior.code.iter().enumerate() {
        let label = if at == warrior.start as usize {
            "START"
        } else {
            ""
        };
        writeln!(out, "{label:<6} {}", insn.listing(size)).expect("a String");
    }
    out + "\n"
}

fn round_line(report: &RoundReport) -> String {
    let list = |values: &mut dyn Iterator<Item = String>| values.collect::<Vec<_>>().join(" ");
    format!(
        "round {}: starter {}, positions {}, survivors {}, {} instructions\n",
        report.round,
        report.starter + 1,
        list(&mut report.positions.iter().map(u32::to_string)),
        list(
            &mut report
                .end
                .survivors
                .iter()
                .enumerate()
                .filter(|(_, s)| **s)
                .map(|(w, _)| (w + 1).to_string())
        ),
        report.end.executed,
    )
}

/// Round 1 again, on `engine`, for its first `after` instructions: every
/// cell that is not empty then, and each warrior's queue in the order its
/// processes would run.
fn dump(
    engine: &mut dyn Engine,
    warriors: &[Warrior],
    rules: &Rules,
    report: &RoundReport,
    after: u64,
) -> String {
    let (mut core, starts) = load_core(warriors, &report.positions, rules.size);
    let watch = Watch {
        trace: 0,
        stop_after: Some(after),
    };
    let end = engine.round(&mut core, &starts, report.starter, rules, watch);
    let mut out = format!("after {} instructions of round 1:\n", end.executed);
    for (address, insn) in core.iter().enumerate() {
        if *insn != Instruction::EMPTY {
            writeln!(out, "{address:>5} {}", insn.listing(rules.size)).expect("a String");
        }
    }
    for (w, queue) in end.queues.iter().enumerate() {
        let pcs: Vec<String> = queue.iter().map(u32::to_string).collect();
        writeln!(out, "warrior {} queue: {}", w + 1, pcs.join(" ")).expect("a String");
    }
    out
}

fn read_warrior(path: &str, rules: &Rules, warriors: u32, rounds: u32) -> Result<Warrior, String> {
    assemble::read_warrior(path, &Environment::of(rules, warriors, rounds))
}
