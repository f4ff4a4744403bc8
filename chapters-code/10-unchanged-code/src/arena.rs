//! The battle in a browser: chapter 8's Core War battle, served over HTTP
//! by tasklets and watched live by any number of browsers.
//!
//! Three kinds of tasklet share one thread: the battle's (chapter 7's
//! warrior processes, driven a frame at a time as chapter 8's view drives
//! them), one per HTTP connection (chapter 10's `http` module), and one
//! per viewer, which turns frames into Server-Sent Events. The battle
//! hands each frame to the viewers through a [`Broadcast`], so a slow
//! viewer skips frames instead of holding anything up. Controls arrive
//! as `POST` requests and are applied at the next frame, as chapter 8's
//! view applies keys.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::{Builder, Error, Tasklet};
use ch04_lifecycle::time::{now, sleep};
use ch07_core_war::battle::{Positions, Rules};
use ch07_core_war::redcode::Warrior;
use ch08_live_view::bout::{Bout, Snapshot};
use ch08_live_view::live::{Key, SPEEDS, press};
use ch08_live_view::screen::Controls;
use ch09_stackless_io::net::TcpStream;
use serde::{Deserialize, Serialize};

use crate::broadcast::{Broadcast, Subscription};
use crate::http::{Reply, Request, Response};

/// The page and its script and style: files in the crate, no build step.
const PAGE: &str = include_str!("../web/index.html");
const SCRIPT: &str = include_str!("../web/arena.js");
const STYLE: &str = include_str!("../web/arena.css");

/// How long the viewers' streams may stay silent (the battle paused, or
/// over) before each viewer sends a comment, to find those that have gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The head of a stream of events, in one write.
const EVENT_STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\
    Cache-Control: no-store\r\nConnection: close\r\n\r\n";

/// How the arena plays and serves its battles.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The rules of every battle.
    pub rules: Rules,
    /// Rounds in a battle.
    pub rounds: u32,
    /// Where warrior 2 starts in round 1 (pMARS's `-F`); random if `None`.
    pub fixed: Option<u32>,
    /// Time between two frames.
    pub frame: Duration,
    /// Which of chapter 8's [`SPEEDS`] to start at.
    pub speed: usize,
    /// Frames a viewer may fall behind before it skips the oldest.
    pub inbox: usize,
    /// Frames a round's end stays on screen before the next round starts.
    pub hold: u32,
    /// For tests: each frame runs its whole budget, however long that
    /// takes, so that frame `n` shows the same cycle on every machine.
    pub lockstep: bool,
    /// For tests: the battle waits for its first viewer.
    pub wait_for_viewer: bool,
    /// For tests: each viewer's stream ends after this many frames.
    pub events: Option<u64>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            rules: Rules::default(),
            rounds: 10,
            fixed: None,
            frame: Duration::from_millis(40),
            speed: 3,
            inbox: 16,
            hold: 50,
            lockstep: false,
            wait_for_viewer: false,
            events: None,
        }
    }
}

/// A control, applied by the battle at its next frame.
enum Command {
    Key(Key),
    Battle(Vec<usize>),
}

/// The warriors to choose from, the battle's frames, and the controls
/// waiting for the battle's next frame.
pub struct Arena {
    library: Vec<(String, Warrior)>,
    settings: Settings,
    commands: RefCell<Vec<Command>>,
    frames: Rc<Broadcast<Rc<str>>>,
    latest: RefCell<Option<Rc<str>>>,
    /// When the last frame (or empty item) was sent.
    last_sent: Cell<Duration>,
}

/// A new battle's warriors, by their ids in `GET /warriors`.
#[derive(Deserialize)]
struct NewBattle {
    warriors: Vec<String>,
}

impl Arena {
    /// An arena whose battles are fought between warriors of `library`,
    /// each with an id (its file's name, say); its first battle is
    /// between the first two.
    ///
    /// # Errors
    ///
    /// A message if there are fewer than two warriors, or more than one
    /// with the same id.
    pub fn new(library: Vec<(String, Warrior)>, settings: Settings) -> Result<Rc<Arena>, String> {
        if library.len() < 2 {
            return Err("an arena needs at least two warriors".into());
        }
        if settings.rounds == 0 {
            return Err("a battle needs at least one round".into());
        }
        if let Some((id, _)) = (library.iter().enumerate())
            .find_map(|(i, (id, _))| library[..i].iter().find(|(other, _)| other == id))
        {
            return Err(format!("two warriors have the id {id:?}: rename one"));
        }
        Ok(Rc::new(Arena {
            frames: Broadcast::new(settings.inbox.max(1)),
            library,
            settings,
            commands: RefCell::default(),
            latest: RefCell::default(),
            last_sent: Cell::new(now()),
        }))
    }

    /// Starts the battle's tasklet.
    ///
    /// # Errors
    ///
    /// The scheduler's, if the tasklet could not be spawned.
    pub fn start(self: &Rc<Self>) -> Result<Tasklet, Error> {
        let arena = Rc::clone(self);
        Builder::new().name("battle").spawn(move || {
            if let Err(e) = arena.play() {
                eprintln!("the battle stopped: {e}");
            }
        })
    }

    /// How many viewers are watching.
    pub fn viewers(&self) -> usize {
        self.frames.subscribers()
    }

    /// A battle of the library's warriors `chosen`.
    fn bout(&self, chosen: &[usize]) -> Bout {
        let warriors = chosen.iter().map(|&w| self.library[w].1.clone()).collect();
        let rules = self.settings.rules;
        let positions = match self.settings.fixed {
            Some(fixed) => Positions::fixed(fixed, rules),
            None => Positions::seeded(clock_seed(), rules),
        };
        Bout::new(warriors, rules, self.settings.rounds, positions)
    }

    // ANCHOR: play
    /// The battle's tasklet: a frame at a time, forever.
    fn play(&self) -> Result<(), Error> {
        let mut bout = self.bout(&[0, 1]);
        let mut speed = self.settings.speed.min(SPEEDS.len() - 1);
        let mut controls = Controls {
            speed: SPEEDS[speed],
            paused: false,
        };
        let (mut due, mut held) = (now(), 0);
        loop {
            self.wait_for_viewer(&mut due)?;
            for command in self.commands.take() {
                match command {
                    Command::Key(key) => press(key, &mut bout, &mut controls, &mut speed),
                    Command::Battle(chosen) => {
                        drop(std::mem::replace(&mut bout, self.bout(&chosen)).finish())
                    }
                }
            }
            match (controls.paused, self.settings.lockstep) {
                (true, _) => {}
                (false, true) => bout.run(controls.speed),
                (false, false) => bout.go(controls.speed),
            }
            // After a stall, the next frame is due a frame from now: no
            // burst of frames to catch up.
            due = (due + self.settings.frame).max(now());
            sleep(due.saturating_sub(now()))?;
            let snapshot = bout.look();
            held = if snapshot.survivors.is_some() {
                held + 1
            } else {
                0
            };
            if held > self.settings.hold && bout.next_round() {
                held = 0;
            }
            self.publish(&snapshot, &controls);
        }
    }
    // ANCHOR_END: play

    /// In test mode, sleeps until someone watches; the frames are due
    /// from then on.
    fn wait_for_viewer(&self, due: &mut Duration) -> Result<(), Error> {
        while self.settings.wait_for_viewer && self.viewers() == 0 {
            sleep(self.settings.frame)?;
            *due = now();
        }
        Ok(())
    }

    /// Sends a frame to every viewer, unless nothing changed since the
    /// last one; after [`KEEP_ALIVE`] without a frame, an empty item.
    fn publish(&self, snapshot: &Snapshot, controls: &Controls) {
        let frame: Rc<str> = encode(snapshot, controls).into();
        let mut latest = self.latest.borrow_mut();
        if latest.as_ref() != Some(&frame) {
            self.frames.send(&frame);
            *latest = Some(frame);
            self.last_sent.set(now());
        } else if now().saturating_sub(self.last_sent.get()) >= KEEP_ALIVE {
            // Nothing new for a while: an empty item, which each viewer
            // writes as a comment; a viewer that has gone fails to.
            self.frames.send(&Rc::from(""));
            self.last_sent.set(now());
        }
    }

    // ANCHOR: routes
    /// Answers one request; `stream` is its connection, for the events.
    pub fn handle(&self, request: &Request, stream: &TcpStream) -> Reply {
        let key = |key| {
            self.commands.borrow_mut().push(Command::Key(key));
            Reply::Send(Response::new(204, "text/plain", ""))
        };
        match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/") => Reply::Send(Response::new(200, "text/html; charset=utf-8", PAGE)),
            ("GET", "/arena.js") => Reply::Send(Response::new(200, "text/javascript", SCRIPT)),
            ("GET", "/arena.css") => Reply::Send(Response::new(200, "text/css", STYLE)),
            ("GET", "/warriors") => Reply::Send(self.warriors()),
            ("GET", "/events") => self.watch(stream),
            ("POST", "/pause") => key(Key::Pause),
            ("POST", "/step") => key(Key::Step),
            ("POST", "/faster") => key(Key::Faster),
            ("POST", "/slower") => key(Key::Slower),
            ("POST", "/battle") => Reply::Send(self.new_battle(&request.body)),
            (_, "/" | "/arena.js" | "/arena.css" | "/warriors" | "/events") => not_allowed("GET"),
            (_, "/pause" | "/step" | "/faster" | "/slower" | "/battle") => not_allowed("POST"),
            _ => Reply::Send(Response::text(404, format!("nothing at {}", request.path))),
        }
    }
    // ANCHOR_END: routes

    /// `GET /warriors`: each warrior's id and name.
    fn warriors(&self) -> Response {
        #[derive(Serialize)]
        struct Entry<'a> {
            id: &'a str,
            name: &'a str,
        }
        let entries: Vec<Entry> = (self.library.iter())
            .map(|(id, warrior)| Entry {
                id,
                name: &warrior.name,
            })
            .collect();
        let json = serde_json::to_string(&entries).expect("strings serialize");
        Response::new(200, "application/json", json)
    }

    /// `POST /battle`: `{"warriors": ["imp", "dwarf"]}`.
    fn new_battle(&self, body: &[u8]) -> Response {
        let wanted: NewBattle = match serde_json::from_slice(body) {
            Ok(wanted) => wanted,
            Err(e) => return Response::text(400, format!("expected {{\"warriors\": [ids]}}: {e}")),
        };
        let (count, rules) = (wanted.warriors.len(), self.settings.rules);
        if !(2..=8).contains(&count) {
            return Response::text(400, "a battle needs two to eight warriors");
        }
        if u64::from(rules.min_distance) * count as u64 > u64::from(rules.size) {
            let (size, distance) = (rules.size, rules.min_distance);
            let message =
                format!("{count} warriors {distance} cells apart do not fit in a core of {size}");
            return Response::text(400, message);
        }
        let mut chosen = Vec::new();
        for id in &wanted.warriors {
            match self.library.iter().position(|(known, _)| known == id) {
                Some(w) => chosen.push(w),
                None => {
                    return Response::text(
                        400,
                        format!("no warrior has the id {id:?}; GET /warriors lists them"),
                    );
                }
            }
        }
        self.commands.borrow_mut().push(Command::Battle(chosen));
        Response::new(202, "text/plain", "")
    }

    /// `GET /events`: the battle as Server-Sent Events, a frame each, the
    /// latest first, until the viewer leaves.
    fn watch(&self, stream: &TcpStream) -> Reply {
        let frames = self.frames.subscribe();
        let latest = self.latest.borrow().clone();
        let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
        let _ = self.stream_frames(stream, &frames, latest);
        Reply::Done
    }

    // ANCHOR: watch
    /// A viewer: the frames of its subscription, each as an event in one
    /// write, starting with `frame`, the latest.
    fn stream_frames(
        &self,
        mut out: &TcpStream,
        frames: &Subscription<Rc<str>>,
        mut frame: Option<Rc<str>>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        out.write_all(EVENT_STREAM_HEAD)?;
        let mut sent = 0;
        while self.settings.events != Some(sent) {
            match frame.take() {
                // A comment, which the browser ignores: writing it finds a
                // viewer that has gone.
                Some(frame) if frame.is_empty() => out.write_all(b": still here\n\n")?,
                Some(frame) => {
                    let mut event = Vec::with_capacity(frame.len() + 32);
                    let dropped = frames.dropped();
                    write!(
                        event,
                        "data: {{\"dropped\":{dropped},\"frame\":{frame}}}\n\n"
                    )?;
                    out.write_all(&event)?; // one event, one write
                    sent += 1;
                }
                None => {}
            }
            frame = frames.next()?;
            if frame.is_none() {
                break;
            }
        }
        Ok(out.write_all(b"event: end\ndata: {}\n\n")?)
    }
    // ANCHOR_END: watch
}

/// A seed for the warriors' positions, from the clock: a new battle
/// each time.
fn clock_seed() -> i32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    i32::try_from(nanos % 1_000_000_000).expect("below 2^31") + 1
}

/// A `405` naming the method the path takes.
fn not_allowed(allow: &str) -> Reply {
    let mut response = Response::text(405, format!("this path takes {allow} only"));
    response.headers.push(format!("Allow: {allow}"));
    Reply::Send(response)
}

/// One frame, as the page reads it.
#[derive(Serialize)]
struct Frame<'a> {
    round: u32,
    rounds: u32,
    cycle: u64,
    cycles: u32,
    paused: bool,
    speed: u64,
    warriors: Vec<WarriorFrame<'a>>,
    /// A character per cell: `.` if no warrior wrote it, else the number
    /// of the warrior that wrote it last.
    cells: String,
    survivors: Option<&'a [bool]>,
    last_round: bool,
}

/// One warrior in a frame.
#[derive(Serialize)]
struct WarriorFrame<'a> {
    name: &'a str,
    processes: usize,
    score: u64,
    /// The cells its processes will execute next.
    executing: Vec<usize>,
}

/// A snapshot as JSON, for the page.
fn encode(snapshot: &Snapshot, controls: &Controls) -> String {
    let mut warriors: Vec<WarriorFrame> = (snapshot.warriors.iter())
        .map(|w| WarriorFrame {
            name: &w.name,
            processes: w.processes,
            score: w.score,
            executing: Vec::new(),
        })
        .collect();
    for (cell, executing) in snapshot.executing.iter().enumerate() {
        if let Some(w) = executing {
            warriors[*w].executing.push(cell);
        }
    }
    let digit = |w: usize| char::from_digit(w as u32 % 10, 10).expect("below 10");
    let cells = (snapshot.writers.iter())
        .map(|writer| writer.map_or('.', digit))
        .collect();
    let frame = Frame {
        round: snapshot.round,
        rounds: snapshot.rounds,
        cycle: snapshot.cycle,
        cycles: snapshot.cycles,
        paused: controls.paused,
        speed: controls.speed,
        warriors,
        cells,
        survivors: snapshot.survivors.as_deref(),
        last_round: snapshot.last_round,
    };
    serde_json::to_string(&frame).expect("a frame serializes")
}
