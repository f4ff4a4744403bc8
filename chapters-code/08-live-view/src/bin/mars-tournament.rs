//! `mars-tournament`: every pair of warriors fights, on every core.
//!
//! `cargo run --release -p ch08-live-view --bin mars-tournament -- -r 100 warriors/*.red`

use std::path::Path;
use std::process::ExitCode;

use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::flags::RuleFlags;
use ch08_live_view::tournament::{EngineKind, Settings, play};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

/// Plays a round-robin tournament: every pair of warriors fights a battle
/// of `-r` rounds, the battles spread over `--threads` threads, and prints
/// the table, best first.
#[derive(Parser, Debug)]
#[command(name = "mars-tournament", version)]
struct Args {
    /// Rounds in each battle.
    #[arg(short = 'r', default_value_t = 100)]
    rounds: u32,
    #[command(flatten)]
    rules: RuleFlags,
    /// Threads to play on (default: one for each core).
    #[arg(long)]
    threads: Option<usize>,
    /// Worker tasklets on each thread.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Which engine plays the battles.
    #[arg(long, value_enum, default_value_t = EngineKind::Tasklets)]
    engine: EngineKind,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// The warriors' files: Redcode source or load files.
    #[arg(required = true, num_args = 2..)]
    warriors: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mars-tournament: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<String, String> {
    let rules = args.rules.rules()?;
    let env = Environment::of(&rules, 2, args.rounds);
    let warriors = (args.warriors.iter())
        .map(|path| read_warrior(path, &env))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = args
        .warriors
        .iter()
        .zip(&warriors)
        .map(|(p, w)| name(p, &w.name))
        .collect();
    let threads = match args.threads {
        Some(0) => return Err("--threads 0: a tournament needs a thread".into()),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    if args.workers == 0 {
        return Err("--workers 0: each thread needs a worker".into());
    }
    let settings = Settings {
        rules,
        rounds: args.rounds,
        fixed: args
            .rules
            .fixed
            .unwrap_or(rules.min_distance.max(rules.size / 2)),
        engine: args.engine,
        threads,
        workers: args.workers,
    };
    let battles = warriors.len() * (warriors.len() - 1) / 2;
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(battles as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} battles, {elapsed}")
            .expect("a valid template"),
    );
    let ticker = bar.clone();
    let table =
        play(&names, warriors, settings, move || ticker.inc(1)).map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    Ok(table.to_string())
}

/// A warrior's name in the table: its `;name`, or its file's name when it
/// has none (load files often do not).
fn name(path: &str, name: &str) -> String {
    if name.is_empty() || name == "Unknown" {
        let stem = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        stem.unwrap_or_else(|| path.to_owned())
    } else {
        name.to_owned()
    }
}
