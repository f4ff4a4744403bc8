//! Chapter 10, exercise 3: a rate limiter per client.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use ch04_lifecycle::time::now;

/// At most `requests` requests per `per` from each client, as a token
/// bucket per client address on chapter 4's clock.
pub struct RateLimiter {
    requests: u32,
    per: Duration,
    /// Each client's tokens, and when they were counted.
    buckets: RefCell<HashMap<IpAddr, (f64, Duration)>>,
}

impl RateLimiter {
    /// A limiter that lets each client make `requests` requests per
    /// `per`, and as many at once after a quiet `per`.
    pub fn new(requests: u32, per: Duration) -> RateLimiter {
        RateLimiter {
            requests,
            per,
            buckets: RefCell::default(),
        }
    }

    /// Whether `client` may make a request now; if so, it is counted.
    pub fn allow(&self, client: IpAddr) -> bool {
        let (full, at) = (f64::from(self.requests), now());
        let mut buckets = self.buckets.borrow_mut();
        let (tokens, counted) = buckets.entry(client).or_insert((full, at));
        let refill = (at - *counted).as_secs_f64() / self.per.as_secs_f64() * full;
        *tokens = (*tokens + refill).min(full);
        *counted = at;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
