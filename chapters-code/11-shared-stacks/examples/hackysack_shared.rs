//! Chapter 2's hackysack, played twice in one process: first with every
//! player on a stack of its own, then with every player on one shared
//! region. Both games pick the same kicks, so they must end the same way.
//!
//! `cargo run --release -p ch11-shared-stacks --example hackysack_shared -- 1000000 1000000`
//! plays with 1,000,000 players and 1,000,000 kicks. Above 2,000,000
//! players the first game is skipped: their own stacks would need more
//! memory than this machine has.

use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

use ch02_scheduler::SharedStack;
use ch02_scheduler::hackysack::{self, Outcome};
use ch02_scheduler::shared::share_stacks_by_default;
use ch11_shared_stacks::shared_region::SharedRegion;

/// The most players the game on stacks of their own is played with.
const MOST_OWN: usize = 2_000_000;

fn main() -> ExitCode {
    let numbers: Vec<Result<u64, _>> = std::env::args().skip(1).map(|a| a.parse()).collect();
    let (players, kicks) = match numbers[..] {
        [] => (10_000, 100_000),
        [Ok(players)] => (players as usize, 100_000),
        [Ok(players), Ok(kicks)] => (players as usize, kicks),
        _ => {
            eprintln!("usage: hackysack_shared [PLAYERS] [KICKS], two numbers");
            return ExitCode::FAILURE;
        }
    };
    let mut outcomes = Vec::new();
    if players <= MOST_OWN {
        outcomes.push(play("own stacks", players, kicks));
    } else {
        println!("own stacks: not played ({players} stacks of their own would not fit in memory)");
    }
    let make = || -> Rc<dyn SharedStack> { SharedRegion::new(64 * 1024).expect("a region") };
    // SAFETY: a player lends nothing of its stack: no scoped thread, no
    // pointer given away.
    unsafe { share_stacks_by_default(make) };
    outcomes.push(play("one shared region", players, kicks));
    if outcomes.iter().any(|o| o.is_none()) {
        return ExitCode::FAILURE;
    }
    if outcomes.windows(2).any(|pair| pair[0] != pair[1]) {
        eprintln!("the two games ended differently");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Plays one game, prints how it went and how long it took.
fn play(how: &str, players: usize, kicks: u64) -> Option<Outcome> {
    let start = Instant::now();
    match hackysack::tasklets(players, kicks, 42) {
        Ok(outcome) => {
            let took = start.elapsed().as_secs_f64();
            println!("{how}: {outcome}; {took:.2} s");
            Some(outcome)
        }
        Err(e) => {
            eprintln!("{how}: {e}");
            None
        }
    }
}
