//! A CPU-bound job with a picture: the Mandelbrot set, one row per job.

use std::rc::Rc;

use crate::pool::{Outcome, Pool, PoolError};

/// The picture's size in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Pixels per row.
    pub width: u32,
    /// Rows.
    pub height: u32,
}

/// The size of the picture the book shows.
pub const BOOK_SIZE: Size = Size {
    width: 640,
    height: 400,
};

/// How many iterations decide that a point belongs to the set.
const MAX_ITERATIONS: u32 = 255;

// ANCHOR: row
/// One row of the picture: for each pixel, how fast its point escapes,
/// as a grey level (black: in the set). Pure computation, no waiting.
pub fn row(y: u32, size: Size) -> Vec<u8> {
    // The view: real part -2.2..1.0, imaginary part -1.0..1.0.
    let ci = -1.0 + 2.0 * f64::from(y) / f64::from(size.height);
    (0..size.width)
        .map(|x| {
            let cr = -2.2 + 3.2 * f64::from(x) / f64::from(size.width);
            let (mut zr, mut zi, mut n) = (0.0f64, 0.0f64, 0);
            while n < MAX_ITERATIONS && zr * zr + zi * zi <= 4.0 {
                (zr, zi) = (zr * zr - zi * zi + cr, 2.0 * zr * zi + ci);
                n += 1;
            }
            if n == MAX_ITERATIONS {
                0
            } else {
                // White far from the set, darker the longer a point takes
                // to escape (on a log scale).
                let t = f64::from(n).ln() / f64::from(MAX_ITERATIONS).ln();
                (255.0 * (1.0 - t)) as u8
            }
        })
        .collect()
}
// ANCHOR_END: row

/// A grey picture, row after row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Its size.
    pub size: Size,
    /// One byte per pixel, rows top to bottom.
    pub pixels: Vec<u8>,
}

impl Picture {
    /// The picture as a PNG file.
    ///
    /// # Errors
    ///
    /// What the PNG encoder reports (it writes to memory, so only a size
    /// that PNG cannot describe).
    pub fn to_png(&self) -> Result<Vec<u8>, png::EncodingError> {
        let mut file = Vec::new();
        let mut encoder = png::Encoder::new(&mut file, self.size.width, self.size.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()?;
        Ok(file)
    }
}

// ANCHOR: render
/// Renders the picture with a pool of `workers` tasklets, one row per job;
/// the boss puts the rows in place as their reports come in, in any order.
///
/// # Errors
///
/// What the pool reports: a row whose worker failed, or a boss that
/// cannot wait.
pub fn render(workers: usize, size: Size) -> Result<Picture, RenderError> {
    let pool = Rc::new(Pool::new(workers, move |y: u32| row(y, size)));
    let width = size.width as usize;
    let mut pixels = vec![0; width * size.height as usize];
    for report in pool.map(0..size.height)? {
        let y = report.job as usize;
        match report.outcome {
            Outcome::Done(row) => pixels[y * width..(y + 1) * width].copy_from_slice(&row),
            Outcome::Failed(message) => return Err(RenderError::Row { y, message }),
        }
    }
    Ok(Picture { size, pixels })
}
// ANCHOR_END: render

/// Why a picture could not be rendered.
#[derive(Debug)]
pub enum RenderError {
    /// The worker computing row `y` panicked.
    Row {
        /// Which row.
        y: usize,
        /// The panic's message.
        message: String,
    },
    /// The pool failed.
    Pool(PoolError),
}

impl From<PoolError> for RenderError {
    fn from(e: PoolError) -> RenderError {
        RenderError::Pool(e)
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Row { y, message } => write!(f, "row {y} failed: {message}"),
            RenderError::Pool(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RenderError {}
