//! The screen: the core as a grid of characters, a row for each warrior,
//! and a status line. Drawing is a function of a [`Snapshot`] and the
//! controls, so that tests draw into a buffer and compare.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline, Widget, Wrap};

use crate::bout::{Snapshot, WarriorLook};

/// Each warrior's colour, in command-line order (the list repeats).
pub const COLOURS: [Color; 6] = [
    Color::Green,
    Color::Red,
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Blue,
];

/// The smallest terminal the view draws in, columns and rows.
pub const MIN_SIZE: (u16, u16) = (50, 12);

/// How the user has set the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Controls {
    /// Instructions the warriors may execute between two frames.
    pub speed: u64,
    /// Whether the battle is paused.
    pub paused: bool,
}

fn colour(warrior: usize) -> Color {
    COLOURS[warrior % COLOURS.len()]
}

// ANCHOR: core_map
/// The core as a grid, a character for every `per_char` consecutive
/// cells, row after row.
pub struct CoreMap<'a> {
    /// Which warrior last wrote each cell.
    pub writers: &'a [Option<usize>],
    /// Which warrior has a process about to execute each cell.
    pub executing: &'a [Option<usize>],
}

impl CoreMap<'_> {
    /// How many cells each character of `area` stands for: as few as let
    /// the whole core fit.
    pub fn per_char(&self, area: Rect) -> usize {
        let chars = (area.area() as usize).max(1);
        self.writers.len().div_ceil(chars).max(1)
    }
}

impl Widget for CoreMap<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let per = self.per_char(area);
        let width = usize::from(area.width.max(1));
        for (i, start) in (0..self.writers.len()).step_by(per).enumerate() {
            let cells = start..(start + per).min(self.writers.len());
            let (x, y) = ((i % width) as u16, (i / width) as u16);
            let (symbol, style) = fold(&self.writers[cells.clone()], &self.executing[cells]);
            if let Some(cell) = buf.cell_mut((area.x + x, area.y + y)) {
                cell.set_symbol(symbol).set_style(style);
            }
        }
    }
}

// ANCHOR_END: core_map

// ANCHOR: fold
/// How one character shows its cells: a process about to execute in any
/// of them comes first (`█`, its warrior's colour); then the warrior that
/// wrote most of them (`▒`; a tie goes to the lower number); else `·`.
fn fold(writers: &[Option<usize>], executing: &[Option<usize>]) -> (&'static str, Style) {
    if let Some(w) = executing.iter().flatten().min() {
        let style = Style::new().fg(colour(*w)).add_modifier(Modifier::BOLD);
        return ("█", style);
    }
    let mut counts: Vec<usize> = Vec::new();
    for &w in writers.iter().flatten() {
        if counts.len() <= w {
            counts.resize(w + 1, 0);
        }
        counts[w] += 1;
    }
    let most = (0..counts.len())
        .filter(|&w| counts[w] > 0)
        .max_by_key(|&w| (counts[w], usize::MAX - w));
    match most {
        Some(w) => ("▒", Style::new().fg(colour(w))),
        None => ("·", Style::new().fg(Color::DarkGray)),
    }
}
// ANCHOR_END: fold

/// A warrior's row: its name in its colour, its processes, their history
/// as a sparkline, and its score.
pub struct WarriorRow<'a> {
    /// The warrior.
    pub warrior: &'a WarriorLook,
    /// Its number, from 0: which colour.
    pub number: usize,
}

impl Widget for WarriorRow<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [name, count, history, score] = Layout::horizontal([
            Constraint::Length(20),
            Constraint::Length(16),
            Constraint::Min(4),
            Constraint::Length(11),
        ])
        .areas(area);
        let style = Style::new().fg(colour(self.number));
        let w = self.warrior;
        Line::styled(format!("▒ {}", w.name), style).render(name, buf);
        let plural = if w.processes == 1 { "" } else { "es" };
        Line::raw(format!("{:>5} process{plural}", w.processes)).render(count, buf);
        // The latest looks that fit, newest on the right.
        let from = w.history.len().saturating_sub(usize::from(history.width));
        Sparkline::default()
            .data(&w.history[from..])
            .style(style)
            .render(history, buf);
        Line::raw(format!(" score {:>4}", w.score)).render(score, buf);
    }
}

/// The line under the warriors: the round, the cycle, and what is going on.
fn status(snapshot: &Snapshot, controls: &Controls, per_char: usize) -> Line<'static> {
    let state = match &snapshot.survivors {
        Some(survivors) => {
            let names: Vec<&str> = (snapshot.warriors.iter().zip(survivors))
                .filter(|(_, alive)| **alive)
                .map(|(w, _)| w.name.as_str())
                .collect();
            let who = match names.as_slice() {
                [] => "nobody survives".to_owned(),
                [one] => format!("{one} survives"),
                many => format!("{} survive", many.join(", ")),
            };
            let next = if snapshot.last_round {
                "q: quit"
            } else {
                "n: next round"
            };
            format!("round over, {who} ({next})")
        }
        None if controls.paused => "paused".to_owned(),
        None => format!("{} instructions a frame", controls.speed),
    };
    Line::from(vec![
        Span::raw(format!(
            "round {}/{} · cycle {}/{} · {} cell{} a character · ",
            snapshot.round,
            snapshot.rounds,
            snapshot.cycle,
            snapshot.cycles,
            per_char,
            if per_char == 1 { "" } else { "s" },
        )),
        Span::styled(state, Style::new().add_modifier(Modifier::BOLD)),
    ])
}

/// The keys.
fn help() -> Line<'static> {
    let keys = "space pause · s step · + - speed · n next round · q quit";
    Line::styled(keys, Style::new().fg(Color::DarkGray))
}

// ANCHOR: draw
/// Draws the whole screen: the core, a row for each warrior, the status
/// and the keys; or, in a terminal too small, says so.
pub fn draw(frame: &mut Frame, snapshot: &Snapshot, controls: &Controls) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let message = format!(
            "This terminal is {}×{}; the view needs at least {}×{}. \
             Make it larger, or press q to quit.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        let text = Paragraph::new(message).wrap(Wrap { trim: true });
        frame.render_widget(text, area);
        return;
    }
    let rows = snapshot.warriors.len() as u16;
    let [core, warriors, state, keys] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(rows),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let legend = " █ executes next · ▒ last written · · untouched ";
    let block = Block::bordered().title(" Core War ").title_bottom(legend);
    let inner = block.inner(core);
    frame.render_widget(block, core);
    let map = CoreMap {
        writers: &snapshot.writers,
        executing: &snapshot.executing,
    };
    let per_char = map.per_char(inner);
    frame.render_widget(map, inner);
    let rows = Layout::vertical(vec![Constraint::Length(1); usize::from(rows)]).split(warriors);
    for (number, (warrior, &row)) in snapshot.warriors.iter().zip(rows.iter()).enumerate() {
        frame.render_widget(WarriorRow { warrior, number }, row);
    }
    frame.render_widget(status(snapshot, controls, per_char), state);
    frame.render_widget(help(), keys);
}
// ANCHOR_END: draw
