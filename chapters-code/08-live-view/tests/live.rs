//! The live view's loop, on a test terminal and a virtual clock, driven
//! by scripted keys: the battle's results are those of chapter 7's
//! battle without a view, and the keys do what they say.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use ch04_lifecycle::time::{VirtualClock, set_clock};
use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::{Positions, Rules, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch08_live_view::bout::Bout;
use ch08_live_view::live::{Key, Keys, Options, watch};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Keys from a script: each frame, the next list.
struct Script(VecDeque<Vec<Key>>);

impl Keys for Script {
    fn pressed(&mut self) -> std::io::Result<Vec<Key>> {
        Ok(self.0.pop_front().unwrap_or(vec![Key::Quit]))
    }
}

fn warrior(name: &str) -> Warrior {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../07-core-war/warriors/book")
        .join(format!("{name}.red"));
    read_warrior(path.to_str().expect("a path"), &Environment::default()).expect("a book warrior")
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn a_battle_watched_ends_as_the_same_battle_unwatched() {
    set_clock(VirtualClock::new());
    let rules = Rules::default();
    let warriors = vec![warrior("dwarf"), warrior("stone"), warrior("paper")];
    let rounds = 4;
    let (want, reports) = battle(
        &warriors,
        &rules,
        rounds,
        &mut Positions::fixed(4000, rules),
        &mut Flat,
        Watch::default(),
    );
    // A million instructions a frame: each frame plays a round out; then
    // `n` starts the next, and the last frame quits.
    let mut script: VecDeque<Vec<Key>> = (1..rounds).map(|_| vec![Key::NextRound]).collect();
    script.push_back(vec![Key::Quit]);
    let bout = Bout::new(warriors, rules, rounds, Positions::fixed(4000, rules));
    let options = Options {
        frame: Duration::from_millis(40),
        speed: 6,
        paused: false,
    };
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("a test terminal");
    let watched = watch(bout, terminal, Script(script), options).expect("watched");
    assert_eq!(watched.tallies, want);
    let ends: Vec<_> = reports.into_iter().map(|r| r.end).collect();
    assert_eq!(watched.ends, ends, "round by round");
}

#[test]
fn pause_step_and_speed_keys_do_what_they_say() {
    set_clock(VirtualClock::new());
    let rules = Rules::default();
    let warriors = vec![warrior("dwarf"), warrior("imp")];
    let bout = Bout::new(warriors, rules, 2, Positions::fixed(4000, rules));
    bout.run(100 * bout.cycle());
    let script = VecDeque::from([
        vec![],                        // paused: nothing runs
        vec![Key::Step],               // one cycle
        vec![Key::Step, Key::Step],    // two more
        vec![Key::Faster, Key::Pause], // 100 a frame, running
        vec![Key::Pause],              // paused again after one frame
    ]);
    let options = Options {
        frame: Duration::from_millis(40),
        speed: 1,
        paused: true,
    };
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("a test terminal");
    let watched = watch(bout, terminal, Script(script), options).expect("watched");
    let text = screen_text(&watched.terminal);
    // 100 cycles, then 1 + 2 stepped, then 100 instructions (50 cycles)
    // in the one frame that ran.
    assert!(text.contains("cycle 153/80000"), "{text}");
    assert!(text.contains("paused"), "{text}");
    assert!(watched.ends.is_empty(), "the round was left unfinished");
}
