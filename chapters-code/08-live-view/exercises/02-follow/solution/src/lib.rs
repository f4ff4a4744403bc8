//! Chapter 8, exercise 2: the cells around a warrior's next instruction
//! (a reference solution).

/// The `cells` addresses of a core of `size` cells centred on `pc`, in
/// order round the circle; the whole core from 0 if `cells >= size`.
pub fn around(pc: u32, size: u32, cells: u32) -> Vec<u32> {
    if cells >= size {
        return (0..size).collect();
    }
    let first = (pc + size - cells / 2) % size;
    (0..cells).map(|i| (first + i) % size).collect()
}
