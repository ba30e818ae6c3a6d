//! The services' rate limits: each action's documented limit
//! (`rate_limit_per_second`) per `SecretId`, service and action over any
//! rolling second (two services' actions of one name have their own
//! budgets), counted by arrival time, for authenticated requests only.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::lock;

/// The service's window.
const WINDOW: Duration = Duration::from_secs(1);
/// How long admitted arrivals are kept: a request may be checked well after
/// it arrived (a scripted `Fault::Delay`), and still counts where it arrived.
const KEEP: Duration = Duration::from_secs(30);

/// Whose arrivals count together: `SecretId`, service, action.
type Budget = (String, &'static str, &'static str);

/// Entries past which idle ones are dropped (issued keys come and go).
const PRUNE_AT: usize = 4096;

/// Admitted arrivals per (`SecretId`, service, action). Bounded: only
/// configured keys, keys STS issued (a capped store) and the served
/// operation tables' actions get entries; each holds at most `KEEP` seconds
/// of admitted arrivals at its limit, and past [`PRUNE_AT`] entries those
/// with no arrival in the last `KEEP` are dropped.
#[derive(Default)]
pub(crate) struct RateLimits {
    admitted: Mutex<HashMap<Budget, Vec<Instant>>>,
}

impl RateLimits {
    /// Admits a request that arrived at `at`, unless that would put more than
    /// `limit` admitted arrivals in some closed window `[u, u + 1 s]`
    /// (0: no limit).
    pub(crate) fn admit(
        &self,
        secret_id: &str,
        service: &'static str,
        action: &'static str,
        limit: u32,
        at: Instant,
    ) -> bool {
        if limit == 0 {
            return true;
        }
        let limit = limit as usize;
        let now = Instant::now();
        let mut all = lock(&self.admitted);
        if all.len() >= PRUNE_AT {
            all.retain(|_, times| times.last().is_some_and(|&t| t + KEEP > now));
        }
        let times = all
            .entry((secret_id.to_owned(), service, action))
            .or_default();
        times.retain(|&t| t + KEEP > now);
        // Arrivals that share a closed window with `at`, and `at` itself.
        let mut near: Vec<Instant> = times
            .iter()
            .copied()
            .filter(|&t| t + WINDOW >= at && t <= at + WINDOW)
            .collect();
        near.push(at);
        near.sort_unstable();
        // The fullest window containing `at` starts at one of these.
        let over = near
            .iter()
            .filter(|&&u| u <= at)
            .any(|&u| near.iter().filter(|&&t| t >= u && t <= u + WINDOW).count() > limit);
        if over {
            return false;
        }
        times.push(at);
        true
    }
}
