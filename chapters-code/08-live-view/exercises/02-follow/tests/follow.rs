//! Exercise 8.2: the cells around a warrior's next instruction.

use ch08_ex_follow::around;

#[test]
fn the_window_is_centred_on_the_process() {
    assert_eq!(around(100, 8000, 5), [98, 99, 100, 101, 102]);
    assert_eq!(
        around(100, 8000, 4),
        [98, 99, 100, 101],
        "pc at index cells / 2"
    );
    assert_eq!(around(100, 8000, 1), [100]);
}

#[test]
fn the_window_goes_round_the_core() {
    assert_eq!(around(1, 8000, 5), [7999, 0, 1, 2, 3]);
    assert_eq!(around(7998, 8000, 6), [7995, 7996, 7997, 7998, 7999, 0]);
    assert_eq!(around(0, 10, 9), [6, 7, 8, 9, 0, 1, 2, 3, 4]);
}

#[test]
fn a_window_as_large_as_the_core_shows_it_all_once() {
    assert_eq!(around(7, 10, 10), (0..10).collect::<Vec<u32>>());
    assert_eq!(around(7, 10, 25), (0..10).collect::<Vec<u32>>());
}
