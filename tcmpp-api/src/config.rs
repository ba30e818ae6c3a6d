//! Client configuration: checked once, when the client is built.

use std::fmt;
use std::time::Duration;

use reqwest::Url;

use crate::credentials::{ProvideCredentials, SharedCredentialsProvider};

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
/// retry: `CreateMNPVersion` is never re-sent once it may have reached the
/// service, unless [`retry_ambiguous`](Self::retry_ambiguous) says so.
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
    /// Each action's documented limit (20 per second for both TCMPP actions).
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

/// A configuration value that cannot be used. Says which and why.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No region was given and `TENCENTCLOUD_REGION` is not set.
    MissingRegion,
    /// The region is not a region name.
    InvalidRegion {
        /// The value given.
        region: String,
    },
    /// The endpoint is not an `http` or `https` URL of a host.
    InvalidEndpoint {
        /// The value given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A timeout is zero.
    InvalidTimeout {
        /// Which timeout.
        which: &'static str,
    },
    /// The client identifier suffix has characters a header cannot carry.
    InvalidClientSuffix {
        /// The value given.
        suffix: String,
    },
    /// The response size limit is zero.
    InvalidResponseLimit,
    /// A rate limit of zero requests per second.
    InvalidRateLimit,
    /// The HTTP client could not be built (TLS setup).
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingRegion => f.write_str(
                "no region: call `.region(...)` or set TENCENTCLOUD_REGION (e.g. ap-singapore)",
            ),
            ConfigError::InvalidRegion { region } => {
                write!(
                    f,
                    "invalid region {region:?}: expected lowercase letters, digits and '-', e.g. ap-singapore"
                )
            }
            ConfigError::InvalidEndpoint { endpoint, reason } => {
                write!(f, "invalid endpoint {endpoint:?}: {reason}")
            }
            ConfigError::InvalidTimeout { which } => {
                write!(f, "the {which} must be greater than zero")
            }
            ConfigError::InvalidClientSuffix { suffix } => write!(
                f,
                "invalid client identifier suffix {suffix:?}: use ASCII letters, digits and . _ - /"
            ),
            ConfigError::InvalidResponseLimit => {
                f.write_str("the response size limit must be greater than zero")
            }
            ConfigError::InvalidRateLimit => f.write_str(
                "a rate limit must allow at least one request per second (use RateLimit::Off for none)",
            ),
            ConfigError::Http(_) => f.write_str("cannot build the HTTP client"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

/// Builds a [`Client`](crate::Client). Nothing is checked until
/// [`build`](ClientBuilder::build), which never panics.
#[derive(Clone, Debug)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    pub(crate) language: Language,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) pool_idle_timeout: Duration,
    pub(crate) client_suffix: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) env_proxy: bool,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryConfig,
    pub(crate) rate_limit: RateLimit,
    pub(crate) rate_limit_scope: RateLimitScope,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            region: None,
            endpoint: None,
            language: Language::default(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            client_suffix: None,
            credentials: None,
            env_proxy: true,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::standard(),
            rate_limit: RateLimit::FromSpec,
            rate_limit_scope: RateLimitScope::Process,
        }
    }
}

impl ClientBuilder {
    /// The region, e.g. `ap-singapore`. Default: `TENCENTCLOUD_REGION`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The endpoint: any `http` or `https` URL with an optional port, for
    /// private deployments and tests. Default: `https://tcmpp.tencentcloudapi.com`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Language of the service's messages. Default: `en-US`.
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// Connect timeout of each attempt. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of a whole call: from the method's first poll to its result,
    /// credentials, rate-limit waits, every attempt and backoff included.
    /// When it expires the call ends with a
    /// [`TimeoutKind::Call`](crate::error::TimeoutKind::Call) error. Default: 120 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Timeout of one attempt, from connecting to the last byte of the
    /// answer; an expired attempt may be retried (see [`RetryConfig`]).
    /// Default: 30 s.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept. Default: 50 s, below the
    /// service's 60 s keep-alive.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Appended to the `X-TC-RequestClient` identifier, e.g. your app's name.
    pub fn client_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.client_suffix = Some(suffix.into());
        self
    }

    /// Where credentials come from. Default: the
    /// [default chain](crate::credentials::DefaultCredentialsChain)
    /// (environment, profile file, CVM role).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(std::sync::Arc::new(provider));
        self
    }

    /// Like [`credentials`](Self::credentials), for a provider already shared.
    pub fn credentials_provider(mut self, provider: SharedCredentialsProvider) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// Ignore `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY`. Loopback endpoints
    /// never use a proxy.
    pub fn no_proxy(mut self) -> Self {
        self.env_proxy = false;
        self
    }

    /// How failed attempts are retried. Default: [`RetryConfig::standard`].
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Client-side rate limiting. Default: each action's documented limit.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Which clients share each action's rate-limit budget. Default:
    /// [`RateLimitScope::Process`].
    pub fn rate_limit_scope(mut self, scope: RateLimitScope) -> Self {
        self.rate_limit_scope = scope;
        self
    }

    /// Largest answer body accepted. Default: 10 MiB.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }
}

/// Checks a region name.
pub(crate) fn check_region(region: &str) -> Result<(), ConfigError> {
    let ok = !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_owned(),
        })
    }
}

/// Parses and checks an endpoint URL.
pub(crate) fn parse_endpoint(endpoint: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::InvalidEndpoint {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(endpoint).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials do not belong in the URL"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "TCMPP is served at the root path: give only scheme, host and port",
        ));
    }
    Ok(url)
}

/// The `Host` header for an endpoint: `host`, or `host:port` for a
/// non-default port, exactly as signed.
pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Whether an endpoint is on this machine (no proxy can reach it).
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(crate) fn check_suffix(suffix: &str) -> Result<(), ConfigError> {
    let ok = !suffix.is_empty()
        && suffix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::InvalidClientSuffix {
            suffix: suffix.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let u = parse_endpoint("http://127.0.0.1:8080").unwrap();
        assert_eq!(host_header(&u), "127.0.0.1:8080");
        assert!(is_loopback(&u));
        let u = parse_endpoint("https://tcmpp.tencentcloudapi.com").unwrap();
        assert_eq!(host_header(&u), "tcmpp.tencentcloudapi.com");
        assert!(!is_loopback(&u));
        let u = parse_endpoint("https://tcmpp.tencentcloudapi.com:443/").unwrap();
        assert_eq!(host_header(&u), "tcmpp.tencentcloudapi.com");
        let u = parse_endpoint("http://[::1]:9000").unwrap();
        assert_eq!(host_header(&u), "[::1]:9000");
        assert!(is_loopback(&u));
        for bad in [
            "",
            "tcmpp.tencentcloudapi.com",
            "ftp://x",
            "http://",
            "http://h/path",
            "http://u:p@h",
            "http://h/?q=1",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions_and_suffixes() {
        assert!(check_region("ap-singapore").is_ok());
        for bad in ["", "AP", "ap singapore", "ap-\n"] {
            assert!(check_region(bad).is_err(), "{bad:?}");
        }
        assert!(check_suffix("my-app/1.2").is_ok());
        assert!(check_suffix("a b").is_err());
        assert!(check_suffix("").is_err());
    }
}
