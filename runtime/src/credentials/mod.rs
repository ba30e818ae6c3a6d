//! Credentials and where they come from.
//!
//! [`Credentials`] never shows its secret key or token in `Debug`; every
//! source implements [`ProvideCredentials`], a dyn-compatible async trait
//! that users may implement for their own sources (STS, vaults).
//!
//! # When credentials are read and refreshed
//!
//! - [`DefaultCredentialsChain`] (the client's default) resolves once which
//!   source applies (environment, then profile file, then a TKE pod's OIDC
//!   role when a provider for it is plugged in, then CVM role) and sticks
//!   to it. Without that provider, the TKE variables set stop the chain
//!   rather than let a pod sign as its node (see the chain's docs). Environment and profile credentials are read once and
//!   kept; CVM role credentials are cached by [`CvmRoleProvider`] and
//!   refreshed 5 minutes (configurable) before they expire, one refresh
//!   shared by concurrent callers. Concurrent first calls share one
//!   resolution; a failed one is retried on the next call.
//! - Only "this source has nothing here" ([`CredentialsError::NotFound`])
//!   lets the chain move on. A half-set environment, a malformed or
//!   unusable profile file, or a metadata service that times out or answers
//!   badly stops it, so a call is never signed with credentials the user
//!   did not mean.
//! - Used on their own, [`EnvironmentProvider`] and [`ProfileFileProvider`]
//!   read again on every call (the file on tokio's blocking pool).
//! - Reads are bounded: a profile file over 64 KiB, or anything but a
//!   regular file (a FIFO, a device), is refused before it is read; a
//!   metadata answer over 64 KiB is an error once that much has arrived.

mod chain;
mod cvm;
mod env;
mod error;
mod ini;
mod profile;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

pub use chain::{DefaultCredentialsChain, TKE_OIDC_VARIABLES};
pub use cvm::{CvmRoleProvider, DEFAULT_METADATA_ENDPOINT};
pub use env::EnvironmentProvider;
pub use error::CredentialsError;
pub use profile::ProfileFileProvider;

/// A boxed, `Send` future, as returned by [`ProvideCredentials`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A source of credentials. Called before every request attempt, so
/// implementations cache and refresh as needed.
///
/// ```
/// use tencentcloud_runtime::credentials::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
///         Box::pin(async { Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE") })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Current credentials, or why there are none.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

/// A shareable credentials source.
pub type SharedCredentialsProvider = Arc<dyn ProvideCredentials>;

/// A Tencent Cloud API key (`SecretId`, `SecretKey`) with an optional
/// session token and expiry. Cloning is cheap (shared strings): a provider
/// hands out a clone on every request.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    secret_id: Arc<str>,
    secret_key: Arc<str>,
    token: Option<Arc<str>>,
    expires_at: Option<SystemTime>,
}

impl Credentials {
    /// Long-term credentials. Empty values and values with surrounding
    /// whitespace are rejected (a pasted newline is a classic mistake).
    pub fn new(
        secret_id: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Result<Self, CredentialsError> {
        Self::from_parts(
            "static credentials",
            secret_id.into(),
            secret_key.into(),
            None,
        )
    }

    /// Adds a session token, as issued with temporary credentials.
    pub fn with_token(mut self, token: impl Into<String>) -> Result<Self, CredentialsError> {
        let token = token.into();
        check("static credentials", "token", &token)?;
        self.token = Some(token.into());
        Ok(self)
    }

    /// Marks when temporary credentials stop working.
    #[must_use]
    pub fn with_expiry(mut self, expires_at: SystemTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Builds credentials from a named origin (used in error messages).
    pub(crate) fn from_parts(
        origin: &str,
        secret_id: String,
        secret_key: String,
        token: Option<String>,
    ) -> Result<Self, CredentialsError> {
        check(origin, "secret_id", &secret_id)?;
        check(origin, "secret_key", &secret_key)?;
        if let Some(t) = &token {
            check(origin, "token", t)?;
        }
        Ok(Credentials {
            secret_id: secret_id.into(),
            secret_key: secret_key.into(),
            token: token.map(Into::into),
            expires_at: None,
        })
    }

    /// The `SecretId`: an identifier, shown in `Authorization` headers.
    pub fn secret_id(&self) -> &str {
        &self.secret_id
    }

    /// The `SecretKey`. Never logged by this crate.
    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    /// The session token of temporary credentials.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// When temporary credentials expire.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("secret_key", &"** redacted **")
            .field("token", &self.token.as_ref().map(|_| "** redacted **"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let creds = self.clone();
        Box::pin(async move { Ok(creds) })
    }
}

/// Rejects empty values and surrounding whitespace, naming the field but
/// never the value.
pub(crate) fn check(
    origin: &str,
    field: &'static str,
    value: &str,
) -> Result<(), CredentialsError> {
    let problem = if value.is_empty() {
        "is empty"
    } else if value.trim() != value {
        "has leading or trailing whitespace"
    } else {
        return Ok(());
    };
    Err(CredentialsError::invalid(origin, field, problem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let c = Credentials::new("AKIDX", "topsecretkey")
            .unwrap()
            .with_token("tok3n-value")
            .unwrap();
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIDX"));
        assert!(!shown.contains("topsecretkey"));
        assert!(!shown.contains("tok3n-value"));
    }

    #[test]
    fn empty_and_padded_values_are_rejected_without_echoing_them() {
        let err = Credentials::new("AKIDX", "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid credentials from static credentials: secret_key is empty"
        );
        let err = Credentials::new("AKIDX", "key-with-newline\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("secret_key has leading or trailing whitespace")
        );
        assert!(!err.to_string().contains("key-with-newline"));
        assert!(Credentials::new(" AKIDX", "k").is_err());
        assert!(
            Credentials::new("AKIDX", "k")
                .unwrap()
                .with_token("")
                .is_err()
        );
    }
}
