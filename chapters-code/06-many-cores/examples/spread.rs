//! The Mandelbrot picture of chapter 5, rendered by worker tasklets on two
//! threads, compared with the one rendered on one.

use ch05_boss_worker::mandelbrot::{BOOK_SIZE, render};
use ch06_many_cores::render_on_threads;

// ANCHOR: main
fn main() {
    let on_two = render_on_threads(2, 4, BOOK_SIZE).expect("rendered on two threads");
    let on_one = render(8, BOOK_SIZE).expect("rendered on one thread");
    println!(
        "{} rows on 2 threads × 4 worker tasklets; same picture as on one thread: {}",
        on_two.size.height,
        on_two == on_one
    );
}
// ANCHOR_END: main
