//! The warriors written for the book: each assembles, and does what its
//! comment says it does.

use std::path::Path;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Engine, Positions, RoundReport, Rules, Watch, battle, load};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;

fn book(name: &str) -> Warrior {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("warriors/book")
        .join(format!("{name}.red"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assemble(&text, &Environment::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A target that sits still: one `JMP 0`.
fn duck() -> Warrior {
    assemble(";name Duck\n jmp 0", &Environment::default()).expect("a duck")
}

/// A target of ten cells that its one process walks through, round and
/// round: a bomb on any of them kills it.
fn walker() -> Warrior {
    let source = format!(";name Walker\n{} jmp -9", " nop 0\n".repeat(9));
    assemble(&source, &Environment::default()).expect("a walker")
}

/// Warrior 1's process queue after `after` instructions of a round with
/// `pair` at 0 and 4000.
fn queue_after(pair: &[Warrior], after: u64) -> Vec<Vec<u32>> {
    let rules = Rules::default();
    let positions: Vec<u32> = (0..pair.len() as u32).map(|k| k * 4000).collect();
    let (mut core, starts) = load(pair, &positions, rules.size);
    Flat.round(
        &mut core,
        &starts,
        0,
        &rules,
        Watch {
            trace: 0,
            stop_after: Some(after),
        },
    )
    .queues
}

fn rounds(pair: [Warrior; 2], fixed: u32, rounds: u32) -> Vec<RoundReport> {
    let rules = Rules::default();
    battle(
        &pair,
        &rules,
        rounds,
        &mut Positions::fixed(fixed, rules),
        &mut Flat,
        Watch::default(),
    )
    .1
}

#[test]
fn every_warrior_for_the_book_assembles_and_fits() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("warriors/book");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("the warriors") {
        let path = entry.expect("an entry").path();
        if path.extension().is_some_and(|e| e == "red") {
            let warrior = book(path.file_stem().and_then(|s| s.to_str()).expect("a name"));
            assert!(warrior.code.len() <= 100, "{}", path.display());
            assert!(
                !warrior.name.is_empty() && warrior.author == "the book"
                    || warrior.author.starts_with("the book")
            );
            count += 1;
        }
    }
    assert!(count >= 12, "{count} warriors");
}

#[test]
fn the_lemming_dies_at_its_first_instruction() {
    for report in rounds([book("suicide"), duck()], 4000, 2) {
        assert_eq!(report.end.survivors, [false, true]);
        // The lemming's only instruction, and the duck's, if it moved first.
        assert!(report.end.executed <= 2, "{report:?}");
    }
}

#[test]
fn the_imp_runs_for_ever_alone() {
    let rules = Rules::default();
    let (_, reports) = battle(
        &[book("imp")],
        &rules,
        1,
        &mut Positions::fixed(4000, rules),
        &mut Flat,
        Watch::default(),
    );
    assert_eq!(reports[0].end.survivors, [true]);
    assert_eq!(reports[0].end.executed, 80_000);
}

#[test]
fn the_dwarf_bombs_every_fourth_cell() {
    // Its bombs land at 3, 7, 11, ... from its first cell: a duck at 4003
    // is hit, one at 4000 never is.
    assert_eq!(
        rounds([book("dwarf"), duck()], 4003, 1)[0].end.survivors,
        [true, false]
    );
    assert_eq!(
        rounds([book("dwarf"), duck()], 4000, 1)[0].end.survivors,
        [true, true]
    );
}

#[test]
fn the_stone_finds_a_duck_wherever_it_sits() {
    for report in rounds([book("stone"), duck()], 4000, 6) {
        assert_eq!(report.end.survivors, [true, false], "{report:?}");
    }
}

#[test]
fn paper_spreads_processes_over_the_core() {
    let rules = Rules::default();
    let (mut core, starts) = load(&[book("paper"), duck()], &[0, 4000], rules.size);
    let end = Flat.round(
        &mut core,
        &starts,
        0,
        &rules,
        Watch {
            trace: 0,
            stop_after: Some(20_000),
        },
    );
    let processes = &end.queues[0];
    assert!(processes.len() > 100, "{} processes", processes.len());
    let spread = processes.iter().max().expect("some") - processes.iter().min().expect("some");
    assert!(spread > 4000, "processes only {spread} cells apart");
    for report in rounds([book("paper"), duck()], 4000, 4) {
        assert_eq!(report.end.survivors, [true, false], "{report:?}");
    }
}

#[test]
fn the_swarm_grows_to_the_process_limit() {
    let rules = Rules::default();
    let (mut core, starts) = load(&[book("swarm")], &[0], rules.size);
    let end = Flat.round(
        &mut core,
        &starts,
        0,
        &rules,
        Watch {
            trace: 0,
            stop_after: Some(20_000),
        },
    );
    assert_eq!(end.queues[0].len(), 8000);
}

#[test]
fn the_imp_ring_turns_three_imps_a_third_of_the_core_apart() {
    let queue = &queue_after(&[book("imp-ring")], 60)[0];
    let [a, b, c] = queue[..] else {
        panic!("three processes, not {queue:?}")
    };
    assert_eq!((b + 8000 - a) % 8000, 2667, "{queue:?}");
    assert_eq!((c + 8000 - b) % 8000, 2667, "{queue:?}");
    let rules = Rules::default();
    let (_, reports) = battle(
        &[book("imp-ring")],
        &rules,
        1,
        &mut Positions::fixed(4000, rules),
        &mut Flat,
        Watch::default(),
    );
    assert_eq!(reports[0].end.survivors, [true], "it runs a whole round");
}

#[test]
fn the_vampire_fills_its_victim_with_useless_processes() {
    let queues = queue_after(&[book("vampire"), walker()], 60_000);
    assert_eq!(
        queues[1].len(),
        8000,
        "the walker's process was caught in the pit"
    );
    for report in rounds([book("vampire"), walker()], 4000, 2) {
        assert_eq!(report.end.survivors, [true, true], "caught, not killed");
    }
}

#[test]
fn the_clear_wipes_a_warrior_that_stays_put() {
    for report in rounds([book("clear"), duck()], 4000, 4) {
        assert_eq!(report.end.survivors, [true, false], "{report:?}");
    }
}

#[test]
fn the_scanner_finds_and_bombs_a_walker_anywhere() {
    for report in rounds([book("scanner"), walker()], 4000, 4) {
        assert_eq!(report.end.survivors, [true, false], "{report:?}");
    }
}

#[test]
fn the_quickscan_finds_a_target_at_once_or_falls_back_to_a_clear() {
    // The duck at 1000 is in the first pair it looks at: it is wiped
    // within a few hundred instructions.
    let report = &rounds([book("quickscan"), duck()], 1000, 1)[0];
    assert_eq!(report.end.survivors, [true, false]);
    assert!(report.end.executed < 1000, "{report:?}");
    // Elsewhere the clear finds it, later.
    for report in rounds([book("quickscan"), duck()], 4321, 3) {
        assert_eq!(report.end.survivors, [true, false], "{report:?}");
    }
}

#[test]
fn the_imp_stone_never_loses_to_a_walker() {
    let reports = rounds([book("imp-stone"), walker()], 4000, 4);
    assert!(reports.iter().all(|r| r.end.survivors[0]), "{reports:?}");
    assert!(
        reports.iter().any(|r| !r.end.survivors[1]),
        "the stone wins some"
    );
}
