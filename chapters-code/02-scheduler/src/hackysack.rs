//! Hackysack: the classic Stackless benchmark, on tasklets and on threads.
//!
//! A circle of players, one ball: whoever has it kicks it to another player
//! picked at random, until a fixed number of kicks has been made. Each
//! player is a tasklet (or a thread) that spends its life waiting for the
//! ball, so the game measures what it costs to keep many waiting actors
//! alive and to hand control from one to another.
//!
//! Both versions pick the same kicks from the same seed, so they report the
//! same outcome.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;
use std::sync::mpsc;

use crate::{Builder, Error, State, Unparker, WaitOn, Wake, park, run};

/// The most threads [`threads`] will start: the machine-wide limit on
/// threads (`kernel.pid_max`, 32,768 by default on Linux) is shared by every
/// process, so a game must never try to reach it.
pub const MAX_THREADS: usize = 10_000;

/// How a game went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Players in the circle.
    pub players: usize,
    /// Kicks made.
    pub kicks: u64,
    /// The most kicks one player made.
    pub busiest: u64,
    /// The player who made the last kick.
    pub last_kicker: usize,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} players, {} kicks; the busiest player kicked {} times; player {} kicked last",
            self.players, self.kicks, self.busiest, self.last_kicker
        )
    }
}

/// The next player to get the ball: anyone but the kicker.
fn pick(rng: &mut fastrand::Rng, kicker: usize, players: usize) -> usize {
    let other = rng.usize(..players - 1);
    if other >= kicker { other + 1 } else { other }
}

/// The game's state, shared by the players on tasklets.
struct Game {
    /// Where each waiting player can be woken.
    waiting: RefCell<Vec<Option<Unparker>>>,
    kicks_left: Cell<u64>,
    kicks_by: RefCell<Vec<u64>>,
    last_kicker: Cell<usize>,
    rng: RefCell<fastrand::Rng>,
}

// ANCHOR: tasklet_player
/// Player `me` of `players`, on a tasklet: wait for the ball, kick it to
/// someone else, wait again; after the last kick, send everybody home.
fn tasklet_player(game: &Game, me: usize, players: usize) {
    loop {
        park(WaitOn::object("the ball, player", me as u64), |u| {
            game.waiting.borrow_mut()[me] = Some(u);
        })
        .expect("a player is never the main tasklet");
        let left = game.kicks_left.get();
        if left == 0 {
            return; // Woken after the last kick: go home.
        }
        game.kicks_left.set(left - 1);
        game.kicks_by.borrow_mut()[me] += 1;
        game.last_kicker.set(me);
        if left == 1 {
            // The last kick: send everybody home, and go home.
            (0..players).for_each(|p| wake(&game.waiting, p));
            return;
        }
        let to = pick(&mut game.rng.borrow_mut(), me, players);
        wake(&game.waiting, to);
    }
}
// ANCHOR_END: tasklet_player

/// Plays the game with one tasklet per player; once all of them wait,
/// player 0 gets the ball.
///
/// # Errors
///
/// Fails if fewer than two players are asked for, or the scheduler fails.
pub fn tasklets(players: usize, kicks: u64, seed: u64) -> Result<Outcome, GameError> {
    if players < 2 {
        return Err(GameError::Players(players));
    }
    if kicks == 0 {
        let (busiest, last_kicker) = (0, 0);
        return Ok(Outcome {
            players,
            kicks,
            busiest,
            last_kicker,
        });
    }
    let game = Rc::new(Game {
        waiting: RefCell::new(vec![None; players]),
        kicks_left: Cell::new(kicks),
        kicks_by: RefCell::new(vec![0; players]),
        last_kicker: Cell::new(0),
        rng: RefCell::new(fastrand::Rng::with_seed(seed)),
    });
    // ANCHOR: tasklets
    let mut circle = Vec::with_capacity(players);
    for me in 0..players {
        let game = Rc::clone(&game);
        let player = Builder::new().spawn(move || tasklet_player(&game, me, players));
        circle.push(player.map_err(GameError::Scheduler)?);
    }
    // Spawned last, the referee runs once every player waits.
    let referee = Rc::clone(&game);
    Builder::new()
        .spawn(move || wake(&referee.waiting, 0))
        .map_err(GameError::Scheduler)?;
    run().map_err(GameError::Scheduler)?;
    // ANCHOR_END: tasklets
    debug_assert!(
        circle.iter().all(|p| p.state() == State::Dead),
        "a player is left"
    );
    let busiest = game.kicks_by.borrow().iter().copied().max().unwrap_or(0);
    Ok(Outcome {
        players,
        kicks,
        busiest,
        last_kicker: game.last_kicker.get(),
    })
}

/// Wakes player `p` if it waits (it may not have parked yet, or be gone).
fn wake(waiting: &RefCell<Vec<Option<Unparker>>>, p: usize) {
    let unparker = waiting.borrow_mut()[p].take();
    if let Some(u) = unparker {
        u.unpark(Wake(0));
    }
}

/// Why a game could not be played.
#[derive(Debug)]
pub enum GameError {
    /// Fewer than two players, or (with threads) more than [`MAX_THREADS`].
    Players(usize),
    /// The scheduler failed (no stack could be had, say).
    Scheduler(Error),
    /// The OS refused a thread.
    Spawn(std::io::Error),
}

impl fmt::Display for GameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GameError::Players(n) => write!(
                f,
                "cannot play with {n} players: a game needs at least 2, and at most \
                 {MAX_THREADS} on threads (the thread limit is shared with every process \
                 on the machine)"
            ),
            GameError::Scheduler(e) => write!(f, "the scheduler failed: {e}"),
            GameError::Spawn(e) => write!(f, "the OS refused a thread: {e}"),
        }
    }
}

impl std::error::Error for GameError {}

/// What a player thread receives.
enum Msg {
    /// The ball, with the game's state riding along.
    Ball {
        kicks_left: u64,
        rng: fastrand::Rng,
    },
    GoHome,
}

// ANCHOR: thread_player
/// Player `me`, on a thread of its own: wait for the ball in `inbox`, kick
/// it to someone in `circle`; returns how many kicks it made and whether it
/// made the last.
fn thread_player(
    me: usize,
    inbox: mpsc::Receiver<Msg>,
    circle: &[mpsc::Sender<Msg>],
) -> (u64, bool) {
    let mut kicked = 0u64;
    while let Ok(Msg::Ball {
        kicks_left,
        mut rng,
    }) = inbox.recv()
    {
        kicked += 1;
        if kicks_left == 1 {
            for s in circle {
                let _ = s.send(Msg::GoHome);
            }
            return (kicked, true);
        }
        let to = pick(&mut rng, me, circle.len());
        let ball = Msg::Ball {
            kicks_left: kicks_left - 1,
            rng,
        };
        circle[to]
            .send(ball)
            .expect("players stay until the game ends");
    }
    (kicked, false)
}
// ANCHOR_END: thread_player

/// The same game with one OS thread per player, the ball passed over
/// `std::sync::mpsc` channels.
///
/// # Errors
///
/// Refuses more than [`MAX_THREADS`] players; fails if a thread cannot be
/// started.
pub fn threads(players: usize, kicks: u64, seed: u64) -> Result<Outcome, GameError> {
    if !(2..=MAX_THREADS).contains(&players) {
        return Err(GameError::Players(players));
    }
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..players).map(|_| mpsc::channel()).unzip();
    let senders = std::sync::Arc::new(senders);
    let mut handles = Vec::with_capacity(players);
    for (me, inbox) in receivers.into_iter().enumerate() {
        let circle = std::sync::Arc::clone(&senders);
        let player = std::thread::Builder::new()
            .name(format!("player {me}"))
            .stack_size(64 * 1024)
            .spawn(move || thread_player(me, inbox, &circle));
        match player {
            Ok(h) => handles.push(h),
            Err(e) => {
                // Send the players that did start home before failing.
                for s in senders.iter() {
                    let _ = s.send(Msg::GoHome);
                }
                handles.into_iter().for_each(|h| drop(h.join()));
                return Err(GameError::Spawn(e));
            }
        }
    }
    if kicks == 0 {
        senders.iter().for_each(|s| drop(s.send(Msg::GoHome)));
    } else {
        let ball = Msg::Ball {
            kicks_left: kicks,
            rng: fastrand::Rng::with_seed(seed),
        };
        senders[0].send(ball).expect("player 0 is waiting");
    }
    let mut busiest = 0;
    let mut last_kicker = 0;
    for (p, h) in handles.into_iter().enumerate() {
        let (kicked, last) = h.join().expect("a player thread does not panic");
        busiest = busiest.max(kicked);
        if last {
            last_kicker = p;
        }
    }
    Ok(Outcome {
        players,
        kicks,
        busiest,
        last_kicker,
    })
}
