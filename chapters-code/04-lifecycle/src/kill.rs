//! Killing a tasklet (rule 14).

use ch02_scheduler::{Error, State, Tasklet, TaskletExit};

/// What can be done to end a tasklet, on top of [`Tasklet`].
pub trait Kill {
    /// Kills the tasklet (rule 14): it unwinds from where it is suspended,
    /// its destructors run, and it is dead before `kill` returns. No other
    /// tasklet runs meanwhile. A blocked tasklet is taken off whatever it
    /// waits on; one that never started never runs its function; killing
    /// a dead tasklet does nothing. Killing the current tasklet unwinds it
    /// at once.
    ///
    /// If the victim catches the unwinding and carries on, `kill` returns
    /// when it next suspends, and it is still alive.
    ///
    /// # Errors
    ///
    /// The main tasklet cannot be killed; an unwinding tasklet cannot kill
    /// another, nor can the idle hook: they use
    /// [`kill_pending`](Kill::kill_pending). A refused kill changes nothing.
    fn kill(&self) -> Result<(), Error>;

    /// Kills the tasklet without switching to it (Stackless's
    /// `kill(pending=True)`): it is taken off whatever it waits on, made
    /// runnable, and unwinds when its turn comes. Killing a dead tasklet
    /// does nothing. Unlike `kill`, it may be called from the idle hook and
    /// from a tasklet that is unwinding.
    ///
    /// # Errors
    ///
    /// The main tasklet cannot be killed.
    fn kill_pending(&self) -> Result<(), Error>;

    /// Makes the tasklet panic with `payload` where it is suspended
    /// (Stackless's `throw`), and runs it now. Unless it catches the panic,
    /// it dies, and `run` re-raises the panic in main (rule 6).
    ///
    /// # Errors
    ///
    /// As for [`kill`](Kill::kill), and a dead tasklet cannot be thrown at.
    fn throw(&self, payload: Box<dyn std::any::Any + Send>) -> Result<(), Error>;

    /// Whether the tasklet has ended.
    fn is_dead(&self) -> bool;
}

// ANCHOR: kill
impl Kill for Tasklet {
    fn kill(&self) -> Result<(), Error> {
        if self.is_dead() {
            return Ok(());
        }
        self.raise(Box::new(TaskletExit))
    }

    fn kill_pending(&self) -> Result<(), Error> {
        if self.is_dead() {
            return Ok(());
        }
        self.raise_pending(Box::new(TaskletExit))
    }

    fn throw(&self, payload: Box<dyn std::any::Any + Send>) -> Result<(), Error> {
        self.raise(payload)
    }

    fn is_dead(&self) -> bool {
        self.state() == State::Dead
    }
}
// ANCHOR_END: kill
