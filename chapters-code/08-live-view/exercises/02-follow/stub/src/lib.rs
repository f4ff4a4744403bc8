//! Chapter 8, exercise 2: the cells around a warrior's next instruction
//! (your code goes here).

/// The `cells` addresses of a core of `size` cells centred on `pc`, in
/// order round the circle; the whole core from 0 if `cells >= size`.
pub fn around(pc: u32, size: u32, cells: u32) -> Vec<u32> {
    let _ = (pc, size, cells);
    unimplemented!("exercise 8.2: see README.md")
}
