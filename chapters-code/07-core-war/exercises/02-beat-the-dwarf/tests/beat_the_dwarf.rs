//! Chapter 7, exercise 2: the warrior is at most six instructions, and
//! beats the dwarf over 100 rounds at fixed positions.

use std::path::Path;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Positions, Rules, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_ex_beat_the_dwarf::WARRIOR;

#[test]
fn in_six_instructions_it_wins_more_than_it_loses_against_the_dwarf() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../warriors/book/dwarf.red");
    let dwarf =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let env = Environment::default();
    let warriors = [
        assemble(WARRIOR, &env).unwrap_or_else(|e| panic!("{e}")),
        assemble(&dwarf, &env).expect("the dwarf assembles"),
    ];
    assert!(
        warriors[0].code.len() <= 6,
        "{} instructions: six at most",
        warriors[0].code.len()
    );
    let rules = Rules::default();
    let (tallies, _) = battle(
        &warriors,
        &rules,
        100,
        &mut Positions::fixed(4000, rules),
        &mut Flat,
        Watch::default(),
    );
    let (wins, losses) = (tallies[0].survived[0], tallies[1].survived[0]);
    assert!(
        wins > losses && wins >= 50,
        "{wins} wins, {losses} losses, {} ties",
        tallies[0].survived[1]
    );
}
