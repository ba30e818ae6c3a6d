//! Why credentials could not be had.

use std::fmt;

/// Why no usable credentials could be had. Never contains a secret.
///
/// `Display` says what happened at this level only; the underlying error,
/// if any, is [`source`](std::error::Error::source) and is not repeated, so
/// `anyhow`'s `{:#}` or a loop over `source()` shows each message once.
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

    /// A copy for callers that waited on the attempt that failed with this
    /// error (errors are not `Clone`): the same variant and messages, with
    /// the source chain kept as text. For implementors of
    /// [`ProvideCredentials`](super::ProvideCredentials) that share one
    /// refresh, and its failure, among concurrent callers.
    pub fn replay(&self) -> Self {
        match self {
            CredentialsError::NotFound { detail } => CredentialsError::not_found(detail.clone()),
            CredentialsError::Invalid {
                origin,
                field,
                problem,
            } => CredentialsError::invalid(origin, field, problem),
            CredentialsError::Provider { message, source } => CredentialsError::provider(
                message.clone(),
                source.as_ref().map(|s| {
                    Box::new(ReplayedSource::of(s.as_ref()))
                        as Box<dyn std::error::Error + Send + Sync>
                }),
            ),
        }
    }
}

/// The text of an error, and of its sources, that could not be shared.
#[derive(Debug)]
struct ReplayedSource {
    message: String,
    source: Option<Box<ReplayedSource>>,
}

impl ReplayedSource {
    fn of(e: &(dyn std::error::Error + 'static)) -> Self {
        ReplayedSource {
            message: e.to_string(),
            source: e.source().map(|s| Box::new(ReplayedSource::of(s))),
        }
    }
}

impl fmt::Display for ReplayedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReplayedSource {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as _)
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
