//! Fetches URLs with ureq over the chapter's tasklet transport, each in a
//! tasklet of its own, all at once, and prints each status and size.
//!
//! Usage: `http_get URL...` (plain `http://`; try `mars-web`'s
//! `http://127.0.0.1:8000/warriors`).

use std::process::ExitCode;

use ch02_scheduler::spawn;
use ch10_unchanged_code::http_client::agent;

fn main() -> ExitCode {
    let urls: Vec<String> = std::env::args().skip(1).collect();
    if urls.is_empty() {
        eprintln!("usage: http_get URL...");
        return ExitCode::FAILURE;
    }
    let agent = agent(ureq::config::Config::default());
    for url in urls {
        let agent = agent.clone();
        spawn(move || match agent.get(&url).call() {
            Ok(mut response) => {
                let status = response.status();
                let body = response.body_mut().read_to_vec().unwrap_or_default();
                println!("{url}: {status}, {} bytes", body.len());
            }
            Err(e) => println!("{url}: {e}"),
        });
    }
    match ch02_scheduler::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http_get: {e}");
            ExitCode::FAILURE
        }
    }
}
