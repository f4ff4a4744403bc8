//! Chapter 7, exercise 3: where a warrior spends its time, from a trace
//! (your code goes here).

use ch07_core_war::battle::Traced;

/// The addresses `warrior` executed in `traced`, each with how many
/// times, the most executed first (equal counts by increasing address),
/// at most `top` of them.
pub fn hot_spots(traced: &[Traced], warrior: usize, top: usize) -> Vec<(u32, u64)> {
    let _ = (traced, warrior, top);
    unimplemented!("exercise 7.3: see README.md")
}
