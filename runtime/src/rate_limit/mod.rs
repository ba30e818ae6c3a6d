//! Client-side rate limits that hold at the service, and where their
//! budgets live.
//!
//! The service counts the requests that *arrive* per account and action
//! in any rolling second. A request arrives somewhere between the moment
//! the client starts it and the moment the answer's head comes back, so a
//! budget hands out a [`Slot`] before an attempt is signed and is told
//! when the answer's head arrived ([`SlotEnd::Reached`]) or that nothing
//! was sent ([`SlotEnd::Unsent`]). A slot counts from the moment it is
//! taken until one window after it ends; no more than the limit may count
//! at once. Any two requests that share a second at the service then
//! overlap in that reckoning, whatever stalls the client.
//!
//! The budget is pluggable ([`RateBudget`]): by default each process keeps
//! its own ([`LocalBudget`], shared by its clients as
//! [`RateLimitScope`](crate::RateLimitScope) says); a fleet of processes
//! shares one through a budget of its own, e.g. `tencentcloud-redis-budget`
//! (one Redis for every process and machine), set with
//! [`ClientBuilder::rate_budget`](crate::ClientBuilder::rate_budget).

mod local;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};

pub use local::LocalBudget;
pub(crate) use local::{BudgetKey as LocalKey, Permit, RateLimiter, WINDOW, shared};

use crate::credentials::BoxFuture;

/// The window the service counts in (one second) plus a margin for clock
/// granularity at either end: how long a slot stays taken after its
/// request's answer arrived.
pub const BUDGET_WINDOW: Duration = WINDOW;

/// A budget of requests per account, endpoint, region and action, asked
/// for a [`Slot`] before every attempt.
///
/// Implement it to share budgets in a way of your own (a database, a
/// coordinator); the client only calls [`acquire`](RateBudget::acquire).
/// An implementation must never let more than `key.limit` slots count at
/// once per key, where a slot counts from the moment `acquire` returns it
/// until [`BUDGET_WINDOW`] after it ends with [`SlotEnd::Reached`] (or at
/// once when it ends [`SlotEnd::Unsent`]); it must bound its own waits on
/// anything it depends on (a budget that hangs hangs every call).
pub trait RateBudget: Send + Sync + fmt::Debug + 'static {
    /// A slot for one request of `key`, waiting for one as long as needed,
    /// or no longer than `max_wait` when it is given: then `Err` holds how
    /// long the wait would at least have been, and no slot is taken.
    fn acquire<'a>(
        &'a self,
        key: &'a BudgetKey<'a>,
        max_wait: Option<Duration>,
    ) -> BoxFuture<'a, Result<Slot, Duration>>;
}

impl<T: RateBudget + ?Sized> RateBudget for Arc<T> {
    fn acquire<'a>(
        &'a self,
        key: &'a BudgetKey<'a>,
        max_wait: Option<Duration>,
    ) -> BoxFuture<'a, Result<Slot, Duration>> {
        (**self).acquire(key, max_wait)
    }
}

/// What one budget counts: an account's requests of one action at one
/// endpoint and region, at most `limit` per second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct BudgetKey<'a> {
    /// Who is calling, never the key itself.
    pub account: AccountId,
    /// The endpoint's host (and port, when it has one).
    pub host: &'a str,
    /// The region requests are sent to.
    pub region: &'a str,
    /// The action, e.g. `DescribeInstances`.
    pub action: &'a str,
    /// Requests per second the budget allows.
    pub limit: u32,
}

impl<'a> BudgetKey<'a> {
    /// A key, for budgets that wrap others and tests.
    pub fn new(
        account: AccountId,
        host: &'a str,
        region: &'a str,
        action: &'a str,
        limit: u32,
    ) -> Self {
        BudgetKey {
            account,
            host,
            region,
            action,
            limit,
        }
    }

    /// The same key with another limit (a budget falling back to a share).
    #[must_use]
    pub fn with_limit(self, limit: u32) -> Self {
        BudgetKey { limit, ..self }
    }
}

/// An account as budgets see it: the first 8 bytes of the SHA-256 of its
/// `SecretId` (or of a name), printed as 16 hex digits. A budget kept
/// outside the process (in Redis, say) names it instead of the id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId([u8; 8]);

impl AccountId {
    /// The account of a `SecretId`, or of any name that stands for one
    /// (temporary keys change their id at every refresh: name the account
    /// to keep one budget across them).
    pub fn of(id: &str) -> AccountId {
        let digest = Sha256::digest(id.as_bytes());
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&digest[..8]);
        AccountId(bytes)
    }

    /// Requests sent unsigned (no account).
    pub const UNSIGNED: AccountId = AccountId([0; 8]);
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({self})")
    }
}

/// How a request's slot ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SlotEnd {
    /// The answer's head arrived, or the request may have reached the
    /// service: the slot stays taken for one more window.
    Reached,
    /// The request certainly never reached the service (no connection was
    /// made): the slot is free again at once.
    Unsent,
}

/// One request's place in a budget. Dropping it ends it as
/// [`SlotEnd::Reached`], the safe assumption when nothing is known.
#[must_use = "a slot counts until it ends; dropping it ends it now"]
pub struct Slot(SlotInner);

enum SlotInner {
    Local(Permit),
    Other(Option<Box<dyn FnOnce(SlotEnd) + Send>>),
}

impl Slot {
    /// A slot that calls `on_end` once, when it ends (or is dropped, with
    /// [`SlotEnd::Reached`]).
    pub fn new(on_end: impl FnOnce(SlotEnd) + Send + 'static) -> Slot {
        Slot(SlotInner::Other(Some(Box::new(on_end))))
    }

    pub(crate) fn local(permit: Permit) -> Slot {
        Slot(SlotInner::Local(permit))
    }

    /// Ends the slot.
    pub fn end(mut self, how: SlotEnd) {
        match std::mem::replace(&mut self.0, SlotInner::Other(None)) {
            SlotInner::Local(p) => match how {
                SlotEnd::Reached => p.reached(),
                SlotEnd::Unsent => p.unsent(),
            },
            SlotInner::Other(Some(f)) => f(how),
            SlotInner::Other(None) => {}
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        // A local permit's own drop counts it as reached.
        if let SlotInner::Other(f) = &mut self.0 {
            if let Some(f) = f.take() {
                f(SlotEnd::Reached);
            }
        }
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            SlotInner::Local(_) => "Slot(local)",
            SlotInner::Other(_) => "Slot",
        })
    }
}
