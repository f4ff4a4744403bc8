//! Chapter 8, exercise 3: pairings for a round of a Swiss-system
//! tournament (a plausible wrong solution: neighbours in the ranking
//! meet, whether or not they have met before).

/// The pairs of one round: warriors of similar `scores` who have not
/// `played` each other, higher-ranked first.
pub fn pairings(scores: &[u64], played: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let _ = played;
    let mut ranked: Vec<usize> = (0..scores.len()).collect();
    ranked.sort_by_key(|&w| (std::cmp::Reverse(scores[w]), w));
    ranked
        .chunks_exact(2)
        .map(|pair| (pair[0], pair[1]))
        .collect()
}
