//! `mars-view`: a Core War battle, live in the terminal.
//!
//! `cargo run --release -p ch08-live-view --bin mars-view -- -r 10 A.red B.red`

use std::process::ExitCode;
use std::time::Duration;

use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::flags::RuleFlags;
use ch08_live_view::bout::Bout;
use ch08_live_view::live::{Keyboard, Options, SPEEDS, watch};
use clap::Parser;

/// Watches a Core War battle live: the core, each warrior's processes,
/// the scores. Keys: space pauses, s steps one cycle, + and - change the
/// speed, n starts the next round, q quits.
#[derive(Parser, Debug)]
#[command(name = "mars-view", version)]
struct Args {
    /// Rounds to play.
    #[arg(short = 'r', default_value_t = 10)]
    rounds: u32,
    #[command(flatten)]
    rules: RuleFlags,
    /// Frames a second.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=120))]
    fps: u32,
    /// Instructions a frame to start with: one of 1, 10, 100, … 1000000.
    #[arg(long, default_value_t = 1000)]
    speed: u64,
    /// Starts paused, after this many cycles of round 1.
    #[arg(long, value_name = "CYCLES")]
    paused_at: Option<u64>,
    /// Makes a tasklet beside the warriors panic after this many frames:
    /// for the test that checks the terminal is restored.
    #[arg(long, hide = true)]
    panic_after: Option<u32>,
    /// The warriors' files: Redcode source or load files.
    #[arg(required = true)]
    warriors: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(scores) => {
            print!("{scores}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("mars-view: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<String, String> {
    let rules = args.rules.rules()?;
    if args.rounds == 0 {
        return Err("-r 0: there is nothing to watch in zero rounds".into());
    }
    let Some(speed) = SPEEDS.iter().position(|&s| s == args.speed) else {
        return Err(format!("--speed {}: choose one of {SPEEDS:?}", args.speed));
    };
    let count = u32::try_from(args.warriors.len()).map_err(|_| "too many warriors")?;
    let env = Environment::of(&rules, count, args.rounds);
    let warriors = (args.warriors.iter())
        .map(|path| read_warrior(path, &env))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<String> = warriors.iter().map(|w| w.name.clone()).collect();
    let bout = Bout::new(warriors, rules, args.rounds, args.rules.positions(rules));
    if let Some(cycles) = args.paused_at {
        bout.run(cycles * bout.cycle());
    }
    let options = Options {
        frame: Duration::from_secs(1) / args.fps,
        speed,
        paused: args.paused_at.is_some(),
    };
    if let Some(frames) = args.panic_after {
        panic_later(options.frame * frames);
    }
    // Raw mode and the alternate screen; ratatui's panic hook restores
    // the terminal before a panic's message is printed.
    let terminal = ratatui::try_init()
        .map_err(|e| format!("the view needs a terminal, and this is none ({e})"))?;
    let watched = watch(bout, terminal, Keyboard, options);
    ratatui::restore();
    let watched = watched.map_err(|e| e.to_string())?;
    let mut out = String::new();
    for (name, tally) in names.iter().zip(&watched.tallies) {
        out += &format!("{name} scores {}\n", tally.score);
    }
    Ok(out + &format!("{} rounds played out\n", watched.ends.len()))
}

/// A tasklet that panics after `delay`, as a faulty warrior process
/// would: the panic reaches main (rule 6).
fn panic_later(delay: Duration) {
    ch02_scheduler::Builder::new()
        .name("faulty")
        .spawn(move || {
            ch04_lifecycle::time::sleep(delay).expect("a tasklet can sleep");
            panic!("a tasklet beside the warriors failed (--panic-after)");
        })
        .expect("a tasklet can be spawned");
}
