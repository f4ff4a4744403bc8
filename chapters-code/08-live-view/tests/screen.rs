//! The screen, drawn into buffers: the core map's folding, a warrior's
//! row, a terminal too small, and whole screens of a battle at fixed
//! cycles, as snapshots.

use std::path::Path;

use ch07_core_war::assemble::{Environment, read_warrior};
use ch07_core_war::battle::{Positions, Rules};
use ch08_live_view::bout::{Bout, WarriorLook};
use ch08_live_view::screen::{COLOURS, Controls, CoreMap, WarriorRow, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::Widget;

/// The symbols of a buffer's rows, one string a row.
fn rows(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect())
        .collect()
}

#[test]
fn the_core_map_folds_cells_into_characters() {
    // Twelve cells on six characters: two a character. Cell 1 has a
    // process of warrior 1 (0-based); cells 4 and 5 were written by
    // warriors 0 and 1 (a tie: the lower number); 8 and 9 by warrior 1.
    let mut writers = vec![None; 12];
    (writers[4], writers[5], writers[8], writers[9]) = (Some(0), Some(1), Some(1), Some(1));
    writers[1] = Some(0);
    let mut executing = vec![None; 12];
    executing[1] = Some(1);
    let map = CoreMap {
        writers: &writers,
        executing: &executing,
    };
    let area = Rect::new(0, 0, 3, 2);
    assert_eq!(map.per_char(area), 2);
    let mut buffer = Buffer::empty(area);
    map.render(area, &mut buffer);
    assert_eq!(rows(&buffer), ["█·▒", "·▒·"]);
    assert_eq!(
        buffer[(0, 0)].fg,
        COLOURS[1],
        "a process wins, in its colour"
    );
    assert!(buffer[(0, 0)].modifier.contains(Modifier::BOLD));
    assert_eq!(buffer[(2, 0)].fg, COLOURS[0], "a tie goes to warrior 1");
    assert_eq!(buffer[(1, 1)].fg, COLOURS[1]);
}

#[test]
fn a_warriors_row_shows_its_processes_history_and_score() {
    let warrior = WarriorLook {
        name: "Dwarf".into(),
        processes: 3,
        history: vec![1, 2, 3],
        score: 12,
    };
    let area = Rect::new(0, 0, 60, 1);
    let mut buffer = Buffer::empty(area);
    WarriorRow {
        warrior: &warrior,
        number: 0,
    }
    .render(area, &mut buffer);
    let row = &rows(&buffer)[0];
    assert!(row.starts_with("▒ Dwarf"), "{row}");
    assert!(row.contains("    3 processes"), "{row}");
    assert!(row.contains('█'), "the sparkline's highest bar: {row}");
    assert!(row.ends_with("score   12"), "{row}");
}

fn warrior(name: &str) -> ch07_core_war::redcode::Warrior {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../07-core-war/warriors/book")
        .join(format!("{name}.red"));
    read_warrior(path.to_str().expect("a path"), &Environment::default()).expect("a book warrior")
}

/// The dwarf against the imp at 0 and 4000, round 1 run `cycles` cycles,
/// drawn on an 80×24 screen.
fn screen(cycles: u64, controls: Controls, size: (u16, u16)) -> TestBackend {
    let rules = Rules::default();
    let warriors = vec![warrior("dwarf"), warrior("imp")];
    let mut bout = Bout::new(warriors, rules, 3, Positions::fixed(4000, rules));
    for _ in 0..cycles {
        bout.run(bout.cycle());
        bout.look(); // a look a cycle: the sparkline's history
    }
    let snapshot = bout.look();
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, &snapshot, &controls))
        .expect("drawn");
    drop(bout.finish());
    terminal.backend().clone()
}

const RUNNING: Controls = Controls {
    speed: 100,
    paused: false,
};

#[test]
fn the_screen_at_the_start_of_a_round() {
    insta::assert_snapshot!(screen(0, RUNNING, (80, 24)));
}

#[test]
fn the_screen_after_eight_hundred_cycles_paused() {
    let paused = Controls {
        paused: true,
        ..RUNNING
    };
    insta::assert_snapshot!(screen(800, paused, (80, 24)));
}

#[test]
fn a_terminal_too_small_gets_a_message_not_a_garbled_screen() {
    let backend = screen(10, RUNNING, (30, 8));
    let text = rows(backend.buffer()).concat();
    assert!(text.contains("This terminal is 30×8"), "{text}");
    assert!(text.contains("press q"), "{text}");
}
