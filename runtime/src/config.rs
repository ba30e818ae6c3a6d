//! Client configuration: checked once, when the client is built.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use reqwest::Url;

pub use crate::clock::DEFAULT_MAX_CLOCK_CORRECTION;
use crate::credentials::{ProvideCredentials, SharedCredentialsProvider};
use crate::operation::ServiceInfo;

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
/// [`ClientBuilder::max_clock_correction`]) is not a retry: it happens with
/// retries disabled and does not use one up.
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
        /// The value given, anything that may be a user name or password
        /// (before an `@`) replaced by `***`: errors end up in logs.
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
    /// A root certificate given to
    /// [`add_root_certificate_pem`](ClientBuilder::add_root_certificate_pem)
    /// cannot be used.
    InvalidRootCertificate {
        /// Which one (the first is 1) and what is wrong with it.
        reason: String,
    },
    /// The platform trust store is off and no root certificate was given:
    /// no HTTPS endpoint could be trusted.
    NoTrustedRoots,
    /// Root certificates were given, but this build has no TLS feature.
    NoTls,
    /// An option that configures the HTTP client was set together with
    /// [`http_client`](ClientBuilder::http_client), which replaces it:
    /// configure that on your `reqwest::Client` instead.
    ConflictsWithHttpClient {
        /// The builder method.
        option: &'static str,
    },
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
            ConfigError::InvalidRootCertificate { reason } => {
                write!(f, "invalid root certificate: {reason}")
            }
            ConfigError::NoTrustedRoots => f.write_str(
                "no trusted roots: the platform trust store is off and no root certificate was added (add_root_certificate_pem)",
            ),
            ConfigError::NoTls => f.write_str(
                "root certificates were given, but this build has no TLS: enable the `rustls` or `native-tls` feature",
            ),
            ConfigError::ConflictsWithHttpClient { option } => write!(
                f,
                "`{option}` configures the HTTP client, which `http_client` replaces: set it on your reqwest::Client instead"
            ),
            ConfigError::Http(_) => f.write_str("cannot build the HTTP client"),
        }
    }
}

impl ConfigError {
    /// The only way an `InvalidEndpoint` is made, so none quotes a password.
    pub(crate) fn invalid_endpoint(endpoint: &str, reason: impl Into<String>) -> Self {
        ConfigError::InvalidEndpoint {
            endpoint: hide_userinfo(endpoint).into_owned(),
            reason: reason.into(),
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

/// Builds a client of one service: the runtime's [`Client`](crate::Client),
/// or (`C`) a service crate's own `Client` over it. Nothing is checked
/// until [`build`](ClientBuilder::build), which never panics.
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder<C = crate::Client> {
    pub(crate) service: ServiceInfo,
    client: PhantomData<fn() -> C>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<EndpointText>,
    pub(crate) language: Language,
    /// `None`: the default (or the HTTP client's own, with `http_client`).
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) pool_idle_timeout: Option<Duration>,
    pub(crate) client_suffix: Option<String>,
    pub(crate) credentials: Option<SharedCredentialsProvider>,
    pub(crate) env_proxy: bool,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryConfig,
    pub(crate) rate_limit: RateLimit,
    pub(crate) rate_limit_scope: RateLimitScope,
    pub(crate) max_rate_limit_wait: Option<Duration>,
    pub(crate) max_clock_correction: Duration,
    pub(crate) root_certificates: RootCertificates,
    pub(crate) platform_trust_store: bool,
    pub(crate) http_client: Option<reqwest::Client>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("service", &self.service.name)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("language", &self.language)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("client_suffix", &self.client_suffix)
            .field("credentials", &self.credentials)
            .field("env_proxy", &self.env_proxy)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_scope", &self.rate_limit_scope)
            .field("max_rate_limit_wait", &self.max_rate_limit_wait)
            .field("max_clock_correction", &self.max_clock_correction)
            .field("root_certificates", &self.root_certificates)
            .field("platform_trust_store", &self.platform_trust_store)
            .field("http_client", &self.http_client)
            .finish()
    }
}

/// An endpoint as given to the builder, shown in `Debug` without what may
/// be a user name or password.
#[derive(Clone)]
pub(crate) struct EndpointText(pub(crate) String);

impl fmt::Debug for EndpointText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&hide_userinfo(&self.0), f)
    }
}

/// PEM bundles, shown in `Debug` by count only.
#[derive(Clone, Default)]
pub(crate) struct RootCertificates(pub(crate) Vec<Vec<u8>>);

impl fmt::Debug for RootCertificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} PEM bundle(s)", self.0.len())
    }
}

impl<C> ClientBuilder<C> {
    /// A builder of a `service` client with the defaults.
    pub fn new(service: ServiceInfo) -> Self {
        ClientBuilder {
            service,
            client: PhantomData,
            region: None,
            endpoint: None,
            language: Language::default(),
            connect_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            pool_idle_timeout: None,
            client_suffix: None,
            credentials: None,
            env_proxy: true,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::standard(),
            rate_limit: RateLimit::FromSpec,
            rate_limit_scope: RateLimitScope::Process,
            max_rate_limit_wait: None,
            max_clock_correction: DEFAULT_MAX_CLOCK_CORRECTION,
            root_certificates: RootCertificates::default(),
            platform_trust_store: true,
            http_client: None,
        }
    }
}

impl<C> ClientBuilder<C> {
    /// The region, e.g. `ap-singapore`. Default: `TENCENTCLOUD_REGION`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The endpoint: any `http` or `https` URL with an optional port, for
    /// private deployments and tests. Default: `https://cvm.tencentcloudapi.com`.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(EndpointText(url.into()));
        self
    }

    /// Language of the service's messages. Default: `en-US`.
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// Connect timeout of each attempt. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
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
        self.pool_idle_timeout = Some(timeout);
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

    /// The longest a call waits for the client-side rate limiter before it
    /// fails with [`ErrorKind::RateLimit`](crate::error::ErrorKind::RateLimit)
    /// instead (nothing is sent, no slot is taken). Default: no limit but the
    /// call's [`timeout`](Self::timeout). One call can set its own with
    /// [`Client::with_overrides`](crate::Client::with_overrides).
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = Some(wait);
        self
    }

    /// The largest clock skew correction the client makes (whole seconds).
    ///
    /// When the service refuses a request's time
    /// (`AuthFailure.SignatureExpire`), the client learns the offset between
    /// its clock and the service's from the answer's `Date` header, re-signs
    /// and re-sends once; later calls (clones included) sign with the
    /// corrected time. An offset beyond this bound is refused (the error is
    /// returned, the clock must be fixed), which limits what a wrong or
    /// hostile `Date` can do. `Duration::ZERO` turns correction off.
    /// Default: 24 hours ([`DEFAULT_MAX_CLOCK_CORRECTION`]).
    ///
    /// ```
    /// # fn example(builder: tencentcloud_runtime::ClientBuilder) -> Result<(), tencentcloud_runtime::ConfigError> {
    /// use std::time::Duration;
    ///
    /// // Correct at most an hour; sign with the local clock beyond that.
    /// // `builder`: a service crate's `Client::builder()`.
    /// let client = builder
    ///     .region("ap-singapore")
    ///     .max_clock_correction(Duration::from_secs(3600))
    ///     .build()?;
    /// # drop(client);
    /// # Ok(()) }
    /// ```
    pub fn max_clock_correction(mut self, max: Duration) -> Self {
        self.max_clock_correction = max;
        self
    }

    /// Also trusts the root certificates of a PEM bundle (one or more
    /// `-----BEGIN CERTIFICATE-----` blocks), as private deployments behind
    /// an internal certificate authority need. Repeatable; checked at
    /// [`build`](Self::build). Works with both TLS features; with
    /// [`platform_trust_store(false)`](Self::platform_trust_store) these
    /// are the only roots trusted.
    ///
    /// ```no_run
    /// # fn example(builder: tencentcloud_runtime::ClientBuilder) -> Result<(), Box<dyn std::error::Error>> {
    /// // `builder`: a service crate's `Client::builder()`.
    /// let client = builder
    ///     .region("ap-singapore")
    ///     .endpoint("https://api.internal.example:8443")
    ///     .add_root_certificate_pem(std::fs::read("/etc/pki/internal-ca.pem")?)
    ///     .platform_trust_store(false) // trust only the internal CA
    ///     .build()?;
    /// # drop(client);
    /// # Ok(()) }
    /// ```
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.0.push(pem.as_ref().to_vec());
        self
    }

    /// Whether the platform's trust store (the system's roots) is trusted.
    /// Turn it off to trust only the roots given to
    /// [`add_root_certificate_pem`](Self::add_root_certificate_pem).
    /// Default: on.
    pub fn platform_trust_store(mut self, trust: bool) -> Self {
        self.platform_trust_store = trust;
        self
    }

    /// Sends through this `reqwest::Client` instead of one the builder
    /// makes: for proxies, DNS resolution, connection pool settings, client
    /// certificates or TLS settings of your own. Build it from the same
    /// reqwest as this crate's ([`tencentcloud_runtime::reqwest`](crate::reqwest)).
    ///
    /// The client still signs, rate-limits, retries and times out each
    /// attempt and call (the attempt timeout is set on each request, so it
    /// applies to any `reqwest::Client`). What the builder no longer
    /// controls, and so refuses to be told with a
    /// [`ConfigError::ConflictsWithHttpClient`]: the trust roots
    /// ([`add_root_certificate_pem`](Self::add_root_certificate_pem),
    /// [`platform_trust_store`](Self::platform_trust_store)), the
    /// [`connect_timeout`](Self::connect_timeout), the
    /// [`pool_idle_timeout`](Self::pool_idle_timeout) (keep it under the
    /// service's 60 s keep-alive) and [`no_proxy`](Self::no_proxy) (your
    /// client's proxy settings and resolver apply, loopback endpoints
    /// included: the builder's own client resolves `localhost` to
    /// 127.0.0.1 and `::1` without asking DNS). Your
    /// client's `User-Agent` is sent; `X-TC-RequestClient` still names this
    /// crate.
    ///
    /// ```
    /// # fn example(builder: tencentcloud_runtime::ClientBuilder) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    ///
    /// // Starts from this crate's settings (and its TLS provider).
    /// let http = tencentcloud_runtime::config::reqwest_builder()
    ///     .connect_timeout(Duration::from_secs(3))
    ///     .pool_idle_timeout(Duration::from_secs(30))
    ///     .pool_max_idle_per_host(4)
    ///     .build()?;
    /// // `builder`: a service crate's `Client::builder()`.
    /// let client = builder
    ///     .region("ap-singapore")
    ///     .http_client(http)
    ///     .build()?;
    /// # drop(client);
    /// # Ok(()) }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }
}

/// A `reqwest::ClientBuilder` set up as the one [`ClientBuilder::build`]
/// makes (connect timeout 10 s, idle connections dropped after 50 s, this
/// crate's `User-Agent`), to change and pass to
/// [`ClientBuilder::http_client`]. Under the `rustls` feature it also
/// installs rustls' `ring` provider as the process default, unless one is
/// already installed: reqwest panics when it builds a client without one.
pub fn reqwest_builder() -> reqwest::ClientBuilder {
    install_tls_provider();
    reqwest::Client::builder()
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
        .pool_idle_timeout(DEFAULT_POOL_IDLE_TIMEOUT)
        .user_agent(client_id())
}

/// `tencentcloud-runtime-rust/VERSION`: the `User-Agent` of a
/// [`reqwest_builder`] client (a built client sends its service's).
fn client_id() -> String {
    format!("tencentcloud-runtime-rust/{}", env!("CARGO_PKG_VERSION"))
}

/// reqwest's `rustls-no-provider` uses the process-wide rustls provider:
/// install ring unless the application already chose one.
pub(crate) fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        // ring, deprecated by rustls 0.23.48 for lacking post-quantum key
        // exchange: see ARCHITECTURE.md, "The TLS provider".
        #[allow(deprecated)]
        let provider = rustls::crypto::ring::default_provider();
        let _ = provider.install_default();
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
    /// Timeout of the whole call (see [`ClientBuilder::timeout`]). Zero
    /// fails the call before anything is sent.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Timeout of each attempt (see [`ClientBuilder::attempt_timeout`]).
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
    /// [`ClientBuilder::max_rate_limit_wait`]).
    pub fn max_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.max_rate_limit_wait = Some(wait);
        self
    }
}

/// Checks a region name as [`ClientBuilder::build`] does: lowercase ASCII
/// letters, digits and `-` (so it can never break a header).
pub fn check_region(region: &str) -> Result<(), ConfigError> {
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

/// An endpoint URL checked as [`ClientBuilder::build`] checks one: `http`
/// or `https`, a host and an optional port, nothing else (no user name or
/// password, path, query or fragment). For programs that check their
/// input before building a client, with the client's own rules.
///
/// ```
/// use tencentcloud_runtime::config::Endpoint;
///
/// assert!(Endpoint::parse("http://localhost.:8080").unwrap().is_loopback());
/// assert!(!Endpoint::parse("https://cvm.tencentcloudapi.com").unwrap().is_loopback());
/// let refused = Endpoint::parse("http://user:hunter2@example.com").unwrap_err();
/// assert!(!refused.to_string().contains("hunter2"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint(Url);

impl Endpoint {
    /// Parses and checks `text`; the error says what is wrong and never
    /// repeats a user name or password.
    pub fn parse(text: &str) -> Result<Endpoint, ConfigError> {
        parse_endpoint(text).map(Endpoint)
    }

    /// Whether it names this machine by address: `localhost` in any case
    /// (with or without the trailing dot), 127.0.0.0/8, `::1`, and those
    /// IPv4 addresses mapped into IPv6 (`[::ffff:127.0.0.1]`).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }

    /// The URL, normalized (`http://127.0.0.1:8080/`).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Endpoint").field(&self.as_str()).finish()
    }
}

/// `text` with what may be a URL's user name and password (everything
/// before the last `@`, after any `scheme://`) replaced by `***`. Textual,
/// so it also covers what does not parse as a URL; an `@` elsewhere only
/// hides more of a value that is refused anyway.
pub(crate) fn hide_userinfo(text: &str) -> Cow<'_, str> {
    let Some(at) = text.rfind('@') else {
        return Cow::Borrowed(text);
    };
    let start = text[..at].find("://").map_or(0, |i| i + 3);
    Cow::Owned(format!("{}***{}", &text[..start], &text[at..]))
}

/// Parses and checks an endpoint URL.
pub(crate) fn parse_endpoint(endpoint: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::invalid_endpoint(endpoint, reason);
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
            "Tencent Cloud API 3.0 is served at the root path: give only scheme, host and port",
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

/// Whether an endpoint is on this machine (no proxy can reach it), by
/// address: the one rule for the client and [`Endpoint::is_loopback`].
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(_)) => localhost_name(url).is_some(),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// The endpoint's host if it is `localhost` (in any case, with or without
/// the trailing dot), which the client resolves to loopback itself.
pub(crate) fn localhost_name(url: &Url) -> Option<&str> {
    // The URL parser has lowercased it; a trailing dot is the same name.
    url.host_str()
        .filter(|d| d.strip_suffix('.').unwrap_or(d) == "localhost")
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
        let u = parse_endpoint("https://cvm.tencentcloudapi.com").unwrap();
        assert_eq!(host_header(&u), "cvm.tencentcloudapi.com");
        assert!(!is_loopback(&u));
        let u = parse_endpoint("https://cvm.tencentcloudapi.com:443/").unwrap();
        assert_eq!(host_header(&u), "cvm.tencentcloudapi.com");
        let u = parse_endpoint("http://[::1]:9000").unwrap();
        assert_eq!(host_header(&u), "[::1]:9000");
        assert!(is_loopback(&u));
        for bad in [
            "",
            "cvm.tencentcloudapi.com",
            "ftp://x",
            "http://",
            "http://h/path",
            "http://u:p@h",
            "http://h/?q=1",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }

    /// Loopback by address, however it is written; nothing else is.
    #[test]
    fn loopback_is_an_address_not_a_spelling() {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.255.255.254",
            "http://127.1:8080",
            "http://0x7f000001",
            "http://[::1]:9000",
            "http://[::ffff:127.0.0.1]:8080",
            "http://[::ffff:7f00:2]",
            "http://localhost:8080",
            "http://LocalHost:8080",
            "http://localhost.:8080",
            "https://LOCALHOST.",
        ] {
            assert!(Endpoint::parse(local).unwrap().is_loopback(), "{local}");
        }
        for remote in [
            "https://cvm.tencentcloudapi.com",
            "http://128.0.0.1",
            "http://10.0.0.1",
            "http://0.0.0.0",
            "http://[::]",
            "http://[::2]",
            "http://[::ffff:10.0.0.1]",
            "http://[::127.0.0.1]",
            "http://localhost.example.com",
            "http://notlocalhost",
            "http://localhost..",
            "http://127.0.0.1.nip.io",
        ] {
            assert!(!Endpoint::parse(remote).unwrap().is_loopback(), "{remote}");
        }
    }

    #[test]
    fn userinfo_is_hidden_wherever_it_may_be() {
        for (given, shown) in [
            ("http://u:p@h", "http://***@h"),
            ("http://u@h:1/", "http://***@h:1/"),
            ("http://u:p@ss@h", "http://***@h"),
            ("u:p@h", "***@h"),
            ("http:/\\u:p@h", "***@h"),
            ("http://h/a@b", "http://***@b"),
            ("http://h", "http://h"),
            ("", ""),
        ] {
            assert_eq!(hide_userinfo(given), shown, "{given}");
        }
        let e = Endpoint::parse("http://user:pw@h").unwrap_err();
        assert!(
            matches!(&e, ConfigError::InvalidEndpoint { endpoint, .. } if endpoint == "http://***@h"),
            "{e:?}"
        );
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
