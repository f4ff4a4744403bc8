//! The two engines agree: on every pairing of the shipped warriors and on
//! random warriors, each round ends the same way (survivors, deaths,
//! instructions executed, process queues, trace) with the same core.

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Engine, Positions, RoundEnd, Rules, Watch, load};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::{Instruction, Mode, Modifier, Opcode, Warrior};
use ch07_core_war::tasklets::{Round, Tasklets};
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

/// The first round of `pair` at 0 and 4000 under `rules`: where its
/// warriors start, and its core.
fn first_round(pair: &[Warrior], rules: Rules) -> (Vec<Instruction>, Vec<u32>) {
    let at = Positions::fixed(4000, rules).next_positions(pair.len());
    load(pair, &at, rules.size)
}

#[test]
fn a_round_run_a_few_instructions_at_a_time_ends_as_one_run_does() {
    let warriors = shipped();
    let rules = Rules {
        cycles: 20_000,
        ..Rules::default()
    };
    for (step, (a, first), (b, second)) in [(1, 0, 5), (7, 2, 14), (1000, 8, 11), (1, 14, 4)]
        .map(|(step, i, j)| (step, &warriors[i], &warriors[j]))
    {
        let pair = [first.clone(), second.clone()];
        let (mut core, starts) = first_round(&pair, rules);
        let mut flat_core = core.clone();
        let want = Flat.round(&mut flat_core, &starts, 0, &rules, Watch::default());
        let round = Round::start(&core, &starts, 0, &rules, Watch::default());
        let mut runs = 0;
        while !round.is_over() {
            let before = round.executed();
            round.go(step);
            round.wait();
            assert!(
                round.executed() - before <= step,
                "{a} against {b}: ran past its budget"
            );
            runs += 1;
        }
        assert_eq!(
            round.finish(&mut core),
            want,
            "{a} against {b}, {step} at a time"
        );
        assert!(core == flat_core, "{a} against {b}: the cores differ");
        assert!(runs >= want.executed / step, "{a} against {b}: {runs} runs");
    }
}

#[test]
fn a_round_over_by_a_death_runs_no_more_when_asked_to_go_on() {
    let warriors = shipped();
    let by_name = |name: &str| {
        let found = warriors.iter().find(|(n, _)| n == name);
        found.expect("a shipped warrior").1.clone()
    };
    let rules = Rules::default();
    // The lemming dies first in its turn, then second.
    for pair in [
        ["book/suicide.red", "book/dwarf.red"],
        ["book/dwarf.red", "book/suicide.red"],
    ] {
        let pair = pair.map(by_name);
        let (core, starts) = first_round(&pair, rules);
        let round = Round::start(&core, &starts, 0, &rules, Watch::default());
        round.go(1000);
        round.wait();
        assert!(round.is_over(), "the lemming dies at once");
        let executed = round.executed();
        // A live view asks every frame, over or not.
        round.go(1000);
        round.wait();
        assert_eq!(round.executed(), executed);
    }
}

#[test]
fn rounds_waited_for_by_tasklets_run_side_by_side_and_agree_with_the_flat_engine() {
    let warriors = shipped();
    let rules = Rules {
        cycles: 20_000,
        ..Rules::default()
    };
    let pairs: Vec<[Warrior; 2]> = [(0, 5), (2, 14), (8, 11), (3, 3)]
        .map(|(i, j)| [warriors[i].1.clone(), warriors[j].1.clone()])
        .into();
    // Each round on a tasklet of its own: their processes share the run
    // queue, each round's heads in its own turn order.
    let ends = Rc::new(RefCell::new(vec![None; pairs.len()]));
    for (k, pair) in pairs.iter().enumerate() {
        let (pair, ends) = (pair.clone(), Rc::clone(&ends));
        ch02_scheduler::spawn(move || {
            let (mut core, starts) = first_round(&pair, rules);
            let end = Tasklets.round(&mut core, &starts, 0, &rules, Watch::default());
            ends.borrow_mut()[k] = Some((end, core));
        });
    }
    ch02_scheduler::run().expect("the rounds run");
    for (pair, got) in pairs.iter().zip(ends.take()) {
        let (mut core, starts) = first_round(pair, rules);
        let want = Flat.round(&mut core, &starts, 0, &rules, Watch::default());
        assert!(got == Some((want, core)), "the engines differ");
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

#[test]
fn a_round_that_records_writers_ends_the_same_and_names_each_changed_cell() {
    let warriors = shipped();
    let dwarf = warriors.iter().find(|(name, _)| name == "book/dwarf.red");
    let duck = assemble(";name Duck\n jmp 0", &Environment::default()).expect("a duck");
    let pair = [dwarf.expect("the dwarf").1.clone(), duck];
    let rules = Rules {
        cycles: 2000,
        ..Rules::default()
    };
    let (mut core, starts) = first_round(&pair, rules);
    let before = core.clone();
    let mut flat_core = core.clone();
    let want = Flat.round(&mut flat_core, &starts, 0, &rules, Watch::default());
    let round = Round::start(&core, &starts, 0, &rules, Watch::default());
    round.record_writers(vec![None; core.len()]);
    round.go(u64::MAX);
    round.wait();
    let writers = round.writers().expect("recorded");
    assert_eq!(round.finish(&mut core), want);
    let changed: Vec<usize> = (0..core.len()).filter(|&i| core[i] != before[i]).collect();
    assert!(
        changed.len() > 100,
        "the dwarf bombs: {} cells",
        changed.len()
    );
    for i in changed {
        assert_eq!(writers[i], Some(0), "cell {i} changed: the dwarf wrote it");
    }
    assert!(
        writers.iter().all(|w| *w != Some(1)),
        "the duck writes nothing"
    );
}
