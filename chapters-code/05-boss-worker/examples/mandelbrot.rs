//! Renders the Mandelbrot set with a pool of worker tasklets, one row per
//! job, and writes it as a PNG.
//!
//! `cargo run --release -p ch05-boss-worker --example mandelbrot -- FILE.png [WORKERS]`

use std::process::ExitCode;

use ch05_boss_worker::mandelbrot::{BOOK_SIZE, render};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: mandelbrot FILE.png [WORKERS]");
        return ExitCode::FAILURE;
    };
    let workers = match args.next().map(|w| w.parse::<usize>()) {
        None => 8,
        Some(Ok(w)) if w > 0 => w,
        Some(_) => {
            eprintln!("WORKERS must be a whole number, at least 1");
            return ExitCode::FAILURE;
        }
    };
    let png = match render(workers, BOOK_SIZE).map(|picture| picture.to_png()) {
        Ok(Ok(png)) => png,
        Ok(Err(e)) => {
            eprintln!("could not encode the PNG: {e}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("could not render: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(&path, png) {
        eprintln!("could not write {path}: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {path}: {}×{} pixels, {workers} workers",
        BOOK_SIZE.width, BOOK_SIZE.height
    );
    ExitCode::SUCCESS
}
