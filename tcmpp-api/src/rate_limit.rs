//! A sliding-window limiter: at most `limit` requests start in any window
//! of `window`. Exact where a token bucket (GCRA) is not: after a burst, a
//! bucket refills while the burst is still inside the rolling second, so it
//! lets through up to twice the limit in some rolling second.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// The service counts per second; arrivals are measured after the network,
/// whose jitter can squeeze two sends closer together. A 5% wider window
/// keeps the rolling count at the service within the limit.
pub(crate) const WINDOW: Duration = Duration::from_millis(1050);

#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: usize,
    window: Duration,
    /// Start times of the most recent requests, oldest first; at most `limit`.
    sent: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        let limit = limit.max(1) as usize;
        RateLimiter {
            limit,
            window,
            sent: Mutex::new(VecDeque::with_capacity(limit.min(1024))),
        }
    }

    /// Waits until one more request may start, then counts it. Waiters are
    /// served in arrival order: the lock is fair and held while waiting.
    pub(crate) async fn acquire(&self) {
        let mut sent = self.sent.lock().await;
        if sent.len() == self.limit {
            if let Some(&oldest) = sent.front() {
                tokio::time::sleep_until(oldest + self.window).await;
            }
            sent.pop_front();
        }
        sent.push_back(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_window() {
        let limiter = RateLimiter::new(5, Duration::from_secs(1));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..23 {
            limiter.acquire().await;
            times.push(Instant::now() - start);
        }
        // The first 5 go at once, then 5 per second.
        assert!(times[..5].iter().all(|t| *t == Duration::ZERO));
        assert_eq!(times[5], Duration::from_secs(1));
        assert_eq!(times[22], Duration::from_secs(4));
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .filter(|u| **u < *t + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 5,
                "{in_window} starts in the second after {t:?}"
            );
        }
    }
}
