//! The tasklet engine: every warrior process is a tasklet. The run queue
//! holds one process per warrior, the head of that warrior's queue, so
//! the scheduler's round robin is the standard's strict alternation; the
//! rest of each warrior's processes wait, paused, in a queue of its own.
//! A process executes one instruction, hands its warrior's turn to the
//! next process in that queue, and pauses. Whoever starts a [`Round`] (the
//! thread's main tasklet, or any other) only sets it going and waits.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;

use ch02_scheduler::{
    Builder, State, Tasklet, TaskletExit, Unparker, WaitOn, Wake, park, schedule, schedule_remove,
};

use crate::battle::{Engine, Referee, RoundEnd, Rules, Traced, Watch};
use crate::exec::{Outcome, execute, execute_watched};
use crate::redcode::Instruction;

/// Runs every warrior process as a tasklet on the thread's scheduler.
#[derive(Debug, Default)]
pub struct Tasklets;

/// A process in its warrior's queue: the tasklet that runs it, and where
/// it executes next.
struct Process {
    tasklet: Tasklet,
    pc: u32,
}

/// A round whose processes are tasklets on this thread's scheduler.
/// Started, it waits; [`go`](Round::go) lets it run for some instructions
/// or to its end while the caller goes on or [`wait`](Round::wait)s;
/// between runs it can be looked at; [`finish`](Round::finish) ends it.
pub struct Round {
    table: RefCell<Table>,
    processes: usize,
    /// Instructions left to run before the round halts.
    budget: Cell<u64>,
    /// Whether the warriors' heads are in the run queue.
    running: Cell<bool>,
    /// Set when the round is over: a process that is run returns.
    over: Cell<bool>,
    /// Who waits for the round to halt.
    waiter: RefCell<Option<Unparker>>,
    /// The panic of a process, for whoever waits for the round.
    panic: RefCell<Option<Box<dyn Any + Send>>>,
}

impl Round {
    /// A round of the warriors whose first processes start at `starts`
    /// in (a copy of) `core`, `first` moving first; its processes are
    /// paused until [`go`](Round::go).
    pub fn start(
        core: &[Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
        watch: Watch,
    ) -> Rc<Round> {
        let warriors = starts.len();
        let round = Rc::new(Round {
            table: RefCell::new(Table {
                core: core.to_vec(),
                queues: (0..warriors).map(|_| VecDeque::new()).collect(),
                referee: Referee::new(warriors, first, rules, watch),
                traced: Vec::new(),
                idle: vec![Vec::new(); warriors],
                writers: None,
            }),
            processes: rules.processes as usize,
            budget: Cell::new(0),
            running: Cell::new(false),
            over: Cell::new(false),
            waiter: RefCell::new(None),
            panic: RefCell::new(None),
        });
        for (warrior, &pc) in starts.iter().enumerate() {
            let process = start(&round, &mut Vec::new(), warrior, pc);
            round.table.borrow_mut().queues[warrior].push_back(process);
        }
        round
    }

    // ANCHOR: go
    /// Lets the round run for `budget` more instructions, or to its end:
    /// each warrior's head joins the run queue, in turn order. The
    /// processes run as the scheduler gets to them; the caller goes on.
    pub fn go(&self, budget: u64) {
        let table = self.table.borrow();
        let Some(order) = table.referee.order().filter(|_| budget > 0) else {
            return;
        };
        self.budget.set(budget);
        self.running.set(true);
        for w in order {
            pass_turn(&table.queues[w]);
        }
    }

    /// Blocks the calling tasklet until the round halts: its budget is
    /// spent, or it is over.
    ///
    /// # Panics
    ///
    /// With the panic of one of the round's processes (see
    /// [`raise_panic`](Round::raise_panic)).
    pub fn wait(&self) {
        if self.running.get() {
            park(WaitOn::new("a round of Core War"), |unparker| {
                *self.waiter.borrow_mut() = Some(unparker);
            })
            .expect("the round's processes are runnable: they will wake the waiter");
        }
        self.raise_panic();
    }
    // ANCHOR_END: go

    /// Re-raises here, in the caller, the panic of one of the round's
    /// processes, if one panicked (which a correct MARS never does): a
    /// round's failure belongs to whoever runs it, not to the thread's
    /// main tasklet. The round is over once a process panicked.
    pub fn raise_panic(&self) {
        let panic = self.panic.borrow_mut().take();
        if let Some(panic) = panic {
            resume_unwind(panic);
        }
    }

    /// A process panicked: the round ends, and the panic waits for the
    /// round's waiter. A kill's unwinding is no failure: it goes on.
    fn fail(&self, panic: Box<dyn Any + Send>) {
        if panic.is::<TaskletExit>() {
            resume_unwind(panic);
        }
        self.panic.borrow_mut().get_or_insert(panic);
        self.table.borrow().halt(self, true);
    }

    /// Halts the round where it is, as a spent budget would: the
    /// warriors' heads leave the run queue, and whoever waits is woken.
    pub fn halt(&self) {
        self.table.borrow().halt(self, false);
    }

    /// Whether the round is over: one warrior left (or none), the cycles
    /// spent, or `Watch::stop_after` reached.
    pub fn is_over(&self) -> bool {
        self.over.get()
    }

    /// Instructions executed so far, all warriors together.
    pub fn executed(&self) -> u64 {
        self.table.borrow().referee.executed()
    }

    /// Starts recording which warrior last wrote each cell, from
    /// `writers` (one for each cell of the core: whose it is so far).
    ///
    /// # Panics
    ///
    /// If `writers` is not as long as the core.
    pub fn record_writers(&self, writers: Vec<Option<usize>>) {
        let mut table = self.table.borrow_mut();
        assert_eq!(writers.len(), table.core.len(), "one writer for each cell");
        table.writers = Some(writers);
    }

    /// Which warrior last wrote each cell, if the round records it.
    pub fn writers(&self) -> Option<Vec<Option<usize>>> {
        self.table.borrow().writers.clone()
    }

    /// Each warrior's process queue, as program counters in the order
    /// they run.
    pub fn queues(&self) -> Vec<Vec<u32>> {
        let table = self.table.borrow();
        table
            .queues
            .iter()
            .map(|q| q.iter().map(|p| p.pc).collect())
            .collect()
    }

    // ANCHOR: finish
    /// Ends the round, over or not, and says how it ended; `core` gets
    /// the round's core. Each of its tasklets is paused (a process, or one
    /// whose process died): each is run once more, sees that the round is
    /// over, and returns.
    pub fn finish(self: Rc<Round>, core: &mut [Instruction]) -> RoundEnd {
        let paused: Vec<Tasklet> = {
            let table = self.table.borrow();
            table.halt(&self, true);
            let processes = table.queues.iter().flatten().map(|p| &p.tasklet);
            let idle = table.idle.iter().flatten();
            processes.chain(idle).cloned().collect()
        };
        // (A process that panicked has ended already.)
        for tasklet in paused.iter().filter(|t| t.state() != State::Dead) {
            tasklet.run().expect("a paused process can be run");
        }
        // Every process has ended, dropping its share of the round; the
        // stacks go back to the pool as the last handles go with the table.
        let Ok(round) = Rc::try_unwrap(self) else {
            unreachable!("a process outlived its round")
        };
        let table = round.table.into_inner();
        core.copy_from_slice(&table.core);
        let queues = table.queues.iter();
        let queues = queues.map(|q| q.iter().map(|p| p.pc).collect()).collect();
        table.referee.end(queues, table.traced)
    }
    // ANCHOR_END: finish
}

/// The core and the queues, borrowed for one turn at a time.
struct Table {
    core: Vec<Instruction>,
    /// Each warrior's processes, in the order they run; the head of each
    /// is the one in the run queue (or running).
    queues: Vec<VecDeque<Process>>,
    referee: Referee,
    traced: Vec<Traced>,
    /// Each warrior's tasklets whose process died, paused until a `SPL`
    /// of the same warrior makes one of them a process again.
    idle: Vec<Vec<Tasklet>>,
    /// Which warrior last wrote each cell, once asked to record it.
    writers: Option<Vec<Option<usize>>>,
}

/// Bytes of stack for a process. It only ever executes one instruction,
/// a few frames deep, but a panic's backtrace needs more (chapter 1
/// measured 21.5 KiB); address space costs nothing until it is touched.
const PROCESS_STACK: usize = 64 * 1024;

// ANCHOR: start
/// A new process of `warrior` at `pc`, paused, for its warrior's queue: a
/// tasklet whose process died, or else a new one.
fn start(round: &Rc<Round>, idle: &mut Vec<Tasklet>, warrior: usize, pc: u32) -> Process {
    let tasklet = idle.pop().unwrap_or_else(|| {
        let me = Rc::clone(round);
        let tasklet = Builder::new()
            .stack_size(PROCESS_STACK)
            .spawn(move || run_process(&me, warrior))
            .expect("a process can always be started");
        // Spawned, it is in the run queue; paused, it waits for its turn.
        tasklet.remove().expect("a new tasklet can be paused");
        tasklet
    });
    Process { tasklet, pc }
}
// ANCHOR_END: start

// ANCHOR: process
/// What a process does once its turn is taken.
enum After {
    /// Its warrior's turn passed to another of its processes: it pauses.
    Pause,
    /// It was its warrior's only process: it is the head again, and takes
    /// the warrior's next turn too.
    Again,
    /// Its process died: it waits, paused, to become another.
    Die,
}

/// A process tasklet's life: one instruction each time its turn comes.
/// Paused, it runs when its turn comes, or once more when the round is
/// over.
fn run_process(round: &Rc<Round>, warrior: usize) {
    while !round.over.get() {
        match catch_unwind(AssertUnwindSafe(|| take_turn(round, warrior))) {
            Ok(After::Again) if round.running.get() => schedule(),
            Ok(_) => schedule_remove().expect("a process can pause itself"),
            Err(panic) => return round.fail(panic),
        }
    }
}
// ANCHOR_END: process

// ANCHOR: turn
/// The turn of `warrior`'s process at the head of its queue, which is
/// running: it executes, goes to the back of the queue (its child behind
/// it), and the new head joins the run queue for the warrior's next turn.
fn take_turn(round: &Rc<Round>, warrior: usize) -> After {
    let mut table = round.table.borrow_mut();
    let table = &mut *table;
    let mut me = table.queues[warrior].pop_front().expect("it is the head");
    table.trace(warrior, me.pc);
    let outcome = table.execute(warrior, me.pc);
    let queue = &mut table.queues[warrior];
    let after = match outcome {
        Outcome::Died => {
            table.idle[warrior].push(me.tasklet);
            After::Die
        }
        Outcome::Next(next) | Outcome::Split { next, .. } => {
            let alone = queue.is_empty();
            me.pc = next;
            queue.push_back(me);
            if let Outcome::Split { new, .. } = outcome
                && queue.len() < round.processes
            {
                queue.push_back(start(round, &mut table.idle[warrior], warrior, new));
            }
            if alone { After::Again } else { After::Pause }
        }
    };
    if !matches!(after, After::Again) {
        pass_turn(queue);
    }
    let goes_on = table.referee.turn_done(!queue.is_empty()) && table.referee.next_turn().is_some();
    round.budget.set(round.budget.get() - 1);
    if !goes_on || round.budget.get() == 0 {
        table.halt(round, !goes_on);
    }
    after
}
// ANCHOR_END: turn

// ANCHOR: pass_turn
/// The warrior's next turn goes to the head of its queue, which joins
/// the run queue; the process behind it starts loading, so that its
/// record and stack are in the caches when its turn comes.
fn pass_turn(queue: &VecDeque<Process>) {
    if let Some(head) = queue.front() {
        let queued = head.tasklet.insert();
        queued.expect("a paused process can be queued");
        if let Some(after) = queue.get(1) {
            after.tasklet.prefetch();
        }
    }
}
// ANCHOR_END: pass_turn

impl Table {
    /// Executes the instruction at `pc` for `warrior`, noting the cells
    /// it writes if the round records writers.
    #[inline(always)]
    fn execute(&mut self, warrior: usize, pc: u32) -> Outcome {
        match &mut self.writers {
            None => execute(&mut self.core, pc),
            Some(writers) => execute_watched(&mut self.core, pc, |addr| {
                writers[addr as usize] = Some(warrior);
            }),
        }
    }

    /// Records the instruction at `pc` if `--trace` wants it.
    fn trace(&mut self, warrior: usize, address: u32) {
        if self.referee.tracing() {
            let instruction = self.core[address as usize];
            self.traced.push(Traced {
                warrior,
                address,
                instruction,
            });
        }
    }

    /// Halts the round, `over` or not: the warriors' heads leave the run
    /// queue (the running process pauses after its turn), and whoever
    /// waits for the round is woken.
    fn halt(&self, round: &Round, over: bool) {
        round.over.set(round.over.get() || over);
        round.running.set(false);
        for head in self.queues.iter().filter_map(VecDeque::front) {
            if head.tasklet.state() == State::Scheduled {
                head.tasklet
                    .remove()
                    .expect("a queued process can be paused");
            }
        }
        if let Some(waiter) = round.waiter.take() {
            waiter.unpark(Wake(0));
        }
    }
}

// ANCHOR: engine
impl Engine for Tasklets {
    fn round(
        &mut self,
        core: &mut [Instruction],
        starts: &[u32],
        first: usize,
        rules: &Rules,
        watch: Watch,
    ) -> RoundEnd {
        let round = Round::start(core, starts, first, rules, watch);
        round.go(u64::MAX);
        round.wait();
        round.finish(core)
    }
}
// ANCHOR_END: engine

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redcode::{Mode, Modifier, Opcode};

    #[test]
    fn a_process_that_panics_ends_the_round_and_its_waiter_gets_the_panic() {
        let jump = Instruction {
            opcode: Opcode::Jmp,
            modifier: Modifier::B,
            a_mode: Mode::Direct,
            a: 0,
            b_mode: Mode::Direct,
            b: 0,
        };
        let mut core = vec![Instruction::EMPTY; 8000];
        (core[0], core[4000]) = (jump, jump);
        let round = Round::start(&core, &[0, 4000], 0, &Rules::default(), Watch::default());
        // A core cut short: warrior 2's first turn reads past its end.
        round.table.borrow_mut().core.truncate(100);
        let waited = catch_unwind(AssertUnwindSafe(|| {
            round.go(u64::MAX);
            round.wait();
        }));
        let panic = waited.expect_err("the waiter gets the panic");
        let message = panic.downcast_ref::<String>().map_or("", String::as_str);
        assert!(message.contains("out of bounds"), "{message}");
        assert!(round.is_over());
        assert_eq!(round.executed(), 1, "warrior 1's turn, then the panic");
        assert_eq!(
            ch02_scheduler::run_count(),
            1,
            "nothing left runnable but main"
        );
    }
}
