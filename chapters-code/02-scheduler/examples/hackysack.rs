//! Hackysack: N players kick a ball at random, each player a tasklet (or,
//! with `--threads`, an OS thread).
//!
//! `cargo run --release -p ch02-scheduler --example hackysack -- 10000 100000`
//! plays with 10,000 players and 100,000 kicks.

use std::time::Instant;

use ch02_scheduler::hackysack;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let threads = args.iter().any(|a| a == "--threads");
    let numbers: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let parse = |i: usize, default: u64| match numbers.get(i) {
        None => Ok(default),
        Some(s) => s.parse::<u64>().map_err(|_| {
            format!(
                "expected a number of {}, got {s:?}",
                ["players", "kicks"][i]
            )
        }),
    };
    let (players, kicks) = match (parse(0, 10), parse(1, 1000)) {
        (Ok(p), Ok(k)) => (p as usize, k),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("usage: hackysack [PLAYERS] [KICKS] [--threads] [--time]\n{e}");
            std::process::exit(2);
        }
    };
    let start = Instant::now();
    let outcome = if threads {
        hackysack::threads(players, kicks, 42)
    } else {
        hackysack::tasklets(players, kicks, 42)
    };
    match outcome {
        Ok(outcome) => println!("{outcome}"),
        Err(e) => {
            eprintln!("hackysack: {e}");
            std::process::exit(1);
        }
    }
    if args.iter().any(|a| a == "--time") {
        println!("took {:?}", start.elapsed());
    }
}
