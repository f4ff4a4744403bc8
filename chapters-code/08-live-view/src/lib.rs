//! Chapter 8: Core War, watched. A battle of chapter 7 drawn live in the
//! terminal by a UI tasklet that runs beside the warriors' processes on
//! the same scheduler, and a tournament whose battles are jobs for the
//! worker pools of chapters 5 and 6, on every core.

pub mod bout;
pub mod live;
pub mod screen;
pub mod tournament;
