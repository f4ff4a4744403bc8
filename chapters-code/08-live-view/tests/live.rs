//! The live view's loop, on a test terminal and a virtual clock, driven
//! by scripted keys: the battle's results are those of chapter 7's
//! battle without a view, and the keys do what they say.

use std::cell::Cell;
use std::collections::VecDeque;
use std::path::Path;
use std::rc::Rc;
use std::time::Duration;

use ch04_lifecycle::time::{Clock, VirtualClock, set_clock};
use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::{Positions, Rules, Watch, battle};
use ch07_core_war::flat::Flat;
use ch07_core_war::redcode::Warrior;
use ch08_live_view::bout::{Bout, Snapshot};
use ch08_live_view::live::{Key, Keys, Options, watch};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Keys from a script: each frame, the next list; then `q`.
struct Script(VecDeque<Vec<Key>>);

impl Keys for Script {
    fn pressed(&mut self, _: &Snapshot) -> std::io::Result<Vec<Key>> {
        Ok(self.0.pop_front().unwrap_or(vec![Key::Quit]))
    }
}

thread_local! {
    /// Frames that showed a round under way, neither at its start nor over.
    static MID_ROUND: Cell<u64> = const { Cell::new(0) };
}

/// A player who presses `n` when a round is over, and `q` after the last.
struct NextWhenOver;

impl Keys for NextWhenOver {
    fn pressed(&mut self, shown: &Snapshot) -> std::io::Result<Vec<Key>> {
        if shown.survivors.is_none() && shown.cycle > 0 {
            MID_ROUND.with(|n| n.set(n.get() + 1));
        }
        Ok(match (&shown.survivors, shown.last_round) {
            (None, _) => vec![],
            (Some(_), false) => vec![Key::NextRound],
            (Some(_), true) => vec![Key::Quit],
        })
    }
}

/// A clock that moves a microsecond each time it is read: the timers'
/// periodic poll, every 64 turns, sees the UI's frame come due while the
/// warriors still have budget left, as a real clock would, but always
/// at the same turn.
#[derive(Default)]
struct TickingClock(Cell<Duration>);

impl Clock for TickingClock {
    fn now(&self) -> Duration {
        self.0.set(self.0.get() + Duration::from_micros(1));
        self.0.get()
    }

    fn sleep_until(&self, deadline: Duration) {
        self.0.set(self.0.get().max(deadline));
    }

    fn real_wait(&self, _: Duration) -> Duration {
        Duration::ZERO
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
    // The UI wakes in the middle of rounds: its turns come between the
    // warriors' turns, in the same run queue.
    set_clock(Rc::new(TickingClock::default()));
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
    // A million instructions a frame, and a frame every 100 µs: the frame
    // comes due a hundred clock readings on (the timers are polled every
    // 64 turns), long before the budget is spent.
    let bout = Bout::new(warriors, rules, rounds, Positions::fixed(4000, rules));
    let options = Options {
        frame: Duration::from_micros(100),
        speed: 6,
        paused: false,
    };
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("a test terminal");
    let watched = watch(bout, terminal, NextWhenOver, options).expect("watched");
    let mid_round = MID_ROUND.with(Cell::get);
    assert!(
        mid_round >= u64::from(rounds),
        "the UI drew {mid_round} frames mid-round"
    );
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
