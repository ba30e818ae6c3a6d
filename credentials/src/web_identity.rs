//! A role's temporary credentials for an OpenID Connect token (STS
//! `AssumeRoleWithWebIdentity`): a TKE pod's projected service-account
//! token, re-read from its file on every refresh.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tencentcloud_runtime::credentials::{
    BoxFuture, Credentials, CredentialsError, ProvideCredentials, TKE_OIDC_VARIABLES,
};
use tencentcloud_runtime::file::{FileError, read_regular_file};

use crate::BuildError;
use crate::cache::Cache;
use crate::sts::{self, DEFAULT_DURATION, DEFAULT_REFRESH_WINDOW, DEFAULT_STS_ENDPOINT};

/// The largest token file read: a service-account token is one or two KiB.
pub const MAX_TOKEN_FILE: u64 = 64 * 1024;

type LookupFn = dyn Fn(&str) -> Option<String> + Send + Sync;
type ConfigureFn = dyn Fn(sts_api::ClientBuilder) -> sts_api::ClientBuilder + Send + Sync;

/// Where the settings come from.
#[derive(Clone)]
enum Settings {
    /// The `TKE_*` variables, read again on every refresh.
    Tke(Option<Arc<LookupFn>>),
    /// Given by the caller.
    Fixed(Target),
}

/// What one exchange needs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Target {
    region: String,
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
}

/// Temporary credentials of a CAM role for an OpenID Connect token: STS
/// `AssumeRoleWithWebIdentity`, sent unsigned (`Authorization: SKIP`; the
/// token is the proof), as Tencent's SDKs' `OIDCRoleArnCredential` and, for
/// a pod in TKE, `DefaultTkeOIDCRoleArnProvider`.
///
/// [`from_tke_env`](Self::from_tke_env) reads `TKE_REGION`,
/// `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN` (TKE
/// sets them in a pod whose service account has a role): none of them set
/// is [`CredentialsError::NotFound`], so a chain moves on; some set and
/// others not (or empty) is an error naming the missing ones, which stops
/// a chain. The token file is read again on every refresh (the kubelet
/// rotates the token), off the async executor, a regular file of at most
/// 64 KiB ([`MAX_TOKEN_FILE`]; a FIFO or a device is refused unread),
/// trailing whitespace dropped.
///
/// The refresh rules are [`AssumeRoleProvider`](crate::AssumeRoleProvider)'s:
/// cached, refreshed `refresh_window` before expiry (never in the first
/// half of their life), one refresh shared by concurrent callers, a failed
/// refresh served from a still-valid cache. Errors name the role and the
/// variable or file; the token is never shown, nor an answer's body.
pub struct WebIdentityProvider {
    settings: Settings,
    session_name: String,
    duration: u64,
    endpoint: String,
    timeout: Duration,
    configure: Option<Arc<ConfigureFn>>,
    /// The STS client, built on the first refresh, for its region.
    client: Mutex<Option<(String, sts_api::Client)>>,
    cache: Cache,
}

/// Configures a [`WebIdentityProvider`].
#[must_use]
pub struct WebIdentityProviderBuilder {
    settings: Settings,
    session_name: Option<String>,
    duration: Duration,
    refresh_window: Duration,
    endpoint: String,
    timeout: Duration,
    configure: Option<Arc<ConfigureFn>>,
}

impl WebIdentityProvider {
    /// A TKE pod's role, from the `TKE_*` variables of the process
    /// environment (read on every refresh), with the defaults.
    pub fn from_tke_env() -> Self {
        Self::tke_builder().build_infallible()
    }

    /// Configures a provider of a TKE pod's role, from the process
    /// environment's `TKE_*` variables.
    pub fn tke_builder() -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder::new(Settings::Tke(None))
    }

    /// Like [`tke_builder`](Self::tke_builder), reading variables through
    /// `lookup` (a variable's name in, its value out, `None` when unset):
    /// for tests, which should not change the process environment.
    pub fn tke_builder_from_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder::new(Settings::Tke(Some(Arc::new(lookup))))
    }

    /// Configures a provider for any OpenID Connect identity provider
    /// registered with CAM (`provider_id`), its token in `token_file`
    /// (read on every refresh), assuming `role_arn` through STS in `region`.
    pub fn builder(
        region: impl Into<String>,
        provider_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
    ) -> WebIdentityProviderBuilder {
        WebIdentityProviderBuilder::new(Settings::Fixed(Target {
            region: region.into(),
            provider_id: provider_id.into(),
            token_file: token_file.into(),
            role_arn: role_arn.into(),
        }))
    }

    /// What this refresh uses: the variables read now, or the settings given.
    fn target(&self) -> Result<Target, CredentialsError> {
        let lookup = match &self.settings {
            Settings::Fixed(target) => return Ok(target.clone()),
            Settings::Tke(lookup) => lookup,
        };
        let mut values = Vec::with_capacity(TKE_OIDC_VARIABLES.len());
        for name in TKE_OIDC_VARIABLES {
            let value = match lookup {
                Some(f) => f(name),
                None => match std::env::var(name) {
                    Ok(v) => Some(v),
                    Err(std::env::VarError::NotPresent) => None,
                    Err(std::env::VarError::NotUnicode(_)) => {
                        return Err(CredentialsError::provider(
                            format!("TKE OIDC: {name} is not valid Unicode"),
                            None,
                        ));
                    }
                },
            };
            values.push(value.filter(|v| !v.is_empty()));
        }
        let missing: Vec<&str> = TKE_OIDC_VARIABLES
            .iter()
            .zip(&values)
            .filter(|(_, v)| v.is_none())
            .map(|(name, _)| *name)
            .collect();
        if missing.len() == TKE_OIDC_VARIABLES.len() {
            return Err(CredentialsError::not_found(format!(
                "TKE OIDC: none of {} is set",
                TKE_OIDC_VARIABLES.join(", ")
            )));
        }
        if !missing.is_empty() {
            let set: Vec<&str> = TKE_OIDC_VARIABLES
                .iter()
                .filter(|name| !missing.contains(name))
                .copied()
                .collect();
            return Err(CredentialsError::provider(
                format!(
                    "TKE OIDC: {} not set (or empty), but {} {}: a pod's role needs all four; \
                     not falling through to other credentials",
                    missing.join(", "),
                    set.join(", "),
                    if set.len() == 1 { "is" } else { "are" }
                ),
                None,
            ));
        }
        let mut values = values.into_iter().flatten();
        let mut next = || values.next().unwrap_or_default();
        Ok(Target {
            region: next(),
            provider_id: next(),
            token_file: PathBuf::from(next()),
            role_arn: next(),
        })
    }

    fn source(&self, target: &Target) -> String {
        match self.settings {
            Settings::Tke(_) => format!("TKE OIDC role {}", target.role_arn),
            Settings::Fixed(_) => format!("web identity role {}", target.role_arn),
        }
    }

    /// The STS client for `region`, unsigned; built once per region.
    fn client(&self, source: &str, region: &str) -> Result<sts_api::Client, CredentialsError> {
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((r, client)) = slot.as_ref() {
            if r == region {
                return Ok(client.clone());
            }
        }
        let mut builder = sts_api::Client::builder()
            .region(region)
            .endpoint(&self.endpoint)
            .timeout(self.timeout)
            .unsigned();
        if let Some(f) = &self.configure {
            builder = f(builder);
        }
        let client = builder.build().map_err(|e| {
            CredentialsError::provider(
                format!("{source}: cannot build the STS client"),
                Some(Box::new(e)),
            )
        })?;
        *slot = Some((region.to_owned(), client.clone()));
        Ok(client)
    }

    async fn fetch(&self) -> Result<Credentials, CredentialsError> {
        let target = self.target()?;
        let source = self.source(&target);
        let token = read_token(&source, &self.settings, &target.token_file).await?;
        let client = self.client(&source, &target.region)?;
        let out = client
            .assume_role_with_web_identity()
            .provider_id(&target.provider_id)
            .web_identity_token(token)
            .role_arn(&target.role_arn)
            .role_session_name(&self.session_name)
            .duration_seconds(i64::try_from(self.duration).unwrap_or(i64::MAX))
            .send()
            .await
            .map_err(|e| sts::call_error(&source, e))?;
        sts::credentials(
            &source,
            out.credentials,
            out.expired_time.and_then(|t| i64::try_from(t).ok()),
        )
    }
}

/// The token in `path`, read off the executor; never shown in errors.
async fn read_token(
    source: &str,
    settings: &Settings,
    path: &Path,
) -> Result<String, CredentialsError> {
    let named = match settings {
        Settings::Tke(_) => format!(
            "the token file {} (TKE_WEB_IDENTITY_TOKEN_FILE)",
            path.display()
        ),
        Settings::Fixed(_) => format!("the token file {}", path.display()),
    };
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || read_regular_file(&owned, MAX_TOKEN_FILE))
        .await
        .map_err(|e| {
            CredentialsError::provider(
                format!("{source}: reading {named} did not finish"),
                Some(Box::new(e)),
            )
        })?;
    let bytes = read.map_err(|e| match e {
        FileError::Io(io) => {
            CredentialsError::provider(format!("{source}: cannot read {named}"), Some(Box::new(io)))
        }
        other => CredentialsError::provider(format!("{source}: {named} is refused: {other}"), None),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        CredentialsError::provider(format!("{source}: {named} is not UTF-8 text"), None)
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(CredentialsError::provider(
            format!("{source}: {named} is empty"),
            None,
        ));
    }
    Ok(token.to_owned())
}

impl WebIdentityProviderBuilder {
    fn new(settings: Settings) -> Self {
        WebIdentityProviderBuilder {
            settings,
            session_name: None,
            duration: DEFAULT_DURATION,
            refresh_window: DEFAULT_REFRESH_WINDOW,
            endpoint: DEFAULT_STS_ENDPOINT.to_owned(),
            timeout: sts::DEFAULT_TIMEOUT,
            configure: None,
        }
    }

    /// The session name (`RoleSessionName`). Default:
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
    /// minutes, at most half their life).
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// Another STS endpoint URL (default `https://sts.tencentcloudapi.com`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// How long one exchange may take, retries included (default 20 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Any other setting of the STS client (trust roots, proxy, retries),
    /// applied after those above; the client stays unsigned.
    pub fn configure_client(
        mut self,
        f: impl Fn(sts_api::ClientBuilder) -> sts_api::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure = Some(Arc::new(f));
        self
    }

    /// Checks the duration. The STS client is built on the first refresh,
    /// when the region is known.
    pub fn build(self) -> Result<WebIdentityProvider, BuildError> {
        let duration = sts::check_duration(self.duration)?;
        Ok(self.finish(duration))
    }

    /// With the default duration, which is valid.
    fn build_infallible(self) -> WebIdentityProvider {
        self.finish(DEFAULT_DURATION.as_secs())
    }

    fn finish(self, duration: u64) -> WebIdentityProvider {
        WebIdentityProvider {
            settings: self.settings,
            session_name: self.session_name.unwrap_or_else(sts::default_session_name),
            duration,
            endpoint: self.endpoint,
            timeout: self.timeout,
            configure: self.configure,
            client: Mutex::new(None),
            cache: Cache::new("AssumeRoleWithWebIdentity", self.refresh_window),
        }
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.cache.get(|| self.fetch()))
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Settings::Tke(None) => f.write_str("TKE variables of the process environment"),
            Settings::Tke(Some(_)) => f.write_str("TKE variables from a custom lookup"),
            Settings::Fixed(target) => target.fmt(f),
        }
    }
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("settings", &self.settings)
            .field("session_name", &self.session_name)
            .field("duration_s", &self.duration)
            .field("refresh_window", &self.cache.refresh_window())
            .field("cached_until", &self.cache.cached_until())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for WebIdentityProviderBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProviderBuilder")
            .field("settings", &self.settings)
            .field("session_name", &self.session_name)
            .field("duration", &self.duration)
            .field("refresh_window", &self.refresh_window)
            .finish_non_exhaustive()
    }
}
