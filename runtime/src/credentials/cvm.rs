//! Temporary credentials of a CVM instance role, from the metadata service.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::sync::Mutex;

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use crate::config::hide_userinfo;

/// Where a CVM instance lists its role and serves the role's credentials.
pub const DEFAULT_METADATA_ENDPOINT: &str =
    "http://metadata.tencentyun.com/latest/meta-data/cam/security-credentials/";

/// The largest metadata answer read: real ones are about 1 KiB, and a
/// misbehaving service must not fill memory.
const MAX_ANSWER_SIZE: usize = 64 * 1024;

/// How much text from the metadata service an error message may quote.
const MAX_QUOTED: usize = 64;

/// The longest CAM role name.
const MAX_ROLE_NAME: usize = 128;

/// How long after a failed refresh cached (still valid) credentials are
/// served without asking the metadata service again, so that an outage
/// does not add a timeout to every request.
const RETRY_DELAY: Duration = Duration::from_secs(10);

/// Fetches the temporary credentials of the CAM role attached to the CVM
/// instance this runs on, from the instance metadata service.
///
/// The role is the one set with [`role`](Self::role), else the one the
/// metadata service lists. Credentials are cached and refreshed once they
/// are within [`refresh_window`](Self::refresh_window) of their expiry, so
/// callers never get credentials about to expire; concurrent callers share
/// one refresh. If a refresh fails while the cached credentials are still
/// valid, those are returned (and a warning logged), and the metadata
/// service is asked again after a short delay.
///
/// Only "no role here" is [`CredentialsError::NotFound`], so a chain moves
/// on: a metadata service that cannot be connected to (not on CVM), or one
/// that answers 404 for the role list (an instance without a role). Once
/// the service was reached, anything else is
/// [`CredentialsError::Provider`] and stops a chain: a timeout, a dropped
/// connection, an error status, an answer over 64 KiB (read incrementally,
/// so memory stays bounded), or one that is not valid credentials. Text
/// from the service appears in errors only as a short escaped excerpt.
///
/// Share one provider (it is usually behind an `Arc`) to share its cache.
pub struct CvmRoleProvider {
    endpoint: String,
    role: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    refresh_window: Duration,
    client: Option<reqwest::Client>,
    /// Bumped after every refresh attempt, so that callers that waited for
    /// the lock can tell that someone else just refreshed.
    generation: AtomicU64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    client: Option<reqwest::Client>,
    cached: Option<Credentials>,
    /// After a failed refresh with valid cached credentials: when to try again.
    retry_at: Option<Instant>,
    /// The last refresh's error, when no valid credentials were cached, for
    /// callers that were waiting on that refresh.
    last_error: Option<CredentialsError>,
}

impl Default for CvmRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CvmRoleProvider {
    /// Asks [`DEFAULT_METADATA_ENDPOINT`] with a 1 s connect timeout and a
    /// 5 s request timeout, refreshing 5 minutes before expiry.
    pub fn new() -> Self {
        CvmRoleProvider {
            endpoint: DEFAULT_METADATA_ENDPOINT.to_owned(),
            role: None,
            connect_timeout: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
            refresh_window: Duration::from_secs(5 * 60),
            client: None,
            generation: AtomicU64::new(0),
            state: Mutex::new(State::default()),
        }
    }

    /// Uses another metadata service URL (the path that lists the role;
    /// credentials are at this URL plus the role name). For tests and
    /// proxies.
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        let mut url = url.into();
        if !url.ends_with('/') {
            url.push('/');
        }
        self.endpoint = url;
        self
    }

    /// Uses this role instead of the one the metadata service lists (saves
    /// one request per refresh).
    #[must_use]
    pub fn role(mut self, name: impl Into<String>) -> Self {
        self.role = Some(name.into());
        self
    }

    /// How long to wait for a connection (default 1 s). Off CVM the
    /// metadata host usually does not resolve or answer; keep this short so
    /// a credentials chain falls through quickly.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one metadata request may take in all (default 5 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry credentials are refreshed (default 5
    /// minutes). Should exceed the longest a request (with retries) takes.
    #[must_use]
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// Uses this HTTP client instead of building one; the timeouts set
    /// here are then not applied. The built-in client does not use proxies
    /// (the metadata service is link-local) and speaks plain HTTP only, as
    /// the metadata service does; pass a client for an HTTPS endpoint.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    fn is_fresh(&self, creds: &Credentials, now: SystemTime) -> bool {
        match (creds.expires_at(), now.checked_add(self.refresh_window)) {
            (Some(expiry), Some(threshold)) => threshold < expiry,
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    async fn provide(&self) -> Result<Credentials, CredentialsError> {
        let seen = self.generation.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = SystemTime::now();
        if let Some(creds) = state.cached.as_ref().filter(|c| self.is_fresh(c, now)) {
            return Ok(creds.clone());
        }
        let usable = state
            .cached
            .as_ref()
            .filter(|c| !is_expired(c, now))
            .cloned();
        if self.generation.load(Ordering::Acquire) != seen {
            // Someone refreshed while we waited for the lock: share the outcome.
            if let Some(creds) = usable {
                return Ok(creds);
            }
            if let Some(e) = &state.last_error {
                return Err(e.replay());
            }
        }
        if let (Some(creds), Some(retry_at)) = (&usable, state.retry_at) {
            if Instant::now() < retry_at {
                return Ok(creds.clone());
            }
        }

        let client = match (&self.client, &state.client) {
            (Some(client), _) | (None, Some(client)) => client.clone(),
            (None, None) => {
                let client = self.build_client()?;
                state.client = Some(client.clone());
                client
            }
        };
        let result = self.fetch(&client).await;
        self.generation.fetch_add(1, Ordering::AcqRel);
        match result {
            Ok(creds) => {
                state.cached = Some(creds.clone());
                state.retry_at = None;
                state.last_error = None;
                Ok(creds)
            }
            Err(e) => match state
                .cached
                .clone()
                .filter(|c| !is_expired(c, SystemTime::now()))
            {
                Some(creds) => {
                    tracing::warn!(
                        error = %e,
                        "refreshing CVM role credentials failed; using the cached ones until they expire"
                    );
                    state.retry_at = Some(Instant::now() + RETRY_DELAY);
                    state.last_error = None;
                    Ok(creds)
                }
                None => {
                    state.last_error = Some(e.replay());
                    Err(e)
                }
            },
        }
    }

    fn build_client(&self) -> Result<reqwest::Client, CredentialsError> {
        // Connecting must end before the overall timeout, so that a timeout
        // while connecting is classed as "no service here".
        let builder = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(self.connect_timeout.min(self.timeout))
            .timeout(self.timeout);
        // With the `rustls` feature reqwest needs a crypto provider even for
        // plain HTTP; bring one rather than rely on a process-wide default.
        #[cfg(feature = "rustls")]
        let builder = builder.tls_backend_preconfigured(plain_http_tls_config()?);
        builder.build().map_err(|e| {
            CredentialsError::provider("CVM role: cannot build an HTTP client", Some(Box::new(e)))
        })
    }

    async fn fetch(&self, client: &reqwest::Client) -> Result<Credentials, CredentialsError> {
        let base = &self.endpoint;
        let role = match &self.role {
            Some(role) => role.clone(),
            None => self.discover_role(client).await?,
        };
        if !is_role_name(&role) {
            return Err(CredentialsError::provider(
                format!("CVM role: {} is not a CAM role name", quote(&role)),
                None,
            ));
        }
        let url = format!("{}{role}", hide_userinfo(base));
        let body = match get(client, base, &role).await? {
            Answer::Body(body) => body,
            Answer::Status(status) => {
                return Err(CredentialsError::provider(
                    format!("CVM role {role}: metadata service answered HTTP {status} at {url}"),
                    None,
                ));
            }
        };
        parse_credentials(&role, &url, &body)
    }

    /// The first non-empty line the metadata service lists at the base path.
    async fn discover_role(&self, client: &reqwest::Client) -> Result<String, CredentialsError> {
        let base = hide_userinfo(&self.endpoint);
        let body = match get(client, &self.endpoint, "").await? {
            Answer::Body(body) => body,
            Answer::Status(reqwest::StatusCode::NOT_FOUND) => {
                return Err(CredentialsError::not_found(format!(
                    "CVM role: no role attached to this instance (HTTP 404 at {base})"
                )));
            }
            Answer::Status(status) => {
                return Err(CredentialsError::provider(
                    format!("CVM role: metadata service answered HTTP {status} at {base}"),
                    None,
                ));
            }
        };
        String::from_utf8_lossy(&body)
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                CredentialsError::provider(
                    format!("CVM role: metadata service answered an empty role list at {base}"),
                    None,
                )
            })
    }
}

/// What one GET got: a successful answer's body, or another status.
enum Answer {
    Body(Vec<u8>),
    Status(reqwest::StatusCode),
}

/// One GET of `base` + `path`, its body read up to [`MAX_ANSWER_SIZE`].
/// Only a failure to connect means "not on CVM"; once connected, every
/// failure is an error. Errors never show the URL's user name or password.
async fn get(client: &reqwest::Client, base: &str, path: &str) -> Result<Answer, CredentialsError> {
    let target = format!("{base}{path}");
    let base = hide_userinfo(base);
    let url = format!("{base}{path}");
    let classify = |mut e: reqwest::Error| {
        // reqwest's own message quotes the URL it was given.
        if let Some(u) = e.url_mut() {
            let _ = u.set_username("");
            let _ = u.set_password(None);
        }
        if e.is_connect() {
            // `NotFound` has no source: say the root cause here.
            CredentialsError::not_found(format!(
                "CVM role: metadata service unreachable at {base} ({})",
                root_cause(&e)
            ))
        } else if e.is_timeout() {
            CredentialsError::provider(
                format!("CVM role: the metadata service at {url} timed out"),
                Some(Box::new(e)),
            )
        } else {
            CredentialsError::provider(
                format!("CVM role: request to {url} failed"),
                Some(Box::new(e)),
            )
        }
    };
    let too_large = || {
        CredentialsError::provider(
            format!(
                "CVM role: answer from {url} is larger than {} KiB",
                MAX_ANSWER_SIZE / 1024
            ),
            None,
        )
    };
    let mut response = client.get(target).send().await.map_err(classify)?;
    let status = response.status();
    if !status.is_success() {
        return Ok(Answer::Status(status));
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_SIZE as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if body.len() + chunk.len() > MAX_ANSWER_SIZE {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer::Body(body))
}

/// The innermost error's message ("Connection refused", a DNS failure).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// Reads the metadata service's answer. Error messages name fields, never
/// their values.
fn parse_credentials(role: &str, url: &str, body: &[u8]) -> Result<Credentials, CredentialsError> {
    let fail = |what: &str| {
        CredentialsError::provider(format!("CVM role {role}: answer from {url} {what}"), None)
    };
    // Syntax errors report a position, not the text.
    let json: Value = serde_json::from_slice(body).map_err(|e| {
        CredentialsError::provider(
            format!("CVM role {role}: answer from {url} is not JSON"),
            Some(Box::new(e)),
        )
    })?;
    let Some(object) = json.as_object() else {
        return Err(fail("is not a JSON object"));
    };
    match object.get("Code").and_then(Value::as_str) {
        Some("Success") => {}
        Some(code) => {
            return Err(fail(&format!("has Code {}, not \"Success\"", quote(code))));
        }
        None => return Err(fail("has no Code")),
    }
    let text = |field: &str| {
        object
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| fail(&format!("has no text {field}")))
    };
    let id = text("TmpSecretId")?;
    let key = text("TmpSecretKey")?;
    let token = text("Token")?;
    let expired = match object.get("ExpiredTime") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        _ => None,
    }
    .ok_or_else(|| fail("has no ExpiredTime in Unix seconds"))?;
    let expires_at = UNIX_EPOCH
        .checked_add(Duration::from_secs(expired))
        .ok_or_else(|| fail("has an ExpiredTime out of range"))?;
    if expires_at <= SystemTime::now() {
        return Err(fail(&format!(
            "has credentials that expired already (ExpiredTime {expired}); is the system clock right?"
        )));
    }
    Ok(
        Credentials::from_parts(&format!("CVM role {role}"), id, key, Some(token))?
            .with_expiry(expires_at),
    )
}

fn is_expired(creds: &Credentials, now: SystemTime) -> bool {
    creds.expires_at().is_some_and(|expiry| expiry <= now)
}

/// CAM role names: up to 128 letters, digits and `+=,.@_-`; anything else
/// would change the URL's meaning.
fn is_role_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_ROLE_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
}

/// Text from the metadata service as a short quoted excerpt: printable
/// ASCII kept, everything else (control characters, terminal escapes,
/// bidirectional overrides) escaped, at most [`MAX_QUOTED`] characters.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == MAX_QUOTED {
            out.push_str(&format!("\"... ({} bytes in all)", text.len()));
            return out;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ => out.extend(c.escape_unicode()),
        }
    }
    out.push('"');
    out
}

/// TLS settings for a client that only speaks plain HTTP: the ring crypto
/// provider and no trusted roots.
#[cfg(feature = "rustls")]
fn plain_http_tls_config() -> Result<rustls::ClientConfig, CredentialsError> {
    // ring: see ARCHITECTURE.md, "The TLS provider".
    #[allow(deprecated)]
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            CredentialsError::provider("CVM role: cannot configure TLS", Some(Box::new(e)))
        })?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    Ok(config)
}

impl fmt::Debug for CvmRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only the expiry of the cache: no need to show even redacted secrets.
        let cached_until = self
            .state
            .try_lock()
            .ok()
            .and_then(|state| state.cached.as_ref().and_then(Credentials::expires_at));
        f.debug_struct("CvmRoleProvider")
            .field("endpoint", &hide_userinfo(&self.endpoint))
            .field("role", &self.role)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("refresh_window", &self.refresh_window)
            .field("custom_http_client", &self.client.is_some())
            .field("cached_until", &cached_until)
            .finish()
    }
}

impl ProvideCredentials for CvmRoleProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(self.provide())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(expired: u64) -> String {
        format!(
            r#"{{"TmpSecretId":"AKIDTMP","TmpSecretKey":"tmp-secret-value","Token":"tok-value","ExpiredTime":{expired},"Expiration":"x","Code":"Success"}}"#
        )
    }

    fn far_future() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3600
    }

    #[test]
    fn parses_an_answer() {
        let creds = parse_credentials("r", "u", answer(far_future()).as_bytes()).unwrap();
        assert_eq!(creds.secret_id(), "AKIDTMP");
        assert_eq!(creds.secret_key(), "tmp-secret-value");
        assert_eq!(creds.token(), Some("tok-value"));
        assert!(creds.expires_at().is_some());
    }

    #[test]
    fn rejects_bad_answers_without_echoing_secrets() {
        let cases = [
            "not json tmp-secret-value".to_owned(),
            "[]".to_owned(),
            answer(far_future()).replace("Success", "InternalError"),
            answer(far_future()).replace(
                "\"TmpSecretKey\":\"tmp-secret-value\"",
                "\"TmpSecretKey\":12345",
            ),
            answer(far_future()).replace(",\"Code\":\"Success\"", ""),
            answer(1),
            answer(far_future()).replace("tmp-secret-value", "tmp-secret-value\n"),
        ];
        for body in cases {
            let err = parse_credentials("r", "u", body.as_bytes()).unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(!shown.contains("tmp-secret-value"), "{shown}");
            assert!(!shown.contains("12345"), "{shown}");
            assert!(!shown.contains("tok-value"), "{shown}");
        }
    }

    #[test]
    fn role_names() {
        assert!(is_role_name("CVM_QcsRole"));
        assert!(is_role_name("a+=,.@_-b"));
        assert!(!is_role_name(""));
        assert!(!is_role_name("../x"));
        assert!(!is_role_name("a b"));
    }

    #[test]
    fn quoted_text_is_short_and_escaped() {
        assert_eq!(quote("InternalError"), "\"InternalError\"");
        assert_eq!(quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(
            quote("x\u{1b}[31m\n\u{202e}é"),
            "\"x\\u{1b}[31m\\u{a}\\u{202e}\\u{e9}\""
        );
        let long = quote(&"A".repeat(100_000));
        assert!(long.len() < 100, "{long}");
        assert!(long.ends_with("... (100000 bytes in all)"), "{long}");
        assert!(!is_role_name(&"a".repeat(129)));
    }

    #[test]
    fn endpoint_gets_a_trailing_slash() {
        let p = CvmRoleProvider::new().endpoint("http://127.0.0.1:1/x");
        assert_eq!(p.endpoint, "http://127.0.0.1:1/x/");
    }
}
