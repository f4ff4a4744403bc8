//! The two engines on one battle: jaguar against fixed (exhaust-ma's
//! benchmark warriors), 20 rounds at fixed positions, per instruction
//! executed. `cargo bench -p ch07-core-war --bench engines`

use std::hint::black_box;
use std::path::Path;

use ch07_core_war::assemble::{Environment, assemble};
use ch07_core_war::battle::{Engine, Positions, Rules, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch07_core_war::tasklets::Tasklets;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn warrior(name: &str) -> Warrior {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("warriors/benchmark")
        .join(format!("{name}.rc"));
    let text = std::fs::read_to_string(&path).expect("a benchmark warrior");
    assemble(&text, &Environment::default()).expect("it assembles")
}

fn engines(c: &mut Criterion) {
    let warriors = [warrior("jaguar"), warrior("fixed")];
    let rules = Rules::default();
    let play = |engine: &mut dyn Engine| {
        let (_, reports) = battle(
            &warriors,
            &rules,
            20,
            &mut Positions::fixed(4000, rules),
            engine,
            Watch::default(),
        );
        reports.iter().map(|r| r.end.executed).sum::<u64>()
    };
    let instructions = play(&mut Flat);
    let mut group = c.benchmark_group("battle");
    group.throughput(Throughput::Elements(instructions));
    group.sample_size(10);
    group.bench_function("flat", |b| b.iter(|| black_box(play(&mut Flat))));
    group.bench_function("tasklets", |b| b.iter(|| black_box(play(&mut Tasklets))));
    group.finish();
}

criterion_group!(benches, engines);
criterion_main!(benches);
