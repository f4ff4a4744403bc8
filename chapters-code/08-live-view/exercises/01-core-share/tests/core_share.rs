//! Exercise 8.1: each warrior's share of the core, counted and drawn.

use ch08_ex_core_share::{ShareBar, shares};
use ch08_live_view::screen::COLOURS;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// A core of `counts[w]` cells for each warrior, then `empty` nobody's.
fn core(counts: &[usize], empty: usize) -> Vec<Option<usize>> {
    let mut writers: Vec<Option<usize>> = Vec::new();
    for (w, &n) in counts.iter().enumerate() {
        writers.extend(std::iter::repeat_n(Some(w), n));
    }
    writers.extend(std::iter::repeat_n(None, empty));
    writers
}

fn bar(writers: &[Option<usize>], warriors: usize, width: u16) -> Buffer {
    let area = Rect::new(0, 0, width, 2);
    let mut buf = Buffer::empty(area);
    ShareBar { writers, warriors }.render(area, &mut buf);
    buf
}

fn row(buf: &Buffer) -> String {
    (0..buf.area.width).map(|x| buf[(x, 0)].symbol()).collect()
}

#[test]
fn shares_count_each_warriors_cells() {
    let mut writers = core(&[5, 3, 0], 4);
    writers.push(Some(7)); // a writer past the warriors counts for nobody
    assert_eq!(shares(&writers, 3), [5, 3, 0]);
}

#[test]
fn the_bar_splits_its_width_in_proportion() {
    let buf = bar(&core(&[50, 25], 25), 2, 20);
    assert_eq!(row(&buf), "▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒·····");
    assert_eq!(buf[(0, 0)].fg, COLOURS[0]);
    assert_eq!(buf[(9, 0)].fg, COLOURS[0]);
    assert_eq!(buf[(10, 0)].fg, COLOURS[1]);
    assert_eq!(buf[(14, 0)].fg, COLOURS[1]);
    assert_eq!(row(&buf).chars().filter(|&c| c == '▒').count(), 15);
    assert_eq!(buf[(0, 1)].symbol(), " ", "one row only");
}

#[test]
fn the_bar_always_fills_its_width_by_the_largest_remainder() {
    // Thirds of 10: 3.33 each; the one extra goes to warrior 0.
    let buf = bar(&core(&[1, 1, 1], 0), 3, 10);
    let colours: Vec<_> = (0..10).map(|x| buf[(x, 0)].fg).collect();
    assert_eq!(colours.iter().filter(|&&c| c == COLOURS[0]).count(), 4);
    assert_eq!(colours.iter().filter(|&&c| c == COLOURS[1]).count(), 3);
    assert_eq!(colours.iter().filter(|&&c| c == COLOURS[2]).count(), 3);
    // 7 of 8000 cells for each of two warriors, on 60 characters:
    // 0.0525 each, the rest nobody's; the largest remainders decide.
    for width in [7, 13, 60, 80] {
        let buf = bar(&core(&[7, 7], 7986), 2, width);
        assert!(
            !row(&buf).contains(' '),
            "{width} characters, all filled: {}",
            row(&buf)
        );
    }
    let buf = bar(&core(&[7, 7], 7986), 2, 60);
    assert_eq!(
        row(&buf),
        "·".repeat(60),
        "shares under a character round to nobody"
    );
}

#[test]
fn a_core_nobody_wrote_is_all_dots() {
    assert_eq!(row(&bar(&core(&[], 8000), 2, 12)), "·".repeat(12));
    assert_eq!(
        row(&bar(&[], 2, 12)),
        "·".repeat(12),
        "nor a core of no cells"
    );
}

#[test]
fn the_colours_repeat_after_six_warriors() {
    let buf = bar(&core(&[0, 0, 0, 0, 0, 0, 0, 5], 0), 8, 5);
    assert!(row(&buf).chars().all(|c| c == '▒'), "{}", row(&buf));
    assert_eq!(buf[(0, 0)].fg, COLOURS[7 % COLOURS.len()]);
}
