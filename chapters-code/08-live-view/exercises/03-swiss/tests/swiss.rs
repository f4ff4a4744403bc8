//! Exercise 8.3: the pairings of a round of a Swiss-system tournament.

use ch08_ex_swiss::pairings;

#[test]
fn the_first_round_pairs_neighbours_by_number() {
    assert_eq!(pairings(&[0; 6], &[]), [(0, 1), (2, 3), (4, 5)]);
}

#[test]
fn warriors_meet_others_of_similar_score() {
    // Ranked 1 and 3 (5 points; the lower number first), 2, then 0.
    assert_eq!(pairings(&[1, 5, 3, 5], &[]), [(1, 3), (2, 0)]);
}

#[test]
fn warriors_who_have_met_are_not_paired_again() {
    assert_eq!(pairings(&[3, 3, 0, 0], &[(1, 0)]), [(0, 2), (1, 3)]);
    let played = [(0, 1), (0, 2), (2, 3)];
    assert_eq!(pairings(&[9, 6, 3, 0], &played), [(0, 3), (1, 2)]);
}

#[test]
fn a_rematch_only_when_nothing_else_is_left() {
    assert_eq!(pairings(&[3, 0], &[(0, 1)]), [(0, 1)]);
}

#[test]
fn with_an_odd_number_the_last_sits_out() {
    assert_eq!(pairings(&[4, 3, 2, 1, 0], &[]), [(0, 1), (2, 3)]);
}
