//! Chapter 7: Core War. Redcode warriors fight in a circular core run by a
//! MARS (Memory Array Redcode Simulator) with pMARS's rules; every warrior
//! process can be a tasklet.

pub mod assemble;
pub mod battle;
pub mod exec;
pub mod flags;
pub mod flat;
pub mod load;
pub mod redcode;
pub mod tasklets;
