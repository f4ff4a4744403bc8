//! Chapter 7, exercise 3: where a warrior spends its time, from a trace
//! (reference solution).

use std::collections::HashMap;

use ch07_core_war::battle::Traced;

/// The addresses `warrior` executed in `traced`, each with how many
/// times, the most executed first (equal counts by increasing address),
/// at most `top` of them.
pub fn hot_spots(traced: &[Traced], warrior: usize, top: usize) -> Vec<(u32, u64)> {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for t in traced.iter().filter(|t| t.warrior == warrior) {
        *counts.entry(t.address).or_default() += 1;
    }
    let mut spots: Vec<(u32, u64)> = counts.into_iter().collect();
    spots.sort_by_key(|&(address, count)| (std::cmp::Reverse(count), address));
    spots.truncate(top);
    spots
}
