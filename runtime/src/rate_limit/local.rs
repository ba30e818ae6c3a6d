//! The in-process budget: a limiter per action, shared by a process's
//! clients (or one client's clones).
//!
//! The service counts the requests that *arrive* in any rolling second. A
//! request arrives somewhere between the moment the client starts it and
//! the moment the answer's head comes back; anything in between
//! (credentials, connection setup, a TLS handshake, a stalled proxy) can
//! move the arrival. So a slot is held from the start of an attempt until
//! its answer's head arrives, and then for one more window: a new request
//! starts only when fewer than `limit` requests are in flight or finished
//! within the last window. Any two requests that share a window at the
//! service then overlap in that reckoning, so no window at the service
//! holds more than `limit` arrivals, whatever stalls the client.
//!
//! A token bucket (GCRA) would let up to twice the limit through after a
//! stall: it counts starts, not arrivals.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use super::{AccountId, RateBudget, Slot};
use crate::credentials::BoxFuture;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The service's window plus a margin for clock granularity at either end.
pub(crate) const WINDOW: Duration = Duration::from_millis(1020);

#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: usize,
    window: Duration,
    /// Serves waiters in arrival order: the lock is fair and its holder is
    /// the only one waiting on `state`.
    gate: tokio::sync::Mutex<()>,
    state: Mutex<State>,
    /// Signalled when an in-flight request finishes.
    finished: Notify,
}

impl State {
    /// Forgets requests that finished a window or more before `now`.
    fn prune(&mut self, now: Instant, window: Duration) {
        while self.finished.front().is_some_and(|&t| t + window <= now) {
            self.finished.pop_front();
        }
    }
}

#[derive(Debug, Default)]
struct State {
    in_flight: usize,
    /// When recent requests finished, oldest first.
    finished: VecDeque<Instant>,
}

impl RateLimiter {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        let limit = limit.max(1) as usize;
        RateLimiter {
            limit,
            window,
            gate: tokio::sync::Mutex::new(()),
            state: Mutex::new(State {
                in_flight: 0,
                finished: VecDeque::with_capacity(limit.min(1024)),
            }),
            finished: Notify::new(),
        }
    }

    /// Requests per window.
    pub(crate) fn limit(&self) -> u32 {
        u32::try_from(self.limit).unwrap_or(u32::MAX)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until one more request may start, and counts it until the
    /// returned permit is released (or dropped).
    pub(crate) async fn acquire(self: &Arc<Self>) -> Permit {
        let _turn = self.gate.lock().await;
        loop {
            // Registered before the state is read, so a release between the
            // read and the wait is not lost.
            let released = self.finished.notified();
            let wake = {
                let mut s = self.state();
                let now = Instant::now();
                s.prune(now, self.window);
                if s.in_flight + s.finished.len() < self.limit {
                    s.in_flight += 1;
                    return Permit {
                        limiter: Some(self.clone()),
                    };
                }
                s.finished.front().map(|&t| t + self.window)
            };
            match wake {
                Some(at) => {
                    let _ = tokio::time::timeout_at(at, released).await;
                }
                None => released.await,
            }
        }
    }

    /// Like [`acquire`](Self::acquire), but gives up rather than wait longer
    /// than `max`: `Err` holds how long the wait would at least have been.
    /// Giving up takes no slot. When the limiter already knows the wait is
    /// longer, it gives up at once instead of waiting `max` first.
    pub(crate) async fn acquire_within(
        self: &Arc<Self>,
        max: Duration,
    ) -> Result<Permit, Duration> {
        let deadline = Instant::now() + max;
        let at_least = self.min_wait();
        if at_least > max {
            return Err(at_least);
        }
        // `timeout_at` polls `acquire` first: a slot taken in the same poll
        // that the deadline passes is returned, never lost.
        tokio::time::timeout_at(deadline, self.acquire())
            .await
            .map_err(|_| self.min_wait().max(max))
    }

    /// A [`Slot`] from [`acquire`](Self::acquire), or from
    /// [`acquire_within`](Self::acquire_within) when `max_wait` is given.
    pub(crate) async fn slot(
        self: &Arc<Self>,
        max_wait: Option<Duration>,
    ) -> Result<Slot, Duration> {
        match max_wait {
            None => Ok(Slot::local(self.acquire().await)),
            Some(max) => self.acquire_within(max).await.map(Slot::local),
        }
    }

    /// A lower bound of how long a request starting now waits for a slot,
    /// not counting requests queued before it: the time until enough
    /// finished requests leave the window. A request still in flight holds
    /// its slot for at least one window after it ends.
    fn min_wait(&self) -> Duration {
        let mut s = self.state();
        let now = Instant::now();
        s.prune(now, self.window);
        let taken = s.in_flight + s.finished.len();
        if taken < self.limit {
            return Duration::ZERO;
        }
        // Slots that must free up before one is ours; finished requests
        // free theirs first (each within a window from now).
        let needed = taken + 1 - self.limit;
        match s.finished.get(needed - 1) {
            Some(&t) => (t + self.window).saturating_duration_since(now),
            None => self.window,
        }
    }

    fn release(&self, reached: bool) {
        {
            let mut s = self.state();
            s.in_flight = s.in_flight.saturating_sub(1);
            if reached {
                s.finished.push_back(Instant::now());
            }
        }
        self.finished.notify_one();
    }
}

/// One request's slot. Dropping it counts the request as having reached
/// the service now, the safe assumption when it is not known.
#[derive(Debug)]
pub(crate) struct Permit {
    limiter: Option<Arc<RateLimiter>>,
}

impl Permit {
    /// The answer's head arrived (or the request may have reached the
    /// service): the slot stays taken for one more window.
    pub(crate) fn reached(mut self) {
        if let Some(l) = self.limiter.take() {
            l.release(true);
        }
    }

    /// The request certainly never reached the service (no connection was
    /// made): the slot is free again at once.
    pub(crate) fn unsent(mut self) {
        if let Some(l) = self.limiter.take() {
            l.release(false);
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(l) = self.limiter.take() {
            l.release(true);
        }
    }
}

/// Who shares a limiter: clients of one process that call the same
/// endpoint and region with the same limit share each action's budget.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct BudgetKey {
    pub(crate) endpoint: String,
    pub(crate) region: String,
    pub(crate) action: &'static str,
    pub(crate) limit: u32,
}

/// The process-wide limiters, held weakly: a budget lives as long as some
/// client uses it.
fn registry() -> &'static Mutex<HashMap<BudgetKey, Weak<RateLimiter>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<BudgetKey, Weak<RateLimiter>>>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

/// The process-wide limiter for `key`, created on first use.
pub(crate) fn shared(key: BudgetKey) -> Arc<RateLimiter> {
    let mut map = registry().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(l) = map.get(&key).and_then(Weak::upgrade) {
        return l;
    }
    map.retain(|_, w| w.strong_count() > 0);
    let l = Arc::new(RateLimiter::new(key.limit, WINDOW));
    map.insert(key, Arc::downgrade(&l));
    l
}

/// A budget kept in this process: each (account, host, region, action,
/// limit) gets a limiter of its own, shared by every client given this
/// budget. What clients use when no other budget is set (then shared as
/// [`RateLimitScope`](crate::RateLimitScope) says); also what a shared
/// budget can fall back to.
#[derive(Debug, Default)]
pub struct LocalBudget {
    limiters: Mutex<HashMap<OwnedKey, Arc<RateLimiter>>>,
}

type OwnedKey = (AccountId, String, String, String, u32);

impl LocalBudget {
    /// An empty budget.
    pub fn new() -> LocalBudget {
        LocalBudget::default()
    }

    fn limiter(&self, key: &super::BudgetKey<'_>) -> Arc<RateLimiter> {
        let owned = (
            key.account,
            key.host.to_owned(),
            key.region.to_owned(),
            key.action.to_owned(),
            key.limit,
        );
        let mut map = self.limiters.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(owned)
            .or_insert_with(|| Arc::new(RateLimiter::new(key.limit, WINDOW)))
            .clone()
    }
}

impl RateBudget for LocalBudget {
    fn acquire<'a>(
        &'a self,
        key: &'a super::BudgetKey<'a>,
        max_wait: Option<Duration>,
    ) -> BoxFuture<'a, Result<Slot, Duration>> {
        Box::pin(async move { self.limiter(key).slot(max_wait).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Arrivals can be placed anywhere within (start, end) of each span;
    /// `limit + 1` of them fit in one window only if the latest start comes
    /// less than a window after the earliest end. Checks no such set exists.
    fn assert_bounded(spans: &[(Instant, Instant)], limit: usize, window: Duration) {
        for &(latest_start, _) in spans {
            let close = spans
                .iter()
                .filter(|&&(s, e)| s <= latest_start && e + window > latest_start)
                .count();
            assert!(
                close <= limit,
                "{close} requests could arrive within a window"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn instant_requests_go_limit_per_window() {
        let limiter = Arc::new(RateLimiter::new(5, Duration::from_secs(1)));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..23 {
            limiter.acquire().await.reached();
            times.push(Instant::now() - start);
        }
        assert!(times[..5].iter().all(|t| *t == Duration::ZERO));
        assert_eq!(times[5], Duration::from_secs(1));
        assert_eq!(times[22], Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_request_holds_its_slot_until_it_ends() {
        let limiter = Arc::new(RateLimiter::new(2, Duration::from_secs(1)));
        let slow = limiter.acquire().await;
        let _slower = limiter.acquire().await;
        let start = Instant::now();
        let waiter = tokio::spawn({
            let l = limiter.clone();
            async move {
                l.acquire().await.reached();
                Instant::now()
            }
        });
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(!waiter.is_finished(), "started while two were in flight");
        slow.reached();
        let went = waiter.await.unwrap();
        assert_eq!(went - start, Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn unsent_requests_free_their_slot_at_once() {
        let limiter = Arc::new(RateLimiter::new(1, Duration::from_secs(1)));
        let start = Instant::now();
        limiter.acquire().await.unsent();
        limiter.acquire().await.reached();
        assert_eq!(Instant::now(), start);
        drop(limiter.acquire().await);
        assert_eq!(Instant::now() - start, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_requests_with_random_latency_stay_bounded() {
        let limiter = Arc::new(RateLimiter::new(4, Duration::from_secs(1)));
        let mut tasks = Vec::new();
        for i in 0..40u64 {
            let l = limiter.clone();
            tasks.push(tokio::spawn(async move {
                let permit = l.acquire().await;
                let start = Instant::now();
                // Latencies from 0 to 1.9 s, as stalls would make them.
                tokio::time::sleep(Duration::from_millis((i * 7919) % 1900)).await;
                permit.reached();
                (start, Instant::now())
            }));
        }
        let mut spans = Vec::new();
        for t in tasks {
            spans.push(t.await.unwrap());
        }
        assert_bounded(&spans, 4, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_capped_wait_fails_early_and_takes_no_slot() {
        let limiter = Arc::new(RateLimiter::new(2, Duration::from_secs(1)));
        let start = Instant::now();
        limiter.acquire().await.reached();
        tokio::time::sleep(Duration::from_millis(300)).await;
        limiter.acquire().await.reached();
        // Full: the first slot frees at 1 s, 700 ms from now.
        let capped = limiter.acquire_within(Duration::from_millis(500)).await;
        assert_eq!(capped.unwrap_err(), Duration::from_millis(700));
        assert_eq!(
            Instant::now() - start,
            Duration::from_millis(300),
            "gave up at once"
        );
        // Known wait within the cap: waits it.
        let p = limiter.acquire_within(Duration::from_millis(800)).await;
        assert_eq!(Instant::now() - start, Duration::from_secs(1));
        p.unwrap().reached();
        assert_eq!(
            limiter
                .acquire_within(Duration::from_millis(100))
                .await
                .unwrap_err(),
            Duration::from_millis(300),
            "the slot taken at 300 ms frees at 1.3 s"
        );
        // The failed tries took nothing: the next slot is the one at 1.3 s.
        limiter
            .acquire_within(Duration::from_millis(300))
            .await
            .unwrap()
            .reached();
        assert_eq!(Instant::now() - start, Duration::from_millis(1300));
    }

    #[tokio::test(start_paused = true)]
    async fn a_capped_wait_behind_in_flight_requests_gives_up_after_the_cap() {
        let limiter = Arc::new(RateLimiter::new(1, Duration::from_secs(1)));
        let held = limiter.acquire().await;
        let start = Instant::now();
        // In flight: the bound is one window, more than the cap.
        assert_eq!(
            limiter
                .acquire_within(Duration::from_millis(500))
                .await
                .unwrap_err(),
            Duration::from_secs(1)
        );
        assert_eq!(Instant::now(), start);
        // A cap above the bound waits, then gives up when the slot is still held.
        assert_eq!(
            limiter
                .acquire_within(Duration::from_secs(2))
                .await
                .unwrap_err(),
            Duration::from_secs(2)
        );
        assert_eq!(Instant::now() - start, Duration::from_secs(2));
        held.unsent();
        limiter
            .acquire_within(Duration::ZERO)
            .await
            .unwrap()
            .reached();
    }

    #[test]
    fn clients_with_the_same_key_share_one_limiter() {
        let key = |action| BudgetKey {
            endpoint: "https://h/".into(),
            region: "r".into(),
            action,
            limit: 20,
        };
        let a = shared(key("A"));
        let b = shared(key("A"));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &shared(key("B"))));
        drop((a, b));
        // Nothing holds it any more: a new budget starts.
        let weak = Arc::downgrade(&shared(key("A")));
        assert_eq!(weak.strong_count(), 0);
    }
}
