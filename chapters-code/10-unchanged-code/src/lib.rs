//! Chapter 10: existing blocking code, unchanged.
//!
//! Each module runs a crate that was written for blocking `std::io` on
//! chapter 9's sockets, a tasklet per connection. None of these crates
//! knows about tasklets: they call `read` and `write`, and chapter 9's
//! `read` and `write` park only the calling tasklet.

pub mod arena;
pub mod broadcast;
pub mod chat;
pub mod http;
pub mod http_client;
pub mod json_lines;
pub mod tls;
pub mod websocket;
