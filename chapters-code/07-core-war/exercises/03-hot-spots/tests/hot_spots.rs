//! Chapter 7, exercise 3: `hot_spots` counts one warrior's instructions
//! by address, the most executed first, ties by address, at most `top`.

use std::path::Path;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Engine, Traced, Watch, load};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Instruction;
use ch07_ex_hot_spots::hot_spots;

fn traced(warrior: usize, address: u32) -> Traced {
    Traced {
        warrior,
        address,
        instruction: Instruction::EMPTY,
    }
}

#[test]
fn counts_one_warriors_instructions_most_first_ties_by_address() {
    let trace = [
        traced(0, 7),
        traced(1, 7),
        traced(0, 3),
        traced(1, 7),
        traced(0, 7),
        traced(0, 3),
        traced(0, 9),
        traced(1, 2),
    ];
    assert_eq!(hot_spots(&trace, 0, 10), [(3, 2), (7, 2), (9, 1)]);
    assert_eq!(hot_spots(&trace, 1, 10), [(7, 2), (2, 1)]);
    assert_eq!(hot_spots(&trace, 0, 1), [(3, 2)]);
    assert_eq!(hot_spots(&trace, 2, 10), []);
}

#[test]
fn the_dwarf_spends_its_time_in_its_loop() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../warriors/book/dwarf.red");
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let env = Environment::default();
    let dwarf = assemble(&source, &env).expect("the dwarf assembles");
    let imp = assemble(" mov.i 0, 1", &env).expect("an imp");
    let rules = ch07_core_war::battle::Rules::default();
    let (mut core, starts) = load(&[dwarf, imp], &[0, 4000], rules.size);
    let watch = Watch {
        trace: 600,
        stop_after: Some(600),
    };
    let end = Flat.round(&mut core, &starts, 0, &rules, watch);
    // 300 instructions each: the dwarf's three loop cells 100 times each.
    assert_eq!(hot_spots(&end.traced, 0, 5), [(0, 100), (1, 100), (2, 100)]);
}
