//! The two engines agree: on every pairing of the shipped warriors and on
//! random warriors, each round ends the same way (survivors, deaths,
//! instructions executed, process queues, trace) with the same core.

use std::path::Path;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Engine, Positions, RoundEnd, Rules, Watch, load};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::{Instruction, Mode, Modifier, Opcode, Warrior};
use ch07_core_war::tasklets::Tasklets;
use proptest::prelude::*;

/// Every warrior the crate ships: exhaust-ma's four and the book's.
fn shipped() -> Vec<(String, Warrior)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("warriors");
    let mut warriors = Vec::new();
    for sub in ["benchmark", "book"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir.join(sub))
            .expect("the warriors folder")
            .map(|entry| entry.expect("a folder entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "rc" || e == "red"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("a warrior");
            let warrior = assemble(&text, &Environment::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path.file_name().expect("a file").to_string_lossy();
            warriors.push((format!("{sub}/{name}"), warrior));
        }
    }
    warriors
}

/// How each round of `pair` ends on `engine`, and the core it leaves.
fn rounds(
    pair: &[Warrior],
    rules: Rules,
    rounds: u32,
    watch: Watch,
    engine: &mut dyn Engine,
) -> Vec<(RoundEnd, Vec<Instruction>)> {
    let mut positions = Positions::fixed(4000, rules);
    (0..rounds as usize)
        .map(|round| {
            let at = positions.next_positions(pair.len());
            let (mut core, starts) = load(pair, &at, rules.size);
            let end = engine.round(&mut core, &starts, round % pair.len(), &rules, watch);
            (end, core)
        })
        .collect()
}

#[test]
fn the_engines_agree_on_every_pairing_of_the_shipped_warriors() {
    let warriors = shipped();
    assert_eq!(
        warriors.len(),
        16,
        "exhaust-ma's four and the book's twelve"
    );
    let rules = Rules {
        cycles: 20_000,
        ..Rules::default()
    };
    let watch = Watch {
        trace: 40,
        stop_after: None,
    };
    for (i, (a, first)) in warriors.iter().enumerate() {
        for (b, second) in &warriors[i..] {
            let pair = [first.clone(), second.clone()];
            let flat = rounds(&pair, rules, 2, watch, &mut Flat);
            let tasklets = rounds(&pair, rules, 2, watch, &mut Tasklets);
            assert!(flat == tasklets, "{a} against {b}: the engines differ");
        }
    }
}

fn instruction() -> impl Strategy<Value = Instruction> {
    let field = prop_oneof![4 => 0u32..8, 1 => 0u32..8000];
    (
        0..Opcode::ALL.len(),
        0..Modifier::ALL.len(),
        0..Mode::ALL.len(),
        field.clone(),
        0..Mode::ALL.len(),
        field,
    )
        .prop_map(|(op, modifier, a_mode, a, b_mode, b)| Instruction {
            opcode: Opcode::ALL[op],
            modifier: Modifier::ALL[modifier],
            a_mode: Mode::ALL[a_mode],
            a,
            b_mode: Mode::ALL[b_mode],
            b,
        })
}

fn warrior() -> impl Strategy<Value = Warrior> {
    prop::collection::vec(instruction(), 1..20).prop_flat_map(|code| {
        let len = code.len() as u32;
        (Just(code), 0..len).prop_map(|(code, start)| Warrior {
            name: String::new(),
            author: String::new(),
            code,
            start,
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random warriors, watched for a random number of instructions with a
    /// random process limit: the engines agree on everything.
    #[test]
    fn the_engines_agree_on_random_warriors(
        pair in prop::collection::vec(warrior(), 2..=3),
        processes in prop_oneof![1u32..4, 4u32..64, Just(8000)],
        stop_after in prop::option::of(0u64..3000),
    ) {
        let rules = Rules { cycles: 2000, processes, ..Rules::default() };
        let watch = Watch { trace: 30, stop_after };
        let flat = rounds(&pair, rules, 2, watch, &mut Flat);
        let tasklets = rounds(&pair, rules, 2, watch, &mut Tasklets);
        prop_assert!(flat == tasklets, "the engines differ");
    }
}
