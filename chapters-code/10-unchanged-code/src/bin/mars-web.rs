//! `mars-web`: a Core War battle, live in the browser.
//!
//! `cargo run --release -p ch10-unchanged-code --bin mars-web`, then open
//! <http://127.0.0.1:8000/>.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::flags::RuleFlags;
use ch09_stackless_io::net::TcpListener;
use ch10_unchanged_code::arena::{Arena, Settings};
use ch10_unchanged_code::http::{Limits, serve};
use clap::Parser;

/// Serves a Core War battle to any number of browsers: a page that draws
/// the core live, from Server-Sent Events, with controls to pause, step,
/// change the speed and start a new battle.
#[derive(Parser, Debug)]
#[command(name = "mars-web", version)]
struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8000")]
    listen: String,
    /// Rounds in each battle.
    #[arg(short = 'r', default_value_t = 10)]
    rounds: u32,
    #[command(flatten)]
    rules: RuleFlags,
    /// Frames a second.
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=120))]
    fps: u32,
    /// The warriors to choose from (default: the book's, in chapter 7's
    /// `warriors/book`); the first two fight first.
    warriors: Vec<PathBuf>,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("mars-web: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let rules = args.rules.rules()?;
    if args.rounds == 0 {
        return Err("-r 0: there is nothing to watch in zero rounds".into());
    }
    let settings = Settings {
        rules,
        rounds: args.rounds,
        fixed: args.rules.fixed,
        frame: Duration::from_secs(1) / args.fps,
        ..Settings::default()
    };
    let arena = Arena::new(
        library(&args.warriors, &Environment::of(&rules, 2, args.rounds))?,
        settings,
    )?;
    let listener =
        TcpListener::bind(&args.listen).map_err(|e| format!("--listen {}: {e}", args.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    arena.start().map_err(|e| e.to_string())?;
    eprintln!("mars-web: watch the battle at http://{addr}/");
    ch02_scheduler::spawn(move || {
        serve(&listener, Limits::default(), move |request, stream| {
            arena.handle(request, stream)
        })
    });
    ch02_scheduler::run().map_err(|e| e.to_string())
}

/// The warriors in `paths`, or the book's, each with its file's name as
/// its id.
fn library(
    paths: &[PathBuf],
    env: &Environment,
) -> Result<Vec<(String, ch07_core_war::redcode::Warrior)>, String> {
    let mut paths = paths.to_vec();
    if paths.is_empty() {
        let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../07-core-war/warriors/book");
        let files = std::fs::read_dir(&book).map_err(|e| format!("{}: {e}", book.display()))?;
        paths = files.filter_map(|f| f.ok().map(|f| f.path())).collect();
        paths.sort();
    }
    paths
        .iter()
        .map(|path| {
            let id = path
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            let warrior = read_warrior(&path.to_string_lossy(), env)?;
            Ok((id, warrior))
        })
        .collect()
}
