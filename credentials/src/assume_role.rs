//! A role's temporary credentials, assumed with other credentials
//! (STS `AssumeRole`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tencentcloud_runtime::credentials::{
    BoxFuture, Credentials, CredentialsError, ProvideCredentials, SharedCredentialsProvider,
};

use crate::BuildError;
use crate::cache::Cache;
use crate::sts::{self, DEFAULT_DURATION, DEFAULT_REFRESH_WINDOW, DEFAULT_STS_ENDPOINT};

/// The region `AssumeRole` is sent to unless set (STS is global; Tencent's
/// SDKs send it to this one).
pub const DEFAULT_ASSUME_ROLE_REGION: &str = "ap-guangzhou";

/// Temporary credentials of a CAM role, from STS `AssumeRole` signed with
/// other credentials (long-lived keys, or any provider): Tencent's SDKs'
/// `STSAssumeRoleCredential`.
///
/// Credentials are cached and refreshed
/// [`refresh_window`](AssumeRoleProviderBuilder::refresh_window) before
/// they expire (never in the first half of their life), concurrent callers
/// share one refresh and its failure, and a failed refresh while the cached
/// credentials are still valid serves those (a warning is logged) and asks
/// again 10 s later. Errors name the role and say what STS answered; they
/// never quote a secret key or token, nor an answer's body.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use tencentcloud_credentials::AssumeRoleProvider;
/// use tencentcloud_runtime::credentials::Credentials;
///
/// let role = AssumeRoleProvider::builder(
///     "qcs::cam::uin/100015158414:roleName/readOnlyRole",
///     Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE")?,
/// )
/// .session_name("reports")
/// .build()?;
/// let client = tcmpp_api::Client::builder()
///     .region("ap-singapore")
///     .credentials(role)
///     .build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
pub struct AssumeRoleProvider {
    role_arn: String,
    session_name: String,
    duration: u64,
    sts: sts_api::Client,
    cache: Cache,
}

/// Configures an [`AssumeRoleProvider`].
#[must_use]
pub struct AssumeRoleProviderBuilder {
    role_arn: String,
    source: SharedCredentialsProvider,
    session_name: Option<String>,
    duration: Duration,
    refresh_window: Duration,
    region: String,
    endpoint: String,
    timeout: Duration,
    configure: Option<Box<dyn FnOnce(sts_api::ClientBuilder) -> sts_api::ClientBuilder>>,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` (`qcs::cam::uin/UIN:roleName/NAME`) with the
    /// credentials `source` provides.
    pub fn builder(
        role_arn: impl Into<String>,
        source: impl ProvideCredentials + 'static,
    ) -> AssumeRoleProviderBuilder {
        Self::builder_shared(role_arn, Arc::new(source))
    }

    /// [`builder`](Self::builder) with a source already shared.
    pub fn builder_shared(
        role_arn: impl Into<String>,
        source: SharedCredentialsProvider,
    ) -> AssumeRoleProviderBuilder {
        AssumeRoleProviderBuilder {
            role_arn: role_arn.into(),
            source,
            session_name: None,
            duration: DEFAULT_DURATION,
            refresh_window: DEFAULT_REFRESH_WINDOW,
            region: DEFAULT_ASSUME_ROLE_REGION.to_owned(),
            endpoint: DEFAULT_STS_ENDPOINT.to_owned(),
            timeout: sts::DEFAULT_TIMEOUT,
            configure: None,
        }
    }

    fn source(&self) -> String {
        format!("AssumeRole {}", self.role_arn)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let source = self.source();
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(&self.session_name)
            .duration_seconds(self.duration)
            .send()
            .await
            .map_err(|e| sts::call_error(&source, e))?;
        sts::credentials(
            &source,
            out.credentials,
            out.expired_time.map(|t| t.as_i64()),
        )
    }
}

impl AssumeRoleProviderBuilder {
    /// The session name (`RoleSessionName`, 2 to 128 of letters, digits
    /// and `+=,.@_-`), which CAM's logs show. Default:
    /// `tencentcloud-rust-` and the time in microseconds.
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.session_name = Some(name.into());
        self
    }

    /// How long the credentials last (`DurationSeconds`, whole seconds).
    /// Default 2 hours; STS grants 15 minutes to 12 hours.
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }

    /// How long before expiry credentials are refreshed (default 5
    /// minutes, at most half their life). Should exceed the longest a
    /// request, retries included, takes.
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// The region `AssumeRole` is sent in (default `ap-guangzhou`, as
    /// Tencent's SDKs).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Another STS endpoint URL (default `https://sts.tencentcloudapi.com`):
    /// a private network's, a proxy's, or a test server's.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// How long one `AssumeRole` may take, retries included (default 20 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Any other setting of the STS client (trust roots, proxy, retries,
    /// your own HTTP client), applied after those above.
    pub fn configure_client(
        mut self,
        f: impl FnOnce(sts_api::ClientBuilder) -> sts_api::ClientBuilder + 'static,
    ) -> Self {
        self.configure = Some(Box::new(f));
        self
    }

    /// Checks the settings and builds the STS client; nothing is sent
    /// until credentials are first asked for.
    pub fn build(self) -> Result<AssumeRoleProvider, BuildError> {
        let duration = sts::check_duration(self.duration)?;
        let mut builder = sts_api::Client::builder()
            .region(self.region)
            .endpoint(self.endpoint)
            .timeout(self.timeout)
            .credentials_provider(self.source);
        if let Some(f) = self.configure {
            builder = f(builder);
        }
        Ok(AssumeRoleProvider {
            role_arn: self.role_arn,
            session_name: self.session_name.unwrap_or_else(sts::default_session_name),
            duration,
            sts: builder.build()?,
            cache: Cache::new("AssumeRole", self.refresh_window),
        })
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.cache.get(|| self.fetch()))
    }
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .field("duration_s", &self.duration)
            .field("refresh_window", &self.cache.refresh_window())
            .field("endpoint", &self.sts.endpoint())
            .field("cached_until", &self.cache.cached_until())
            .finish()
    }
}

impl fmt::Debug for AssumeRoleProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProviderBuilder")
            .field("role_arn", &self.role_arn)
            .field("source", &self.source)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}
