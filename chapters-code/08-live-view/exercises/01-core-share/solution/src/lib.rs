//! Chapter 8, exercise 1: each warrior's share of the core, as a bar
//! (a reference solution).

use ch08_live_view::screen::COLOURS;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::Widget;

/// How many cells each of `warriors` warriors wrote last.
pub fn shares(writers: &[Option<usize>], warriors: usize) -> Vec<usize> {
    let mut counts = vec![0; warriors];
    for &w in writers.iter().flatten() {
        if let Some(count) = counts.get_mut(w) {
            *count += 1;
        }
    }
    counts
}

/// A one-row bar: each warrior's share of the core, then nobody's.
pub struct ShareBar<'a> {
    /// Which warrior last wrote each cell.
    pub writers: &'a [Option<usize>],
    /// How many warriors there are.
    pub warriors: usize,
}

/// Splits `width` characters among `parts` in proportion, by the largest
/// remainder: whole characters first, then one more for the largest
/// fractions (ties to the earlier part).
fn widths(parts: &[usize], width: usize) -> Vec<usize> {
    let total: usize = parts.iter().sum::<usize>().max(1);
    let mut widths: Vec<usize> = parts.iter().map(|&p| p * width / total).collect();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(parts[i] * width % total));
    let short = width - widths.iter().sum::<usize>();
    for &i in order.iter().take(short) {
        widths[i] += 1;
    }
    widths
}

impl Widget for ShareBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut parts = shares(self.writers, self.warriors);
        parts.push(self.writers.len() - parts.iter().sum::<usize>());
        if self.writers.is_empty() {
            parts = vec![0; self.warriors];
            parts.push(1); // no core at all: nobody's
        }
        let mut x = area.x;
        for (w, width) in widths(&parts, usize::from(area.width))
            .into_iter()
            .enumerate()
        {
            let (symbol, colour) = match COLOURS.get(w % COLOURS.len()) {
                Some(&colour) if w < self.warriors => ("▒", colour),
                _ => ("·", Color::DarkGray),
            };
            for _ in 0..width {
                buf[(x, area.y)]
                    .set_symbol(symbol)
                    .set_style(Style::new().fg(colour));
                x += 1;
            }
        }
    }
}
