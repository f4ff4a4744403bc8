//! Chapter 4, exercise 3: `ticker` delivers the time every period, does
//! not drift behind a slow consumer, and closes after the last tick. On a
//! virtual clock: exact times, no waiting.

use std::time::Duration;

use ch04_ex_ticker::ticker;
use ch04_lifecycle::sleep;
use ch04_lifecycle::time::{self, VirtualClock};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn it_ticks_every_period_then_closes() {
    time::set_clock(VirtualClock::new());
    let ticks: Vec<Duration> = ticker(ms(100), 3).collect();
    assert_eq!(ticks, [ms(100), ms(200), ms(300)]);
}

#[test]
fn a_slow_consumer_does_not_make_it_drift() {
    time::set_clock(VirtualClock::new());
    let channel = ticker(ms(100), 4);
    let mut seen = Vec::new();
    while let Ok(tick) = channel.receive() {
        seen.push(tick);
        // Work that takes longer than a period: a ticker that sleeps one
        // period after each send falls behind (200, then 350...).
        sleep(ms(150)).unwrap();
    }
    assert_eq!(seen, [ms(100), ms(200), ms(300), ms(400)]);
}

#[test]
fn after_a_slow_receive_the_ticks_catch_up_with_their_deadlines() {
    time::set_clock(VirtualClock::new());
    let channel = ticker(ms(100), 4);
    let mut received_at = Vec::new();
    let mut first = true;
    while channel.receive().is_ok() {
        received_at.push(time::now());
        if first {
            // Slow once: the tick due at 200 waits for this consumer.
            sleep(ms(150)).unwrap();
            first = false;
        }
    }
    // The next ticks are due at 300 and 400 whatever happened before; a
    // ticker that sleeps a period after each send would deliver them at
    // 350 and 450.
    assert_eq!(received_at, [ms(100), ms(250), ms(300), ms(400)]);
}

#[test]
fn zero_ticks_close_at_once() {
    time::set_clock(VirtualClock::new());
    let channel = ticker(ms(100), 0);
    assert!(channel.receive().is_err());
    assert_eq!(time::now(), Duration::ZERO);
}
