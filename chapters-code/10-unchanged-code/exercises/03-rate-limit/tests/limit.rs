//! The limiter on a virtual clock, where the times are exact, and behind
//! an HTTP route.

#[path = "../../../../09-stackless-io/tests/support/mod.rs"]
mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use ch02_scheduler::spawn;
use ch04_lifecycle::time::{self, VirtualClock};
use ch09_stackless_io::net::{TcpListener, TcpStream};
use ch10_ex_rate_limit::RateLimiter;
use ch10_unchanged_code::http::{Limits, Reply, Response, serve};
use support::within;

const ALICE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
const BOB: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));
const SECOND: Duration = Duration::from_secs(1);

#[test]
fn each_client_has_its_own_bucket_refilled_over_time() {
    within(|| {
        let clock = VirtualClock::new();
        time::set_clock(clock.clone());
        let limiter = RateLimiter::new(4, SECOND);
        assert_eq!(
            [(); 5].map(|()| limiter.allow(ALICE)),
            [true, true, true, true, false]
        );
        assert!(limiter.allow(BOB), "Bob's bucket is his own");
        clock.advance(SECOND / 4);
        assert!(limiter.allow(ALICE), "a quarter of a second brings a token");
        assert!(!limiter.allow(ALICE));
        clock.advance(10 * SECOND);
        let burst = (0..10).filter(|_| limiter.allow(ALICE)).count();
        assert_eq!(
            burst, 4,
            "a full bucket holds 4 tokens, however long it waited"
        );
    });
}

/// The status code of `GET /` on a new connection.
fn status(addr: std::net::SocketAddr) -> String {
    let stream = TcpStream::connect(addr).unwrap();
    write!(&stream, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line).unwrap();
    line[9..12].to_owned()
}

#[test]
fn a_route_answers_429_beyond_the_limit() {
    within(|| {
        let clock = VirtualClock::new();
        time::set_clock(clock.clone());
        let limiter = Rc::new(RateLimiter::new(2, SECOND));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        spawn(move || {
            serve(&listener, Limits::default(), move |_, stream| {
                let client = stream.peer_addr().unwrap().ip();
                Reply::Send(match limiter.allow(client) {
                    true => Response::text(200, "hello"),
                    false => Response::text(429, "too many requests: wait a second"),
                })
            });
        });
        assert_eq!([(); 3].map(|()| status(addr)), ["200", "200", "429"]);
        clock.advance(SECOND);
        assert_eq!(status(addr), "200");
    });
}
