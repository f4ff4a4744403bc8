//! pMARS's flags for a battle's rules and positions (`-s -c -p -l -d
//! -F`), shared by every binary that runs battles.

use crate::battle::{Positions, Rules};

/// The rules of a battle and where its warriors go, as pMARS's flags set
/// them; flatten it into a `clap` parser.
#[derive(clap::Args, Clone, Debug)]
pub struct RuleFlags {
    /// Core size.
    #[arg(short = 's', default_value_t = 8000)]
    pub size: u32,
    /// Instructions each warrior may execute in a round.
    #[arg(short = 'c', default_value_t = 80_000)]
    pub cycles: u32,
    /// Processes each warrior may have.
    #[arg(short = 'p', default_value_t = 8000)]
    pub processes: u32,
    /// Instructions each warrior may have.
    #[arg(short = 'l', default_value_t = 100)]
    pub max_length: u32,
    /// Least distance between two warriors' first cells (default: -l).
    #[arg(short = 'd')]
    pub distance: Option<u32>,
    /// Puts warrior 2 at this address in round 1, and seeds the positions.
    #[arg(short = 'F')]
    pub fixed: Option<u32>,
}

impl RuleFlags {
    /// The rules the flags describe.
    ///
    /// # Errors
    ///
    /// A message naming the flag, when the flags contradict each other or
    /// leave no room for a battle.
    pub fn rules(&self) -> Result<Rules, String> {
        let distance = self.distance.unwrap_or(self.max_length);
        if self.size < 2 {
            return Err(format!("a core of {} cells is too small (-s)", self.size));
        }
        if distance < self.max_length {
            return Err(format!(
                "-d {distance} is less than the warriors' length -l {}",
                self.max_length
            ));
        }
        if 2 * u64::from(distance) > u64::from(self.size) {
            return Err(format!(
                "-d {distance}: two warriors cannot be that far apart in a core of {}",
                self.size
            ));
        }
        if let Some(fixed) = self.fixed
            && (fixed < distance || fixed > self.size - distance)
        {
            return Err(format!(
                "-F {fixed} must lie between -d {distance} and the core size less -d"
            ));
        }
        if self.processes == 0 || self.cycles == 0 {
            return Err("-p and -c must be at least 1".into());
        }
        Ok(Rules {
            size: self.size,
            cycles: self.cycles,
            processes: self.processes,
            max_length: self.max_length,
            min_distance: distance,
        })
    }

    /// Where the warriors go, round after round: from `-F`, or from a seed
    /// taken from the clock.
    pub fn positions(&self, rules: Rules) -> Positions {
        match self.fixed {
            Some(fixed) => Positions::fixed(fixed, rules),
            None => Positions::seeded(clock_seed(), rules),
        }
    }
}

/// A seed for the position generator from the clock, in 1..2^31-1.
fn clock_seed() -> i32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_secs());
    i32::try_from(now % 2_147_483_646).expect("below 2^31") + 1
}
