//! One rate budget for a fleet: every process and machine that uses the
//! same Redis shares each account's per-action limit.
//!
//! Tencent Cloud limits requests per account and action (TCMPP: 20 a
//! second), not per process. A client's built-in budget holds for every
//! client of one process; N processes would send N times the limit and
//! be throttled. Give each process's clients a [`RedisBudget`] on the
//! same Redis and they share one budget per (account, endpoint, region,
//! action):
//!
//! ```no_run
//! # async fn example(service: tencentcloud_runtime::ServiceInfo) -> Result<(), Box<dyn std::error::Error>> {
//! use tencentcloud_redis_budget::RedisBudget;
//! use tencentcloud_runtime::Client;
//!
//! // `service`: a service crate's `SERVICE` (or use its own `Client::builder()`).
//! let budget = RedisBudget::new("redis://10.0.0.5:6379")?;
//! let client = Client::builder(service).rate_budget(budget.clone()).build()?;
//! // ... calls ...
//! budget.flush().await; // before the process exits: frees its slots now
//! # Ok(()) }
//! ```
//!
//! # What it promises
//! The promise of the built-in budget, fleet-wide: no more than the
//! documented limit arrives at the service in any rolling second. A slot is
//! taken before an attempt is signed and counts until a window after its
//! answer's head arrived, measured on Redis's clock, so clock differences
//! between machines do not matter.
//!
//! - **One round trip per call** when a slot is free: an atomic script
//!   applies the process's ended slots and takes the new one. A call that
//!   has to wait asks again when the earliest slot frees (at most every
//!   100 ms). A slot in flight longer than half its lease (default 3 s) is
//!   extended, one more round trip per half lease.
//! - A slot's end is sent with the process's next call to the same budget
//!   (or by [`flush`](RedisBudget::flush)); until then it counts for its
//!   lease and a window, which costs throughput, never the limit.
//! - **No secret in Redis**: keys name the account by a hash of its
//!   `SecretId` (`tencentcloud:budget:<16 hex>:<host>:<region>:<action>`),
//!   or of the name given to [`account`](RedisBudgetBuilder::account) (for
//!   temporary keys, whose id changes at each refresh).
//!
//! # When Redis fails
//! Every exchange with Redis is bounded by [`timeout`](RedisBudgetBuilder::timeout)
//! (default 1 s): a slow, down or unreachable Redis never hangs a call.
//! Until it answers again each process keeps a local budget of
//! `⌊share × limit⌋` (at least 1) per action, [`fallback_share`](RedisBudgetBuilder::fallback_share)
//! (default 0.25), and logs the change once (`warn`, and `info` when Redis
//! is back). Redis is asked again once a second. While any process falls
//! back, and for a window after Redis answers again (the fallback's slots
//! still count then), the fleet may send up to the limit plus
//! `⌊share × limit⌋` per falling-back process in a rolling second: choose
//! the share as 1 / the fleet's size to stay within the limit through an
//! outage. A Redis that restarts empty forgets the slots it held: in the
//! window of the restart up to the limit more may pass.

#![forbid(unsafe_code)]

mod health;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, RedisError, Script};
use tencentcloud_runtime::credentials::BoxFuture;
use tencentcloud_runtime::rate_limit::{
    AccountId, BUDGET_WINDOW, BudgetKey, LocalBudget, RateBudget, Slot, SlotEnd,
};
use tokio::time::Instant;

use health::{Health, Route};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
const DEFAULT_LEASE: Duration = Duration::from_secs(3);
const DEFAULT_SHARE: f64 = 0.25;
const DEFAULT_PREFIX: &str = "tencentcloud:budget";
/// How often Redis is asked again while it fails.
const RETRY_EVERY: Duration = Duration::from_secs(1);
/// The longest a waiting call goes without asking again: a slot can free
/// before its score says (its end arrives with another process's call).
const MAX_PAUSE: Duration = Duration::from_millis(100);
/// Ended slots kept per budget key until they are sent; past it the
/// oldest are dropped (they then count until their lease ends: slower,
/// never over the limit).
const MAX_ENDED: usize = 4096;

/// A rate budget kept in Redis and shared by every process that uses the
/// same Redis (see the [crate docs](crate)). Cheap to clone: clones share
/// the connection and the fallback.
#[derive(Clone)]
pub struct RedisBudget {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    /// `host:port` of Redis, for messages (never the URL: it may hold a
    /// password).
    addr: String,
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    take: Script,
    extend: Script,
    timeout: Duration,
    lease: Duration,
    share: f64,
    prefix: String,
    account: Option<AccountId>,
    health: Health,
    fallback: LocalBudget,
    /// Slots that ended, per Redis key, not yet told to Redis.
    ended: Mutex<HashMap<String, Vec<Ended>>>,
    /// One caller per budget key asks Redis at a time: callers of one
    /// process are served in order, and a crowd of waiters is one poller.
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Slot names: this process's tag and a counter.
    tag: u64,
    next: AtomicU64,
}

#[derive(Debug)]
struct Ended {
    slot: String,
    at: Instant,
    sent: bool,
}

/// A [`RedisBudget`] being configured; see [`RedisBudget::builder`].
#[derive(Clone)]
#[must_use]
pub struct RedisBudgetBuilder {
    url: String,
    timeout: Duration,
    lease: Duration,
    share: f64,
    prefix: String,
    account: Option<AccountId>,
}

/// A setting [`RedisBudgetBuilder::build`] refused. Never holds the URL
/// (it may hold a password).
#[derive(Debug)]
#[non_exhaustive]
pub enum BudgetError {
    /// Not a `redis://` or `rediss://` URL Redis's client accepts.
    Url(RedisError),
    /// The fallback share is not within `(0, 1]`.
    FallbackShare(f64),
    /// The timeout is zero or the lease not more than twice the timeout
    /// (a lease is extended halfway, within a timeout).
    Timing {
        /// [`RedisBudgetBuilder::timeout`].
        timeout: Duration,
        /// [`RedisBudgetBuilder::lease`].
        lease: Duration,
    },
}

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetError::Url(e) => write!(f, "the rate budget's Redis address is not valid: {e}"),
            BudgetError::FallbackShare(s) => write!(
                f,
                "the rate budget's fallback share must be above 0 and at most 1, not {s}"
            ),
            BudgetError::Timing { timeout, lease } => write!(
                f,
                "the rate budget's timeout must be above zero and its lease more than twice the \
                 timeout (timeout {timeout:?}, lease {lease:?})"
            ),
        }
    }
}

impl std::error::Error for BudgetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BudgetError::Url(e) => Some(e),
            _ => None,
        }
    }
}

impl RedisBudget {
    /// A budget on the Redis at `url` (`redis://[:password@]host[:port][/db]`)
    /// with the default settings. Nothing is connected yet: a Redis that is
    /// not there at start is a fallback, not an error.
    pub fn new(url: &str) -> Result<RedisBudget, BudgetError> {
        RedisBudget::builder(url).build()
    }

    /// Starts configuring a budget on the Redis at `url`.
    pub fn builder(url: impl Into<String>) -> RedisBudgetBuilder {
        RedisBudgetBuilder {
            url: url.into(),
            timeout: DEFAULT_TIMEOUT,
            lease: DEFAULT_LEASE,
            share: DEFAULT_SHARE,
            prefix: DEFAULT_PREFIX.to_owned(),
            account: None,
        }
    }

    /// Tells Redis now of every slot of this process that ended, so that
    /// they stop counting a window after their answers instead of at the
    /// end of their leases. Call it before a process exits; other calls
    /// carry these with them. Bounded by the timeout; a failure is only
    /// logged (the slots then count until their leases end). While Redis is
    /// known not to answer it returns at once.
    pub async fn flush(&self) {
        if self.inner.health.is_down() {
            return;
        }
        let keys: Vec<String> = lock(&self.inner.ended).keys().cloned().collect();
        for key in keys {
            let ended = self.inner.take_ended(&key);
            if ended.is_empty() {
                continue;
            }
            if let Err(e) = self.inner.take_slot(&key, 0, None, &ended).await {
                tracing::debug!(redis = %self.inner.addr, error = %e, "rate budget: could not flush ended slots");
                self.inner.put_back(&key, ended);
            }
        }
    }
}

impl RedisBudgetBuilder {
    /// The longest any exchange with Redis (connecting included) may take
    /// before the budget falls back. Default: 1 s (a crowd of processes
    /// starting at once on a small machine can take 200 ms to answer).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a slot may stay in flight before it must be extended; a
    /// slot whose end never reaches Redis (its process died) counts this
    /// long plus a window. Default: 3 s.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The share of each action's limit a process keeps to while Redis
    /// does not answer. Default: 0.25. Use 1 / the fleet's size to stay
    /// within the limit through an outage.
    pub fn fallback_share(mut self, share: f64) -> Self {
        self.share = share;
        self
    }

    /// The start of every key. Default: `tencentcloud:budget`.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Counts every call as this account's, whatever key signs it: for
    /// temporary keys (a role's), whose id changes at every refresh. Stored
    /// hashed, like a `SecretId`.
    pub fn account(mut self, name: &str) -> Self {
        self.account = Some(AccountId::of(name));
        self
    }

    /// Checks the settings. Connects to nothing.
    pub fn build(self) -> Result<RedisBudget, BudgetError> {
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(BudgetError::FallbackShare(self.share));
        }
        if self.timeout.is_zero() || self.lease <= self.timeout * 2 {
            return Err(BudgetError::Timing {
                timeout: self.timeout,
                lease: self.lease,
            });
        }
        let client = redis::Client::open(self.url.as_str()).map_err(BudgetError::Url)?;
        let addr = match &client.get_connection_info().addr {
            redis::ConnectionAddr::Tcp(host, port) => format!("{host}:{port}"),
            redis::ConnectionAddr::TcpTls { host, port, .. } => format!("{host}:{port}"),
            other => other.to_string(),
        };
        Ok(RedisBudget {
            inner: Arc::new(Inner {
                client,
                addr,
                conn: tokio::sync::Mutex::new(None),
                take: Script::new(include_str!("take.lua")),
                extend: Script::new(include_str!("extend.lua")),
                timeout: self.timeout,
                lease: self.lease,
                share: self.share,
                prefix: self.prefix,
                account: self.account,
                health: Health::new(RETRY_EVERY, BUDGET_WINDOW),
                fallback: LocalBudget::new(),
                ended: Mutex::default(),
                gates: Mutex::default(),
                tag: process_tag(),
                next: AtomicU64::new(0),
            }),
        })
    }
}

impl fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("RedisBudget")
            .field("redis", &i.addr)
            .field("timeout", &i.timeout)
            .field("lease", &i.lease)
            .field("fallback_share", &i.share)
            .field("key_prefix", &i.prefix)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RedisBudgetBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBudgetBuilder")
            .field("timeout", &self.timeout)
            .field("lease", &self.lease)
            .field("fallback_share", &self.share)
            .field("key_prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RateBudget for RedisBudget {
    fn acquire<'a>(
        &'a self,
        key: &'a BudgetKey<'a>,
        max_wait: Option<Duration>,
    ) -> BoxFuture<'a, Result<Slot, Duration>> {
        Box::pin(self.inner.clone().acquire(key, max_wait))
    }
}

/// What one exchange with Redis said.
enum Taken {
    Yes,
    /// Full: the earliest slot stops counting in this long.
    Wait(Duration),
}

impl Inner {
    fn key_name(&self, key: &BudgetKey<'_>) -> String {
        let account = self.account.unwrap_or(key.account);
        format!(
            "{}:{account}:{}:{}:{}",
            self.prefix, key.host, key.region, key.action
        )
    }

    fn share_of(&self, limit: u32) -> u32 {
        ((f64::from(limit) * self.share).floor() as u32).max(1)
    }

    async fn acquire(
        self: Arc<Self>,
        key: &BudgetKey<'_>,
        max_wait: Option<Duration>,
    ) -> Result<Slot, Duration> {
        let deadline = max_wait.map(|m| Instant::now() + m);
        let name = self.key_name(key);
        let gate = {
            let mut gates = lock(&self.gates);
            gates.entry(name.clone()).or_default().clone()
        };
        let _turn = match deadline {
            None => gate.lock().await,
            Some(at) => tokio::time::timeout_at(at, gate.lock())
                .await
                .map_err(|_| max_wait.unwrap_or_default())?,
        };
        loop {
            let also_local = match self.health.route() {
                Route::Local => return self.local_slot(key, deadline).await,
                Route::Redis { also_local } => also_local,
            };
            // While the fallback's slots may still count, a slot must fit
            // in both budgets.
            let local = match also_local {
                true => Some(self.local_slot(key, deadline).await?),
                false => None,
            };
            let slot = self.new_slot_name();
            let ended = self.take_ended(&name);
            let sent = Instant::now();
            match self.take_slot(&name, key.limit, Some(&slot), &ended).await {
                Ok(Taken::Yes) => {
                    self.back_again();
                    return Ok(self.clone().held(name, slot, sent, local));
                }
                Ok(Taken::Wait(wait)) => {
                    self.back_again();
                    if let Some(l) = local {
                        l.end(SlotEnd::Unsent);
                    }
                    let pause = wait.min(MAX_PAUSE).mul_f64(1.0 + fastrand::f64() * 0.2);
                    match deadline {
                        Some(at) if Instant::now() + pause > at => {
                            tokio::time::sleep_until(at).await;
                            return Err(wait);
                        }
                        _ => tokio::time::sleep(pause).await,
                    }
                }
                Err(e) => {
                    self.put_back(&name, ended);
                    if self.health.failed() {
                        tracing::warn!(
                            redis = %self.addr,
                            error = %e,
                            share = self.share,
                            "rate budget: Redis does not answer; each action now keeps to a local \
                             budget of {} per second ({} of its limit of {}) until it does",
                            self.share_of(key.limit),
                            self.share,
                            key.limit,
                        );
                    }
                    return match local {
                        Some(l) => Ok(l),
                        None => self.local_slot(key, deadline).await,
                    };
                }
            }
        }
    }

    fn back_again(&self) {
        if self.health.answered() {
            tracing::info!(redis = %self.addr, "rate budget: Redis answers again; the shared budget is back");
        }
    }

    async fn local_slot(
        &self,
        key: &BudgetKey<'_>,
        deadline: Option<Instant>,
    ) -> Result<Slot, Duration> {
        let share = key.with_limit(self.share_of(key.limit));
        let max = deadline.map(|at| at.saturating_duration_since(Instant::now()));
        self.fallback.acquire(&share, max).await
    }

    fn new_slot_name(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}:{n}", self.tag)
    }

    /// A slot taken at `sent` (local time, before Redis took it): extended
    /// every half lease while in flight; its end is kept for the next call.
    fn held(
        self: Arc<Self>,
        key: String,
        slot: String,
        sent: Instant,
        local: Option<Slot>,
    ) -> Slot {
        let extender = tokio::spawn(self.clone().extend_while_held(
            key.clone(),
            slot.clone(),
            sent,
        ));
        Slot::new(move |how| {
            extender.abort();
            if let Some(l) = local {
                l.end(how);
            }
            let ended = Ended {
                slot,
                at: Instant::now(),
                sent: how == SlotEnd::Reached,
            };
            let mut map = lock(&self.ended);
            let list = map.entry(key).or_default();
            if list.len() >= MAX_ENDED {
                list.remove(0);
            }
            list.push(ended);
        })
    }

    /// Keeps a slot counting while its request is in flight. Its lease
    /// covers answers arriving within `lease` of the last send (Redis ran
    /// the script after it), so it is renewed halfway.
    async fn extend_while_held(self: Arc<Self>, key: String, slot: String, mut sent: Instant) {
        loop {
            tokio::time::sleep_until(sent + self.lease / 2).await;
            sent = Instant::now();
            let mut call = self.extend.key(&key);
            call.arg(&slot)
                .arg(BUDGET_WINDOW.as_millis() as u64)
                .arg(self.lease.as_millis() as u64);
            let done: Result<i64, RedisError> = self
                .exchange(|mut c| async move { call.invoke_async(&mut c).await })
                .await;
            if let Err(e) = done {
                tracing::debug!(redis = %self.addr, error = %e, "rate budget: could not extend a slot in flight");
            }
        }
    }

    fn take_ended(&self, key: &str) -> Vec<Ended> {
        let mut list = lock(&self.ended).remove(key).unwrap_or_default();
        // A slot ended longer ago than a lease and a window has lapsed.
        let now = Instant::now();
        let lapsed = self.lease + BUDGET_WINDOW + self.timeout;
        list.retain(|e| now.saturating_duration_since(e.at) < lapsed);
        list
    }

    fn put_back(&self, key: &str, mut ended: Vec<Ended>) {
        if ended.is_empty() {
            return;
        }
        let mut map = lock(&self.ended);
        let list = map.entry(key.to_owned()).or_default();
        ended.append(list);
        ended.truncate(MAX_ENDED);
        *list = ended;
    }

    /// The one round trip of a call: ended slots applied, a slot taken
    /// (`slot`) or none asked for.
    async fn take_slot(
        &self,
        key: &str,
        limit: u32,
        slot: Option<&str>,
        ended: &[Ended],
    ) -> Result<Taken, RedisError> {
        let sent = Instant::now();
        let mut call = self.take.key(key);
        call.arg(limit)
            .arg(BUDGET_WINDOW.as_millis() as u64)
            .arg(self.lease.as_millis() as u64)
            .arg(slot.unwrap_or(""))
            .arg(ended.len());
        for e in ended {
            // How long before this send its answer arrived: Redis's clock
            // read after the send, so `now - age` is no earlier than the
            // arrival on Redis's clock. Rounded down, to the safe side.
            let age = match e.sent {
                true => sent.saturating_duration_since(e.at).as_millis() as i64,
                false => -1,
            };
            call.arg(&e.slot).arg(age);
        }
        let (taken, wait_ms): (i64, u64) = self
            .exchange(|mut c| async move { call.invoke_async(&mut c).await })
            .await?;
        Ok(match taken {
            1 => Taken::Yes,
            _ => Taken::Wait(Duration::from_millis(wait_ms)),
        })
    }

    /// One exchange with Redis, connecting first if needed, bounded by the
    /// timeout. A failed connection is dropped so that the next exchange
    /// connects anew (Redis restarted).
    async fn exchange<T, F, Fut>(&self, run: F) -> Result<T, RedisError>
    where
        F: FnOnce(MultiplexedConnection) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        let attempt = async {
            let conn = self.connection().await?;
            run(conn).await
        };
        let result = match tokio::time::timeout(self.timeout, attempt).await {
            Ok(r) => r,
            Err(_) => Err(RedisError::from(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {:?}", self.timeout),
            ))),
        };
        if let Err(e) = &result {
            if e.is_io_error()
                || e.is_timeout()
                || e.is_connection_dropped()
                || e.is_unrecoverable_error()
            {
                *self.conn.lock().await = None;
            }
        }
        result
    }

    async fn connection(&self) -> Result<MultiplexedConnection, RedisError> {
        let mut conn = self.conn.lock().await;
        if let Some(c) = &*conn {
            return Ok(c.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(self.timeout)
            .set_response_timeout(self.timeout);
        let c = self
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        *conn = Some(c.clone());
        Ok(c)
    }
}

/// Names this process's slots apart from every other's: the process id
/// and a random key of the standard library's (seeded by the OS; fastrand's
/// seed is only the time and thread).
fn process_tag() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
