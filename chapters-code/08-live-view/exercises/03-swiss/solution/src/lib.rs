//! Chapter 8, exercise 3: pairings for a round of a Swiss-system
//! tournament (a reference solution).

/// The pairs of one round: warriors of similar `scores` who have not
/// `played` each other, higher-ranked first.
pub fn pairings(scores: &[u64], played: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut ranked: Vec<usize> = (0..scores.len()).collect();
    ranked.sort_by_key(|&w| (std::cmp::Reverse(scores[w]), w));
    let met = |a: usize, b: usize| played.contains(&(a, b)) || played.contains(&(b, a));
    let mut pairs = Vec::new();
    while let Some((&first, rest)) = ranked.split_first() {
        let Some(&fallback) = rest.first() else { break };
        let opponent = rest
            .iter()
            .copied()
            .find(|&o| !met(first, o))
            .unwrap_or(fallback);
        pairs.push((first, opponent));
        ranked.retain(|&w| w != first && w != opponent);
    }
    pairs
}
