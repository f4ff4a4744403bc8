//! Chapter 11: how Stackless really switched.
//!
//! Stackless Python's "hard switching" ran every tasklet on one shared C
//! stack. A switch copied the outgoing tasklet's *used* slice of that
//! stack to the heap, and copied the incoming tasklet's slice back to the
//! same addresses, so every pointer into the stack was valid again when
//! it ran. A parked tasklet then costs the bytes its frames use, not a
//! page of its own.
//!
//! [`region`] is the smallest version: coroutines that take turns on one
//! [`Region`](region::Region), copied in and out around each resume.
//! [`shared_region`] is the real one: chapter 2's tasklets, spawned on a
//! [`SharedRegion`](shared_region::SharedRegion) with
//! [`Builder::spawn_on`](ch02_scheduler::Builder::spawn_on), mixed with
//! tasklets that own their stacks under one scheduler.

mod memory;
pub mod region;
pub mod shared_region;
