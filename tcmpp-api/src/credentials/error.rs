//! Why credentials could not be had.

use std::fmt;

/// Why no usable credentials could be had. Never contains a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialsError {
    /// This source has no credentials (a variable unset, no profile file).
    /// The default chain moves on to the next source.
    NotFound {
        /// Which source, and what it looked for.
        detail: String,
    },
    /// A value was present but unusable (empty, padded with whitespace).
    Invalid {
        /// Where it came from, e.g. `environment variable TENCENTCLOUD_SECRET_KEY`.
        origin: String,
        /// Which value: `secret_id`, `secret_key` or `token`.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A source failed: an unreadable profile file, a metadata service
    /// that answered with an error.
    Provider {
        /// What failed.
        message: String,
        /// The underlying error, if any.
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl CredentialsError {
    pub(crate) fn invalid(origin: &str, field: &'static str, problem: &'static str) -> Self {
        CredentialsError::Invalid {
            origin: origin.to_owned(),
            field,
            problem,
        }
    }

    /// A source's failure, for implementors of
    /// [`ProvideCredentials`](super::ProvideCredentials).
    pub fn provider(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        CredentialsError::Provider {
            message: message.into(),
            source,
        }
    }

    /// "This source has nothing", for implementors of
    /// [`ProvideCredentials`](super::ProvideCredentials) used in a chain.
    pub fn not_found(detail: impl Into<String>) -> Self {
        CredentialsError::NotFound {
            detail: detail.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsError::NotFound { detail } => write!(f, "no credentials: {detail}"),
            CredentialsError::Invalid {
                origin,
                field,
                problem,
            } => {
                write!(f, "invalid credentials from {origin}: {field} {problem}")
            }
            CredentialsError::Provider { message, .. } => write!(f, "credentials: {message}"),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CredentialsError::Provider {
                source: Some(s), ..
            } => Some(s.as_ref()),
            _ => None,
        }
    }
}
