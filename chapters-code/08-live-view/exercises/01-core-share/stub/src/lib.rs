//! Chapter 8, exercise 1: each warrior's share of the core, as a bar
//! (your code goes here).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// How many cells each of `warriors` warriors wrote last.
pub fn shares(writers: &[Option<usize>], warriors: usize) -> Vec<usize> {
    let _ = (writers, warriors);
    unimplemented!("exercise 8.1: see README.md")
}

/// A one-row bar: each warrior's share of the core, then nobody's.
pub struct ShareBar<'a> {
    /// Which warrior last wrote each cell.
    pub writers: &'a [Option<usize>],
    /// How many warriors there are.
    pub warriors: usize,
}

impl Widget for ShareBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let _ = (area, buf);
        unimplemented!("exercise 8.1: see README.md")
    }
}
