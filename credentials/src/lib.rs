//! Role credentials for Tencent Cloud clients, through STS: a layer above
//! `tencentcloud-runtime` and the STS client (`sts-api`), as AWS's
//! `aws-config` sits above its STS client. The runtime never depends on
//! a service crate, so what needs STS lives here.
//!
//! - [`AssumeRoleProvider`]: a role assumed with other credentials (STS
//!   `AssumeRole`), Tencent's SDKs' `STSAssumeRoleCredential`.
//! - [`WebIdentityProvider`]: a role for an OpenID Connect token (STS
//!   `AssumeRoleWithWebIdentity`, sent unsigned), such as a TKE pod's
//!   service-account token from the `TKE_*` variables: the SDKs'
//!   `OIDCRoleArnCredential` and `DefaultTkeOIDCRoleArnProvider`.
//! - [`default_chain`]: environment, profile file, **TKE OIDC role** (when
//!   its variables are set), CVM role.
//!
//! # The order of the default chain, and why
//!
//! Tencent's Python SDK asks the CVM metadata service before the TKE OIDC
//! role. In a TKE pod the metadata service answers with the *node's* role,
//! so in that order a pod is signed as its node whenever the node has a
//! role, and the pod's own, narrower role is never used. Here the pod's role
//! comes first (as AWS's chain puts web identity before the instance
//! role), and a half-configured pod (some `TKE_*` variables set, others
//! missing; a token file that cannot be read; STS refusing the token) is an
//! error that stops the chain, never a fall-through to the node's role.
//! The runtime's own chain (the client's default when this crate is not
//! used) cannot reach STS: it stops with an error naming this crate when
//! the `TKE_*` variables are set.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = tcmpp_api::Client::builder()
//!     .region("ap-singapore")
//!     .credentials(tencentcloud_credentials::default_chain())
//!     .build()?;
//! # let _ = client;
//! # Ok(()) }
//! ```
//!
//! # Refresh rules
//!
//! Both providers follow the runtime's CVM role provider: credentials are
//! cached and refreshed 5 minutes (configurable, and never in the first
//! half of their life) before they expire; concurrent callers share one
//! refresh and its outcome; a failed refresh while cached credentials are
//! still valid serves those and asks again 10 s later; errors name the
//! source (the role, the variable, the file) and never show a secret key,
//! token or answer body. Share one provider (behind an `Arc`, or the one a
//! client holds) to share its cache.

mod assume_role;
mod cache;
mod sts;
mod web_identity;

use std::fmt;
use std::sync::Arc;

use tencentcloud_runtime::ConfigError;
use tencentcloud_runtime::credentials::DefaultCredentialsChain;

pub use assume_role::{AssumeRoleProvider, AssumeRoleProviderBuilder, DEFAULT_ASSUME_ROLE_REGION};
pub use sts::{DEFAULT_DURATION, DEFAULT_REFRESH_WINDOW, DEFAULT_STS_ENDPOINT, MAX_DURATION};
pub use tencentcloud_runtime::credentials::TKE_OIDC_VARIABLES;
pub use web_identity::{MAX_TOKEN_FILE, WebIdentityProvider, WebIdentityProviderBuilder};

/// The default chain with a TKE pod's role: environment variables, the
/// profile file, the TKE OIDC role (when the `TKE_*` variables are set:
/// [`WebIdentityProvider::from_tke_env`]), then the CVM role. Resolved once,
/// on the first call; see the crate docs for why the pod's role comes
/// before the CVM role.
///
/// For other settings (a named profile, another metadata endpoint, the
/// STS endpoint), build the runtime's chain with your providers and plug
/// a [`WebIdentityProvider`] in:
///
/// ```no_run
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use tencentcloud_credentials::WebIdentityProvider;
/// use tencentcloud_runtime::credentials::{
///     CvmRoleProvider, DefaultCredentialsChain, EnvironmentProvider, ProfileFileProvider,
/// };
///
/// let pod = WebIdentityProvider::tke_builder()
///     .endpoint("https://sts.internal.example")
///     .build()?;
/// let chain = DefaultCredentialsChain::from_providers(
///     EnvironmentProvider::new(),
///     ProfileFileProvider::new(),
///     CvmRoleProvider::new(),
/// )
/// .with_web_identity(Arc::new(pod));
/// # let _ = chain;
/// # Ok(()) }
/// ```
pub fn default_chain() -> DefaultCredentialsChain {
    DefaultCredentialsChain::new().with_web_identity(Arc::new(WebIdentityProvider::from_tke_env()))
}

/// Why a provider could not be built. Says which setting and why.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The duration asked for is outside what STS grants (up to 12 hours).
    Duration {
        /// The duration given, whole seconds.
        seconds: u64,
    },
    /// The STS client's configuration (region, endpoint, timeouts).
    Client(ConfigError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Duration { seconds } => write!(
                f,
                "a role duration of {seconds} s is outside what STS grants (1 to {} s; Tencent's minimum is 900 s)",
                MAX_DURATION.as_secs()
            ),
            BuildError::Client(_) => f.write_str("the STS client cannot be built"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Client(e) => Some(e),
            BuildError::Duration { .. } => None,
        }
    }
}

impl From<ConfigError> for BuildError {
    fn from(e: ConfigError) -> Self {
        BuildError::Client(e)
    }
}

/// The crate README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
