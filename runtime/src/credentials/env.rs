//! Credentials from `TENCENTCLOUD_*` environment variables.

use std::ffi::OsString;
use std::fmt;
use std::sync::Arc;

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};

/// Variable holding the `SecretId`.
const SECRET_ID: &str = "TENCENTCLOUD_SECRET_ID";
/// Variable holding the `SecretKey`.
const SECRET_KEY: &str = "TENCENTCLOUD_SECRET_KEY";
/// Variable holding the session token of temporary credentials.
const SESSION_TOKEN: &str = "TENCENTCLOUD_SESSION_TOKEN";

type LookupFn = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Where environment variables are read from: the process environment, or
/// a function given by the caller (so tests need not mutate the process
/// environment, which is unsound to do while other threads run).
#[derive(Clone, Default)]
pub(crate) enum Env {
    /// `std::env::var_os`.
    #[default]
    Process,
    /// A caller-supplied lookup.
    Custom(Arc<LookupFn>),
}

impl Env {
    pub(crate) fn from_fn(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Env::Custom(Arc::new(lookup))
    }

    /// The raw value of `name`, if set.
    pub(crate) fn var_os(&self, name: &str) -> Option<OsString> {
        match self {
            Env::Process => std::env::var_os(name),
            Env::Custom(lookup) => lookup(name).map(OsString::from),
        }
    }

    /// The value of `name` as text, if set. A value that is not valid
    /// Unicode is an error naming the variable (never the value).
    pub(crate) fn var(
        &self,
        name: &str,
        field: &'static str,
    ) -> Result<Option<String>, CredentialsError> {
        match self.var_os(name) {
            None => Ok(None),
            Some(value) => value.into_string().map(Some).map_err(|_| {
                CredentialsError::invalid(&origin(name), field, "is not valid Unicode")
            }),
        }
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Env::Process => f.write_str("process environment"),
            Env::Custom(_) => f.write_str("custom lookup"),
        }
    }
}

fn origin(variable: &str) -> String {
    format!("environment variable {variable}")
}

/// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and the optional
/// `TENCENTCLOUD_SESSION_TOKEN`, the variables the official SDKs and CLI use.
///
/// A variable set to the empty string counts as unset, as in the official
/// Python SDK (CI systems often leave empty ones behind). Neither id nor key
/// set is [`CredentialsError::NotFound`], so a chain moves on. Only one of
/// them set, or a value padded with whitespace, is
/// [`CredentialsError::Invalid`] naming the variable: a half-configured
/// environment should fail loudly rather than let a chain fall through to
/// other credentials (the Python SDK moves on there; the Go SDK fails).
/// The session token is an addition to the official SDKs, which ignore it.
///
/// Each call reads the variables again. The
/// [`DefaultCredentialsChain`](super::DefaultCredentialsChain) reads them once.
///
/// ```
/// use tencentcloud_runtime::credentials::{EnvironmentProvider, ProvideCredentials};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let env = EnvironmentProvider::from_lookup(|name| match name {
///     "TENCENTCLOUD_SECRET_ID" => Some("AKIDEXAMPLE".to_owned()),
///     "TENCENTCLOUD_SECRET_KEY" => Some("SECRETEXAMPLE".to_owned()),
///     _ => None,
/// });
/// let creds = env.provide_credentials().await.unwrap();
/// assert_eq!(creds.secret_id(), "AKIDEXAMPLE");
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads variables through `lookup` instead of the process environment
    /// (for tests, or configuration kept elsewhere). `lookup` gets a
    /// variable name and returns its value, `None` when unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        EnvironmentProvider {
            env: Env::from_fn(lookup),
        }
    }

    /// Where the variables are read from.
    pub(crate) fn env(&self) -> &Env {
        &self.env
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let id = self.non_empty(SECRET_ID, "secret_id")?;
        let key = self.non_empty(SECRET_KEY, "secret_key")?;
        let (id, key) = match (id, key) {
            (Some(id), Some(key)) => (id, key),
            (None, None) => return Err(self.not_found()),
            (Some(_), None) => return Err(self.half_set(SECRET_KEY, "secret_key")),
            (None, Some(_)) => return Err(self.half_set(SECRET_ID, "secret_id")),
        };
        let token = self.non_empty(SESSION_TOKEN, "token")?;
        // Check each value against its own variable so the error names it.
        super::check(&origin(SECRET_ID), "secret_id", &id)?;
        super::check(&origin(SECRET_KEY), "secret_key", &key)?;
        if let Some(token) = &token {
            super::check(&origin(SESSION_TOKEN), "token", token)?;
        }
        Credentials::from_parts("environment variables", id, key, token)
    }

    /// The value of `name`, `None` when unset or empty.
    fn non_empty(
        &self,
        name: &str,
        field: &'static str,
    ) -> Result<Option<String>, CredentialsError> {
        Ok(self.env.var(name, field)?.filter(|v| !v.is_empty()))
    }

    fn is_empty(&self, name: &str) -> bool {
        self.env.var_os(name).is_some_and(|v| v.is_empty())
    }

    fn not_found(&self) -> CredentialsError {
        let mut notes = Vec::new();
        for name in [SECRET_ID, SECRET_KEY] {
            if self.is_empty(name) {
                notes.push(format!("{name} is empty, which counts as unset"));
            }
        }
        if self
            .env
            .var_os(SESSION_TOKEN)
            .is_some_and(|v| !v.is_empty())
        {
            notes.push(format!(
                "{SESSION_TOKEN} is set, but means nothing without them"
            ));
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        CredentialsError::not_found(format!(
            "environment: neither {SECRET_ID} nor {SECRET_KEY} is set{notes}"
        ))
    }

    /// One of id and key is set; `missing` (the other) is not, or is empty.
    fn half_set(&self, missing: &'static str, field: &'static str) -> CredentialsError {
        let problem = match (self.is_empty(missing), missing == SECRET_KEY) {
            (true, _) => "is empty",
            (false, true) => "is not set, but TENCENTCLOUD_SECRET_ID is",
            (false, false) => "is not set, but TENCENTCLOUD_SECRET_KEY is",
        };
        CredentialsError::invalid(&origin(missing), field, problem)
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let result = self.load();
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_token_alone_is_mentioned() {
        let env = EnvironmentProvider::from_lookup(|name| {
            (name == SESSION_TOKEN).then(|| "tok".to_owned())
        });
        let err = env.load().unwrap_err();
        assert!(matches!(err, CredentialsError::NotFound { .. }));
        assert!(
            err.to_string()
                .contains("TENCENTCLOUD_SESSION_TOKEN is set")
        );
    }

    #[test]
    fn padded_token_names_its_variable() {
        let env = EnvironmentProvider::from_lookup(|name| match name {
            SECRET_ID => Some("AKID".to_owned()),
            SECRET_KEY => Some("KEY".to_owned()),
            SESSION_TOKEN => Some(" tok".to_owned()),
            _ => None,
        });
        let err = env.load().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid credentials from environment variable TENCENTCLOUD_SESSION_TOKEN: token has leading or trailing whitespace"
        );
    }
}
