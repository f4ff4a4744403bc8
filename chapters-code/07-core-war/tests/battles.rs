//! Whole battles against exhaust-ma's results (stored, so that this test
//! needs no exhaust-ma); `engines.rs` holds the engines to each other.

use std::path::Path;

use ch07_core_war::battle::{Engine, Positions, RoundReport, Rules, Tally, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::load;
use ch07_core_war::redcode::Warrior;
use ch07_core_war::tasklets::Tasklets;

fn warrior(name: &str) -> Warrior {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("warriors/benchmark")
        .join(format!("{name}.rc"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    load::parse(&text, 8000).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn play(pair: [&str; 2], rounds: u32, engine: &mut dyn Engine) -> (Vec<Tally>, Vec<RoundReport>) {
    let warriors = pair.map(warrior);
    let rules = Rules::default();
    battle(
        &warriors,
        &rules,
        rounds,
        &mut Positions::fixed(4000, rules),
        engine,
        Watch::default(),
    )
}

/// Each line of the stored results: the pair, and `-k`'s four numbers.
fn expected() -> Vec<([String; 2], [u32; 4])> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("warriors/benchmark/expected-exhaust-ma.txt");
    std::fs::read_to_string(path)
        .expect("the stored results")
        .lines()
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let numbers: Vec<u32> = words[2..]
                .iter()
                .map(|n| n.parse().expect("a number"))
                .collect();
            (
                [words[0].to_owned(), words[1].to_owned()],
                numbers.try_into().expect("four numbers"),
            )
        })
        .collect()
}

fn koth(tallies: &[Tally]) -> [u32; 4] {
    let ties = |t: &Tally| t.survived[1];
    [
        tallies[0].survived[0],
        ties(&tallies[0]),
        tallies[1].survived[0],
        ties(&tallies[1]),
    ]
}

#[test]
fn the_flat_engine_gives_exhaust_mas_results() {
    for ([a, b], want) in expected() {
        let (tallies, _) = play([&a, &b], 20, &mut Flat);
        assert_eq!(koth(&tallies), want, "{a} against {b}");
    }
}

#[test]
fn three_warriors_give_exhaust_mas_results_and_the_engines_agree() {
    // `exhaust -bkF 4000 -r 50 fixed.rc jaguar.rc stalker.rc` prints, for
    // each warrior, the rounds it survived with 1, 2 and 3 survivors, and
    // the rounds it died in.
    let want = [[2, 16, 4, 28], [9, 20, 4, 17], [14, 6, 4, 26]];
    let warriors = ["fixed", "jaguar", "stalker"].map(warrior);
    let rules = Rules::default();
    let play = |rounds, engine: &mut dyn Engine| {
        battle(
            &warriors,
            &rules,
            rounds,
            &mut Positions::fixed(4000, rules),
            engine,
            Watch::default(),
        )
    };
    let (tallies, _) = play(50, &mut Flat);
    let got: Vec<[u32; 4]> = tallies
        .iter()
        .map(|t| [t.survived[0], t.survived[1], t.survived[2], t.deaths])
        .collect();
    assert_eq!(got, want);
    assert_eq!(
        play(4, &mut Tasklets).1,
        play(4, &mut Flat).1,
        "round by round"
    );
}
