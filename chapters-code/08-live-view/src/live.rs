//! The live view: a UI tasklet beside the warriors' processes, on the same
//! scheduler. Each frame it lets the battle run some instructions, sleeps
//! until the next frame is due while the warriors run, draws what it
//! sees, and reads the keys pressed meanwhile, never blocking the thread.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::Builder;
use ch04_lifecycle::time::{now, sleep};
use ch07_core_war::battle::{RoundEnd, Tally};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};

use crate::bout::{Bout, Snapshot};
use crate::screen::{Controls, draw};

/// What a key asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Space: pauses, or goes on.
    Pause,
    /// `s`: one cycle, while paused.
    Step,
    /// `+`: more instructions a frame.
    Faster,
    /// `-`: fewer instructions a frame.
    Slower,
    /// `n`: the next round.
    NextRound,
    /// `q`, Escape or Ctrl-C: quits.
    Quit,
}

/// Where keys come from: the terminal, or a test's script.
pub trait Keys {
    /// The keys pressed since the last call, oldest first, while the
    /// screen showed `shown` (a script may answer what it sees). Never
    /// waits.
    ///
    /// # Errors
    ///
    /// The keyboard could not be read.
    fn pressed(&mut self, shown: &Snapshot) -> std::io::Result<Vec<Key>>;
}

// ANCHOR: keyboard
/// The terminal's keyboard, read through crossterm. `poll` with a zero
/// timeout says whether an event is waiting without waiting for one, so
/// reading the keys never blocks the thread, and with it every tasklet.
#[derive(Debug, Default)]
pub struct Keyboard;

impl Keys for Keyboard {
    fn pressed(&mut self, _: &Snapshot) -> std::io::Result<Vec<Key>> {
        let mut keys = Vec::new();
        while event::poll(Duration::ZERO)? {
            let Event::Key(press) = event::read()? else {
                continue;
            };
            let ctrl = press.modifiers.contains(KeyModifiers::CONTROL);
            keys.extend(match press.code {
                _ if press.kind != KeyEventKind::Press => None,
                KeyCode::Char('c') if ctrl => Some(Key::Quit),
                KeyCode::Char(' ') => Some(Key::Pause),
                KeyCode::Char('s') => Some(Key::Step),
                KeyCode::Char('+' | '=') => Some(Key::Faster),
                KeyCode::Char('-') => Some(Key::Slower),
                KeyCode::Char('n') => Some(Key::NextRound),
                KeyCode::Char('q') | KeyCode::Esc => Some(Key::Quit),
                _ => None,
            });
        }
        Ok(keys)
    }
}
// ANCHOR_END: keyboard

/// The speeds `+` and `-` step through: instructions a frame.
pub const SPEEDS: [u64; 7] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/// How the view starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Time between two frames.
    pub frame: Duration,
    /// Which of [`SPEEDS`] to start at.
    pub speed: usize,
    /// Whether to start paused.
    pub paused: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            frame: Duration::from_millis(40),
            speed: 3,
            paused: false,
        }
    }
}

/// How a watched battle ended: each warrior's tally and how each round
/// played out ended (rounds left early are not counted), and the
/// terminal, as the last frame left it.
pub struct Watched<B: Backend> {
    /// Each warrior's tally.
    pub tallies: Vec<Tally>,
    /// Each round played out.
    pub ends: Vec<RoundEnd>,
    /// The terminal.
    pub terminal: Terminal<B>,
}

/// Why the view stopped before the user quit.
#[derive(Debug)]
pub enum ViewError {
    /// The terminal could not be drawn on, or the keyboard read.
    Terminal(String),
    /// The scheduler refused (a bug: the message says what).
    Scheduler(String),
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViewError::Terminal(e) => write!(f, "the terminal failed: {e}"),
            ViewError::Scheduler(e) => write!(f, "the scheduler failed: {e}"),
        }
    }
}

impl std::error::Error for ViewError {}

impl ViewError {
    fn terminal(e: impl fmt::Display) -> ViewError {
        ViewError::Terminal(e.to_string())
    }

    fn scheduler(e: impl fmt::Display) -> ViewError {
        ViewError::Scheduler(e.to_string())
    }
}

/// Watches `bout` on `terminal` until the user quits: the UI tasklet and
/// the warriors' processes share this thread's scheduler. Call it from
/// the thread's main tasklet.
///
/// # Errors
///
/// The terminal failed, or the scheduler refused to run.
///
/// # Panics
///
/// A tasklet's panic (a warrior's process, or the UI's) is re-raised here
/// (rule 6), for the caller's panic hook to restore the terminal.
pub fn watch<B>(
    bout: Bout,
    terminal: Terminal<B>,
    keys: impl Keys + 'static,
    options: Options,
) -> Result<Watched<B>, ViewError>
where
    B: Backend + 'static,
    B::Error: fmt::Display,
{
    let outcome = Rc::new(RefCell::new(None));
    let out = Rc::clone(&outcome);
    Builder::new()
        .name("ui")
        .spawn(move || *out.borrow_mut() = Some(ui(bout, terminal, keys, options)))
        .map_err(ViewError::scheduler)?;
    ch02_scheduler::run().map_err(ViewError::scheduler)?;
    outcome
        .take()
        .unwrap_or_else(|| Err(ViewError::Scheduler("the UI tasklet did not finish".into())))
}

// ANCHOR: ui
/// The UI tasklet: a frame at a time, until `q`.
fn ui<B: Backend>(
    mut bout: Bout,
    mut terminal: Terminal<B>,
    mut keys: impl Keys,
    options: Options,
) -> Result<Watched<B>, ViewError>
where
    B::Error: fmt::Display,
{
    let mut speed = options.speed.min(SPEEDS.len() - 1);
    let mut controls = Controls {
        speed: SPEEDS[speed],
        paused: options.paused,
    };
    let mut due = now();
    loop {
        if !controls.paused {
            bout.go(controls.speed);
        }
        // The warriors run until the frame is due, or their budget is spent.
        due += options.frame;
        sleep(due.saturating_sub(now())).map_err(ViewError::scheduler)?;
        let snapshot = bout.look();
        let drawn = terminal.draw(|frame| draw(frame, &snapshot, &controls));
        drawn.map_err(ViewError::terminal)?;
        for key in keys.pressed(&snapshot).map_err(ViewError::terminal)? {
            if key == Key::Quit {
                let (tallies, ends) = bout.finish();
                return Ok(Watched {
                    tallies,
                    ends,
                    terminal,
                });
            }
            press(key, &mut bout, &mut controls, &mut speed);
        }
    }
}
// ANCHOR_END: ui

/// What a key other than `q` does to `bout` and the `controls`; `speed`
/// is the index in [`SPEEDS`] of the speed the controls show.
pub fn press(key: Key, bout: &mut Bout, controls: &mut Controls, speed: &mut usize) {
    match key {
        Key::Pause => controls.paused = !controls.paused,
        Key::Step if controls.paused => bout.run(bout.cycle()),
        Key::Faster => *speed = (*speed + 1).min(SPEEDS.len() - 1),
        Key::Slower => *speed = speed.saturating_sub(1),
        Key::NextRound => drop(bout.next_round()),
        Key::Step | Key::Quit => {}
    }
    controls.speed = SPEEDS[*speed];
    if controls.paused {
        bout.halt();
    }
}
