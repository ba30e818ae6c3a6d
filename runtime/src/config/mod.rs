//! Client configuration: checked once, when the client is built
//! ([`ClientBuilder::build`]), never a panic. The builder and its errors
//! are here; where requests go in `endpoint`, the other settings in
//! `settings`, both re-exported here.

mod endpoint;
mod settings;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

pub use crate::clock::DEFAULT_MAX_CLOCK_CORRECTION;
use crate::credentials::{ProvideCredentials, SharedCredentialsProvider};
use crate::operation::ServiceInfo;
use crate::rate_limit::RateBudget;
use crate::tls::install_tls_provider;
pub use endpoint::{Endpoint, check_region};
pub(crate) use endpoint::{
    hide_userinfo, host_header, is_loopback, localhost_name, parse_endpoint,
};
pub use settings::{
    DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_TIMEOUT, Language, Overrides, RateLimit, RateLimitScope,
    RetryConfig,
};

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
    /// [`credentials`](ClientBuilder::credentials) was set together with
    /// [`unsigned`](ClientBuilder::unsigned), whose calls use none.
    CredentialsWithUnsigned,
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
            ConfigError::CredentialsWithUnsigned => f.write_str(
                "`credentials` was set on a client built `unsigned`, whose calls carry no signature: set one or the other",
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
    pub(crate) unsigned: bool,
    pub(crate) env_proxy: bool,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryConfig,
    pub(crate) rate_limit: RateLimit,
    pub(crate) rate_limit_scope: RateLimitScope,
    pub(crate) max_rate_limit_wait: Option<Duration>,
    pub(crate) rate_budget: Option<Arc<dyn RateBudget>>,
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
            .field("unsigned", &self.unsigned)
            .field("env_proxy", &self.env_proxy)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("rate_limit_scope", &self.rate_limit_scope)
            .field("max_rate_limit_wait", &self.max_rate_limit_wait)
            .field("rate_budget", &self.rate_budget)
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
            unsigned: false,
            env_proxy: true,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::standard(),
            rate_limit: RateLimit::FromSpec,
            rate_limit_scope: RateLimitScope::Process,
            max_rate_limit_wait: None,
            rate_budget: None,
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

    /// Sends every call of the client unsigned, as `Authorization: SKIP`
    /// with no `X-TC-Token`, and asks no credentials source: for the few
    /// actions a service takes without a signature because the caller
    /// proves who it is in the parameters (STS's
    /// `AssumeRoleWithWebIdentity`, whose token is the proof; Tencent's SDKs
    /// send it the same way, their `SkipSign` option). Everything else
    /// (retries, rate limits, timeouts, decoding) is as for signed calls,
    /// on the same execute path. Setting
    /// [`credentials`](Self::credentials) too is a
    /// [`ConfigError::CredentialsWithUnsigned`].
    pub fn unsigned(mut self) -> Self {
        self.unsigned = true;
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

    /// Where rate-limit slots come from: a budget shared beyond this
    /// process (every process and machine of a fleet, e.g.
    /// `tencentcloud-redis-budget`), or one of your own. Replaces the
    /// built-in budget and its [`rate_limit_scope`](Self::rate_limit_scope);
    /// [`rate_limit`](Self::rate_limit) still sets each action's limit
    /// (`RateLimit::Off` asks no budget).
    pub fn rate_budget(mut self, budget: impl RateBudget) -> Self {
        self.rate_budget = Some(Arc::new(budget));
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
    fn suffixes() {
        assert!(check_suffix("my-app/1.2").is_ok());
        assert!(check_suffix("a b").is_err());
        assert!(check_suffix("").is_err());
    }
}
