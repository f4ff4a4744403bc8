//! Chapter 1, exercise 2: implement `Averager`, a tasklet that receives
//! numbers through `resume` and yields the running average of all the
//! numbers it has received so far.

use ch01_ex_averager::Averager;
use ch01_tasklets::StackPool;

fn pool() -> StackPool {
    StackPool::new(64 * 1024)
}

#[test]
fn running_average_of_three_numbers() {
    let pool = pool();
    let mut averager = Averager::new(&pool);
    assert_eq!(averager.push(10.0), 10.0);
    assert_eq!(averager.push(20.0), 15.0);
    assert_eq!(averager.push(60.0), 30.0);
}

#[test]
fn the_first_push_returns_that_number() {
    let pool = pool();
    let mut averager = Averager::new(&pool);
    assert_eq!(averager.push(42.5), 42.5);
}

#[test]
fn averages_of_one_to_a_hundred() {
    let pool = pool();
    let mut averager = Averager::new(&pool);
    let averages: Vec<f64> = (1..=100).map(|k| averager.push(f64::from(k))).collect();
    let expected: Vec<f64> = (1..=100).map(|k| f64::from(k + 1) / 2.0).collect();
    assert_eq!(averages, expected);
}

#[test]
fn two_averagers_are_independent() {
    let pool = pool();
    {
        let mut a = Averager::new(&pool);
        let mut b = Averager::new(&pool);
        assert_eq!(a.push(1.0), 1.0);
        assert_eq!(b.push(100.0), 100.0);
        assert_eq!(a.push(3.0), 2.0);
        assert_eq!(b.push(0.0), 50.0);
        // Each averager keeps its own tasklet, and that tasklet's stack.
        assert_eq!(pool.stats().in_use, 2);
    }
    // Dropping a suspended averager unwinds its tasklet and frees its stack.
    assert_eq!(pool.stats().in_use, 0);
}
