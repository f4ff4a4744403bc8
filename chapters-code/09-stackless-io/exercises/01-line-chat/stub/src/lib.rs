//! Chapter 9, exercise 1: a line-based chat server. The task is in this
//! exercise's `README.md`; check your work with
//! `cargo test -p ch09-ex-line-chat`.

use ch09_stackless_io::net::TcpListener;

/// Serves chat clients on `listener`, forever: a tasklet per client.
pub fn serve(listener: TcpListener) {
    let _ = listener;
    todo!("accept clients, a tasklet each; names first, then lines to the others")
}
