//! The Mandelbrot picture: rendered by a pool, in any order of reports,
//! it is the same as row after row; and it is the picture the book shows.

use std::path::PathBuf;

use ch05_boss_worker::mandelbrot::{BOOK_SIZE, Picture, Size, render, row};

fn sequential(size: Size) -> Picture {
    let pixels = (0..size.height).flat_map(|y| row(y, size)).collect();
    Picture { size, pixels }
}

#[test]
fn a_pool_renders_the_same_picture_as_a_loop() {
    let size = Size {
        width: 64,
        height: 40,
    };
    let expected = sequential(size);
    for workers in [1, 3, 8] {
        assert_eq!(
            render(workers, size).unwrap(),
            expected,
            "{workers} workers"
        );
    }
}

#[test]
fn the_book_shows_this_picture() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../book/images/mandelbrot.png");
    let png = render(8, BOOK_SIZE).unwrap().to_png().unwrap();
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&file, &png).unwrap();
    }
    let shown = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert!(
        shown == png,
        "{} differs from what the code renders; BLESS=1 cargo test rewrites it",
        file.display()
    );
}
