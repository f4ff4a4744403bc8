//! The tournament: the same table whatever the threads, the workers and
//! the engine; a failed battle is reported and the others go on.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::{Rules, Tally};
use ch07_core_war::redcode::Warrior;
use ch08_live_view::tournament::{EngineKind, Settings, play, play_with};

const WARRIORS: [&str; 5] = ["dwarf", "imp", "stone", "paper", "scanner"];

fn warriors() -> (Vec<String>, Vec<Warrior>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../07-core-war/warriors/book");
    let read = |name: &str| {
        let path = dir.join(format!("{name}.red"));
        read_warrior(path.to_str().expect("a path"), &Environment::default()).expect("a warrior")
    };
    (WARRIORS.map(String::from).into(), WARRIORS.map(read).into())
}

fn settings(threads: usize, workers: usize, engine: EngineKind) -> Settings {
    Settings {
        rules: Rules::default(),
        rounds: 6,
        fixed: 4000,
        engine,
        threads,
        workers,
    }
}

#[test]
fn the_table_is_the_same_whatever_the_threads_workers_and_engine() {
    let (names, warriors) = warriors();
    let battles = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&battles);
    let count = move || {
        counter.fetch_add(1, Ordering::Relaxed);
    };
    let one = play(
        &names,
        warriors.clone(),
        settings(1, 1, EngineKind::Flat),
        count,
    )
    .expect("played");
    assert_eq!(battles.load(Ordering::Relaxed), 10, "every pair once");
    assert!(one.failures.is_empty());
    let total: u32 = one
        .standings
        .iter()
        .map(|s| s.wins + s.losses + s.ties)
        .sum();
    assert_eq!(total, 10 * 6 * 2, "each round counted for both warriors");
    for (threads, workers, engine) in [
        (2, 1, EngineKind::Flat),
        (2, 3, EngineKind::Tasklets),
        (1, 4, EngineKind::Tasklets),
    ] {
        let table = play(
            &names,
            warriors.clone(),
            settings(threads, workers, engine),
            || {},
        )
        .expect("played");
        assert_eq!(
            table, one,
            "{threads} threads, {workers} workers, {engine:?}"
        );
    }
    let text = one.to_string();
    assert!(text.starts_with("rank  warrior"), "{text}");
}

/// A battle function that fails on one pairing.
fn faulty(pair: &[Warrior; 2], _: &Settings) -> Vec<Tally> {
    assert!(
        pair[0].name != "Imp" && pair[1].name != "Imp",
        "this MARS cannot stand imps"
    );
    vec![
        Tally {
            survived: vec![1, 0],
            deaths: 0,
            score: 3
        };
        2
    ]
}

#[test]
fn a_failed_battle_is_reported_and_the_others_go_on() {
    let (names, warriors) = warriors();
    let table = play_with(
        &names,
        warriors,
        settings(2, 2, EngineKind::Flat),
        || {},
        faulty,
    )
    .expect("played");
    assert_eq!(
        table.failures.len(),
        4,
        "the imp's four battles: {:?}",
        table.failures
    );
    assert!(
        table.failures[0].contains("cannot stand imps"),
        "{:?}",
        table.failures
    );
    let imp = table
        .standings
        .iter()
        .find(|s| s.name == "imp")
        .expect("the imp");
    assert_eq!((imp.wins, imp.losses, imp.ties), (0, 0, 0));
    let dwarf = table
        .standings
        .iter()
        .find(|s| s.name == "dwarf")
        .expect("the dwarf");
    assert_eq!(
        dwarf.wins, 3,
        "one round won in each of its three other battles"
    );
    assert!(
        table.to_string().contains("failed: dwarf against imp"),
        "{table}"
    );
}
