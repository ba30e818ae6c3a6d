//! The settings a client is configured with besides where it sends and
//! as whom: timeouts and limits (their defaults), retries, rate limits,
//! the messages' language, and the per-call overrides of a client handle.

use std::time::Duration;

/// Default timeout of a whole call: credentials, rate-limit waits, every
/// attempt and the backoff between them.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default timeout of one attempt, connect to the last byte of the answer.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle pooled connections are dropped after this, well before the
/// service's 60 s keep-alive timeout closes them under us.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(50);
/// Default limit on an answer's body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;

/// When and how failed attempts are retried, in the spirit of aws-sdk-rust's
/// standard mode: exponential backoff with full jitter.
///
/// Throttling (`RequestLimitExceeded` and its sub-codes) and connections that
/// were never made are retried for every action. Gateway errors (502, 503,
/// 504), `InternalError`, `ServiceUnavailable`, read timeouts and connections
/// lost after sending are retried only for actions the spec marks safe to
/// retry: a create is never re-sent once it may have reached the
/// service, unless [`retry_ambiguous`](Self::retry_ambiguous) says so.
///
/// The one re-send after the service refused a request's time
/// (`AuthFailure.SignatureExpire`, see
/// [`ClientBuilder::max_clock_correction`](super::ClientBuilder::max_clock_correction))
/// is not a retry: it happens with retries disabled and does not use one
/// up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) retry_ambiguous: bool,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryConfig {
    /// 3 attempts, backoff from 1 s up to 20 s with full jitter.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            retry_ambiguous: false,
        }
    }

    /// One attempt: no retries.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// Attempts in all, the first included (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Upper bound of the first retry's random delay; doubles per retry.
    #[must_use]
    pub fn with_initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Upper bound of any retry's random delay.
    #[must_use]
    pub fn with_max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Also retry actions that are not safe to retry after an ambiguous
    /// failure (the request may have been acted on). Off by default.
    #[must_use]
    pub fn retry_ambiguous(mut self, yes: bool) -> Self {
        self.retry_ambiguous = yes;
        self
    }

    /// The most attempts a call makes.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
}

/// Client-side rate limiting, per action: callers wait instead of failing
/// with `RequestLimitExceeded`. A request holds its slot from the moment it
/// starts until its answer arrives and then for one more second, so no
/// second at the service sees more than the limit, whatever delays the
/// client (credentials, connection setup, slow networks). Which clients
/// share a budget is set by [`RateLimitScope`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimit {
    /// Each action's documented limit (from the service description).
    #[default]
    FromSpec,
    /// This many requests per second for every action.
    PerSecond(u32),
    /// No client-side limit.
    Off,
}

/// Which clients share an action's rate-limit budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitScope {
    /// Every client in this process that calls the same endpoint and region
    /// with the same [`RateLimit`] (clones included). The service counts
    /// per account; a process usually holds one, and clients built
    /// separately (one per task, say) would otherwise each spend the whole
    /// budget. Clients of different accounts sharing one budget are only
    /// slower, never throttled.
    #[default]
    Process,
    /// This client and its clones only: for clients that use different
    /// accounts, or whose budgets you coordinate yourself.
    Client,
}

/// Language of the service's messages, sent as `X-TC-Language`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// `en-US`.
    #[default]
    EnUs,
    /// `zh-CN`.
    ZhCn,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::EnUs => "en-US",
            Language::ZhCn => "zh-CN",
        }
    }
}

/// Settings one [`Client`](crate::Client) handle applies to its calls
/// instead of the client's: see [`Client::with_overrides`](crate::Client::with_overrides).
/// Each setting left alone keeps the client's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct Overrides {
    pub(crate) timeout: Option<Duration>,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryConfig>,
    pub(crate) max_rate_limit_wait: Option<Duration>,
}

impl Overrides {
    /// Timeout of the whole call (see
    /// [`ClientBuilder::timeout`](super::ClientBuilder::timeout)). Zero
    /// fails the call before anything is sent.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Timeout of each attempt (see
    /// [`ClientBuilder::attempt_timeout`](super::ClientBuilder::attempt_timeout)).
    /// Zero fails the call before anything is sent.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// How failed attempts are retried, e.g. [`RetryConfig::disabled`].
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The longest the call waits for the client-side rate limiter (see
    /// [`ClientBuilder::max_rate_limit_wait`](super::ClientBuilder::max_rate_limit_wait)).
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = Some(wait);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_makes_at_least_one_attempt() {
        assert_eq!(
            RetryConfig::standard().with_max_attempts(0).max_attempts(),
            1
        );
        assert_eq!(
            RetryConfig::standard().with_max_attempts(5).max_attempts(),
            5
        );
        let off = RetryConfig::disabled();
        assert_eq!(off.max_attempts(), 1);
        assert_eq!(
            off.with_max_attempts(3),
            RetryConfig::standard(),
            "disabled changes nothing but the attempts"
        );
        assert_eq!(RetryConfig::default(), RetryConfig::standard());
    }

    #[test]
    fn language_header_values() {
        assert_eq!(Language::default().as_str(), "en-US");
        assert_eq!(Language::ZhCn.as_str(), "zh-CN");
    }
}
