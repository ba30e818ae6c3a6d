//! The client and its one execute path: serialize, sign, send, decode.
//!
//! The path is compiled once, not once per action: the generic part of a
//! call is serializing the input and decoding the answer; everything in
//! between (credentials, rate limiting, signing, sending, retries,
//! timeouts, tracing) takes the action's facts as data.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::ErrorMetadata;
use crate::config::{
    self, ClientBuilder, ConfigError, Language, RateLimit, RateLimitScope, RetryConfig,
};
use crate::credentials::{Credentials, DefaultCredentialsChain, SharedCredentialsProvider};
use crate::decode::{decode_json, decode_with_id};
use crate::error::{
    BuildError, ErrorKind, ResponseError, ResponseErrorKind, SdkError, TimeoutError, TimeoutKind,
    TransportError, TransportErrorKind,
};
use crate::operation::{Operation, OperationInfo};
use crate::rate_limit::{self, BudgetKey, RateLimiter};
use crate::signing::{self, Signer};

/// The only content type the client sends (it is part of the signature).
const JSON: &str = "application/json";

/// A TCMPP client. Cheap to clone: clones share the connection pool, the
/// credentials source, the signing-key cache and the rate-limit budgets.
///
/// Each action has a method returning a request builder, e.g.
/// [`describe_mnp_all_stage_versions`](Client::describe_mnp_all_stage_versions).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: Url,
    region: String,
    language: Language,
    credentials: SharedCredentialsProvider,
    signer: Signer,
    host: String,
    /// Headers every request carries, built once.
    fixed_headers: HeaderMap,
    timeout: Duration,
    attempt_timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryConfig,
    rate_limit: RateLimit,
    rate_limit_scope: RateLimitScope,
    /// This client's limiter per action, shared by all clones (and, for
    /// [`RateLimitScope::Process`], with other clients).
    limiters: Mutex<HashMap<&'static str, Arc<RateLimiter>>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("endpoint", &i.endpoint.as_str())
            .field("region", &i.region)
            .field("language", &i.language)
            .field("credentials", &i.credentials)
            .field("timeout", &i.timeout)
            .field("attempt_timeout", &i.attempt_timeout)
            .field("retry", &i.retry)
            .field("rate_limit", &i.rate_limit)
            .field("rate_limit_scope", &i.rate_limit_scope)
            .finish_non_exhaustive()
    }
}

/// The facts of an action the execute path needs, as data.
#[derive(Clone, Copy, Debug)]
struct Action {
    name: &'static str,
    version: &'static str,
    signing_service: &'static str,
    retry_safe: bool,
    rate_limit: u32,
}

impl Action {
    fn from_info(info: &OperationInfo) -> Self {
        Action {
            name: info.action,
            version: info.service.version,
            signing_service: info.service.signing_service,
            retry_safe: info.retry_safe,
            rate_limit: info.rate_limit_per_second,
        }
    }

    fn of<O: Operation>() -> Self {
        Action {
            name: O::ACTION,
            version: O::SERVICE.version,
            signing_service: O::SERVICE.signing_service,
            retry_safe: O::RETRY_SAFE,
            rate_limit: O::RATE_LIMIT_PER_SECOND,
        }
    }
}

/// An answer as read off the wire.
struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Bytes,
}

/// What the typed decoder made of an answer, as the execute path needs it.
struct Verdict {
    request_id: Option<String>,
    /// `None` on success.
    failure: Option<Failure>,
}

/// A failed attempt, described for retrying, tracing and logging.
struct Failure {
    retry: Retry,
    outcome: &'static str,
    message: String,
}

/// When a failure may be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Retry {
    Never,
    /// The request certainly did not take effect (throttled, never sent).
    Always,
    /// The request may have taken effect: only for retry-safe actions.
    IfSafe,
}

/// Errors of the execute path itself, before an answer is decoded: an
/// [`ErrorKind`] that cannot be a service error.
enum NoService {}

impl fmt::Display for NoService {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

type CoreError = ErrorKind<NoService>;

fn widen<E>(kind: CoreError) -> ErrorKind<E> {
    match kind {
        ErrorKind::Build(e) => ErrorKind::Build(e),
        ErrorKind::Credentials(e) => ErrorKind::Credentials(e),
        ErrorKind::Transport(e) => ErrorKind::Transport(e),
        ErrorKind::Timeout(e) => ErrorKind::Timeout(e),
        ErrorKind::Response(e) => ErrorKind::Response(e),
        ErrorKind::Service(never) => match never {},
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The region requests are sent to.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint requests are sent to.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// Calls any action: the generic form of the per-action methods, for
    /// code that is generic over [`Operation`]. Retries, rate limiting and
    /// timeouts apply as configured.
    pub async fn call<O: Operation>(
        &self,
        input: &O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let body = serde_json::to_vec(input)
            .map_err(|e| ErrorKind::Build(BuildError::new(e.to_string())))?;
        self.call_body::<O>(Bytes::from(body)).await
    }

    /// [`call`](Self::call) with the parameters already serialized: for
    /// tests that drive every action from JSON through the typed decoder.
    #[doc(hidden)]
    pub async fn call_body<O: Operation>(
        &self,
        body: Bytes,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let mut last: Option<Result<O::Output, SdkError<O::Error>>> = None;
        let mut decode = |answer: Answer| {
            let result = decode_with_id::<O>(answer.status, answer.content_type, answer.body);
            let verdict = match &result {
                Ok((_, request_id)) => Verdict {
                    request_id: request_id.clone(),
                    failure: None,
                },
                Err(e) => Verdict {
                    request_id: e.request_id().map(str::to_owned),
                    failure: Some(Failure {
                        retry: retry_class(e.kind(), e.code()),
                        outcome: outcome_of(e.kind()),
                        message: e.to_string(),
                    }),
                },
            };
            last = Some(result.map(|(output, _)| output));
            verdict
        };
        let (attempts, end) = self.execute(Action::of::<O>(), body, &mut decode).await;
        finish(attempts, end, last)
    }

    /// Calls an action by its wire name with JSON parameters, for tools that
    /// take actions as data (the `tcmpp call` command). Retries, rate limits
    /// and timeouts apply as for typed calls; the answer is the `Response`
    /// object as sent, `RequestId` included. Prefer the typed methods.
    ///
    /// An action not in [`OPERATIONS`](crate::OPERATIONS), or parameters
    /// that are not a JSON object, are a build error: nothing is sent.
    pub async fn call_json(
        &self,
        action: &str,
        params: &serde_json::Value,
    ) -> Result<serde_json::Value, SdkError<ErrorMetadata>> {
        let build = |m: String| SdkError::from(ErrorKind::Build(BuildError::new(m)));
        let info = crate::OPERATIONS
            .iter()
            .find(|o| o.action == action)
            .ok_or_else(|| build(format!("unknown action {action:?}")))?;
        if !params.is_object() {
            return Err(build("the parameters must be a JSON object".to_owned()));
        }
        let body = serde_json::to_vec(params).map_err(|e| build(e.to_string()))?;
        let mut last = None;
        let mut decode = |answer: Answer| {
            let result = decode_json(answer.status, answer.content_type, answer.body);
            let verdict = match &result {
                Ok((_, request_id)) => Verdict {
                    request_id: request_id.clone(),
                    failure: None,
                },
                Err(e) => Verdict {
                    request_id: e.request_id().map(str::to_owned),
                    failure: Some(Failure {
                        retry: retry_class(e.kind(), e.code()),
                        outcome: outcome_of(e.kind()),
                        message: e.to_string(),
                    }),
                },
            };
            last = Some(result.map(|(response, _)| response));
            verdict
        };
        let (attempts, end) = self
            .execute(Action::from_info(info), Bytes::from(body), &mut decode)
            .await;
        finish(attempts, end, last)
    }

    /// Runs a call under its span and the whole-call timeout. `Ok` means
    /// the last answer went to `decode`, which keeps the typed result.
    async fn execute(
        &self,
        action: Action,
        body: Bytes,
        decode: &mut (dyn FnMut(Answer) -> Verdict + Send),
    ) -> (u32, Result<(), CoreError>) {
        let span = tracing::info_span!(
            "tcmpp.call",
            action = action.name,
            region = %self.inner.region,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let run = self.attempts(action, &body, decode, &span, &attempts);
        let timeout = self.inner.timeout;
        let end = match tokio::time::timeout(timeout, run.instrument(span.clone())).await {
            Ok(end) => end,
            Err(_) => Err(ErrorKind::Timeout(TimeoutError::new(
                timeout,
                TimeoutKind::Call,
            ))),
        };
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let outcome = match &end {
            Ok(outcome) => *outcome,
            Err(e) => outcome_of(e),
        };
        span.record("outcome", outcome);
        (attempts.load(Ordering::Relaxed), end.map(|_| ()))
    }

    /// The retry loop. Returns the last decoded answer's outcome.
    async fn attempts(
        &self,
        action: Action,
        body: &Bytes,
        decode: &mut (dyn FnMut(Answer) -> Verdict + Send),
        span: &tracing::Span,
        attempts: &AtomicU32,
    ) -> Result<&'static str, CoreError> {
        let limiter = self.limiter(&action);
        let retry = &self.inner.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            attempts.store(attempt, Ordering::Relaxed);
            span.record("attempt", attempt);
            let failure = match self.attempt(&action, body, limiter.as_ref()).await {
                Ok(answer) => {
                    let verdict = decode(answer);
                    if let Some(id) = &verdict.request_id {
                        span.record("request_id", id.as_str());
                    }
                    match verdict.failure {
                        None => return Ok("ok"),
                        Some(f) => Err(f),
                    }
                }
                Err(e) => Ok(e),
            };
            let (class, message) = match &failure {
                Err(f) => (f.retry, f.message.clone()),
                Ok(e) => (retry_class(e, None), e.to_string()),
            };
            let may_retry = match class {
                Retry::Never => false,
                Retry::Always => true,
                Retry::IfSafe => action.retry_safe || retry.retry_ambiguous,
            };
            if attempt >= retry.max_attempts || !may_retry {
                return match failure {
                    Err(f) => Ok(f.outcome),
                    Ok(e) => Err(e),
                };
            }
            let cap = retry
                .initial_backoff
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(retry.max_backoff);
            let delay = cap.mul_f64(fastrand::f64());
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %message, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The limiter for an action, created on first use.
    fn limiter(&self, action: &Action) -> Option<Arc<RateLimiter>> {
        let limit = match self.inner.rate_limit {
            RateLimit::Off => return None,
            RateLimit::FromSpec => action.rate_limit,
            RateLimit::PerSecond(n) => n,
        };
        let mut limiters = self
            .inner
            .limiters
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let l = limiters
            .entry(action.name)
            .or_insert_with(|| match self.inner.rate_limit_scope {
                RateLimitScope::Client => Arc::new(RateLimiter::new(limit, rate_limit::WINDOW)),
                RateLimitScope::Process => rate_limit::shared(BudgetKey {
                    endpoint: self.inner.endpoint.to_string(),
                    region: self.inner.region.clone(),
                    action: action.name,
                    limit,
                }),
            });
        Some(l.clone())
    }

    /// One signed attempt, up to the answer's bytes. The rate-limit slot is
    /// taken just before signing and held until the answer's head arrives.
    async fn attempt(
        &self,
        action: &Action,
        body: &Bytes,
        limiter: Option<&Arc<RateLimiter>>,
    ) -> Result<Answer, CoreError> {
        let inner = &*self.inner;
        let creds = inner
            .credentials
            .provide_credentials()
            .await
            .map_err(ErrorKind::Credentials)?;
        let permit = match limiter {
            Some(l) => {
                let asked = tokio::time::Instant::now();
                let permit = l.acquire().await;
                let waited = asked.elapsed();
                if waited >= Duration::from_millis(1) {
                    tracing::debug!(waited_ms = waited.as_millis() as u64, "rate limit");
                }
                Some(permit)
            }
            None => None,
        };
        let request = match self.signed_request(action, body, &creds) {
            Ok(r) => r,
            Err(e) => {
                if let Some(p) = permit {
                    p.unsent();
                }
                return Err(e);
            }
        };
        tracing::debug!(bytes = body.len(), "sending");
        let sent = inner.http.execute(request).await;
        if let Some(p) = permit {
            match &sent {
                Err(e) if e.is_connect() => p.unsent(),
                _ => p.reached(),
            }
        }
        let response = sent.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = self.read_body(response, status, &content_type).await?;
        Ok(Answer {
            status,
            content_type,
            body,
        })
    }

    /// The signed request for one attempt. Signing per attempt gives every
    /// retry a fresh timestamp.
    fn signed_request(
        &self,
        action: &Action,
        body: &Bytes,
        creds: &Credentials,
    ) -> Result<reqwest::Request, CoreError> {
        let inner = &*self.inner;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let authorization = inner.signer.authorization(
            creds.secret_id(),
            creds.secret_key(),
            &signing::Request {
                service: action.signing_service,
                host: &inner.host,
                content_type: JSON,
                payload: body,
                timestamp,
            },
        );
        let mut headers = inner.fixed_headers.clone();
        headers.insert(AUTHORIZATION, sensitive(&authorization, "Authorization")?);
        headers.insert(
            HeaderName::from_static("x-tc-action"),
            HeaderValue::from_static(action.name),
        );
        headers.insert(
            HeaderName::from_static("x-tc-version"),
            HeaderValue::from_static(action.version),
        );
        headers.insert(
            HeaderName::from_static("x-tc-timestamp"),
            HeaderValue::from(timestamp),
        );
        if let Some(token) = creds.token() {
            headers.insert(
                HeaderName::from_static("x-tc-token"),
                sensitive(token, "X-TC-Token")?,
            );
        }
        // Built directly: RequestBuilder would re-insert every header.
        let mut request = reqwest::Request::new(reqwest::Method::POST, inner.endpoint.clone());
        *request.headers_mut() = headers;
        *request.body_mut() = Some(body.clone().into());
        *request.timeout_mut() = Some(inner.attempt_timeout);
        Ok(request)
    }

    /// Reads the body, refusing more than the configured limit.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        status: u16,
        content_type: &Option<String>,
    ) -> Result<Bytes, CoreError> {
        let limit = self.inner.max_response_bytes;
        let too_large = |body: Bytes| {
            ErrorKind::Response(ResponseError::new(
                ResponseErrorKind::TooLarge { limit },
                status,
                content_type.clone(),
                None,
                body,
            ))
        };
        if let Some(len) = response.content_length() {
            if len > limit as u64 {
                return Err(too_large(Bytes::new()));
            }
            return response.bytes().await.map_err(|e| self.transport_error(e));
        }
        let mut buf = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e))?
        {
            if buf.len() + chunk.len() > limit {
                return Err(too_large(Bytes::from(buf)));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    }

    fn transport_error(&self, e: reqwest::Error) -> CoreError {
        if e.is_timeout() {
            let (after, kind) = if e.is_connect() {
                (self.inner.connect_timeout, TimeoutKind::Connect)
            } else {
                (self.inner.attempt_timeout, TimeoutKind::Attempt)
            };
            ErrorKind::Timeout(TimeoutError::new(after, kind))
        } else if e.is_connect() {
            ErrorKind::Transport(TransportError::new(TransportErrorKind::Connect, e))
        } else {
            ErrorKind::Transport(TransportError::new(TransportErrorKind::Io, e))
        }
    }
}

/// The call's result: the decoder's last result, or the execute path's error.
fn finish<T, E>(
    attempts: u32,
    end: Result<(), CoreError>,
    last: Option<Result<T, SdkError<E>>>,
) -> Result<T, SdkError<E>> {
    match (end, last) {
        (Ok(()), Some(result)) => result.map_err(|e| e.with_attempts(attempts)),
        (Err(kind), _) => Err(SdkError::new(widen(kind), attempts)),
        (Ok(()), None) => Err(SdkError::new(
            ErrorKind::Build(BuildError::new("no attempt was made")),
            attempts,
        )),
    }
}

fn outcome_of<E>(e: &ErrorKind<E>) -> &'static str {
    match e {
        ErrorKind::Build(_) => "build_error",
        ErrorKind::Credentials(_) => "credentials_error",
        ErrorKind::Transport(_) => "transport_error",
        ErrorKind::Timeout(_) => "timeout",
        ErrorKind::Response(_) => "response_error",
        ErrorKind::Service(_) => "service_error",
    }
}

/// Whether a failed attempt may be repeated. Throttling and connections
/// never made are safe for every action; anything after which the request
/// may have been acted on only for retry-safe actions (or by opt-in).
fn retry_class<E>(e: &ErrorKind<E>, code: Option<&str>) -> Retry {
    match e {
        ErrorKind::Service(_) => match code.unwrap_or_default() {
            c if c == "RequestLimitExceeded" || c.starts_with("RequestLimitExceeded.") => {
                Retry::Always
            }
            "InternalError" | "ServiceUnavailable" => Retry::IfSafe,
            _ => Retry::Never,
        },
        ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Connect => Retry::Always,
        ErrorKind::Transport(_) => Retry::IfSafe,
        ErrorKind::Timeout(t) => match t.kind() {
            TimeoutKind::Connect => Retry::Always,
            TimeoutKind::Call => Retry::Never,
            _ => Retry::IfSafe,
        },
        ErrorKind::Response(r)
            if *r.kind() == ResponseErrorKind::Unexpected && matches!(r.status(), 502..=504) =>
        {
            Retry::IfSafe
        }
        ErrorKind::Response(_) | ErrorKind::Build(_) | ErrorKind::Credentials(_) => Retry::Never,
    }
}

/// A header value that `Debug` output of the HTTP stack redacts.
fn sensitive(value: &str, name: &str) -> Result<HeaderValue, CoreError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        ErrorKind::Build(BuildError::new(format!(
            "the {name} header has characters a header cannot carry"
        )))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

impl ClientBuilder {
    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, ConfigError> {
        let region = match self.region {
            Some(r) => r,
            None => std::env::var("TENCENTCLOUD_REGION").map_err(|_| ConfigError::MissingRegion)?,
        };
        config::check_region(&region)?;
        let default_endpoint = format!("https://{}", crate::SERVICE.endpoint);
        let endpoint =
            config::parse_endpoint(self.endpoint.as_deref().unwrap_or(&default_endpoint))?;
        if self.timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout { which: "timeout" });
        }
        if self.attempt_timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout {
                which: "attempt timeout",
            });
        }
        if self.connect_timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout {
                which: "connect timeout",
            });
        }
        if self.max_response_bytes == 0 {
            return Err(ConfigError::InvalidResponseLimit);
        }
        if self.rate_limit == RateLimit::PerSecond(0) {
            return Err(ConfigError::InvalidRateLimit);
        }
        let mut client_id = format!("tcmpp-api-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = &self.client_suffix {
            config::check_suffix(suffix)?;
            client_id.push(' ');
            client_id.push_str(suffix);
        }
        let host = config::host_header(&endpoint);

        let mut fixed_headers = HeaderMap::new();
        let value = |s: &str| {
            HeaderValue::from_str(s).map_err(|_| ConfigError::InvalidEndpoint {
                endpoint: endpoint.to_string(),
                reason: "the host cannot be sent in a header".to_owned(),
            })
        };
        fixed_headers.insert(HOST, value(&host)?);
        fixed_headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
        fixed_headers.insert(HeaderName::from_static("x-tc-region"), value(&region)?);
        fixed_headers.insert(
            HeaderName::from_static("x-tc-language"),
            HeaderValue::from_static(self.language.as_str()),
        );
        fixed_headers.insert(
            HeaderName::from_static("x-tc-requestclient"),
            value(&client_id)?,
        );

        install_tls_provider();
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .user_agent(client_id.as_str());
        if !self.env_proxy || config::is_loopback(&endpoint) {
            http = http.no_proxy();
        }
        let http = http.build().map_err(ConfigError::Http)?;
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultCredentialsChain::new()));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                region,
                language: self.language,
                credentials,
                signer: Signer::new(),
                host,
                fixed_headers,
                timeout: self.timeout,
                attempt_timeout: self.attempt_timeout,
                connect_timeout: self.connect_timeout,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                rate_limit: self.rate_limit,
                rate_limit_scope: self.rate_limit_scope,
                limiters: Mutex::new(HashMap::new()),
            }),
        })
    }
}

/// reqwest's `rustls-no-provider` uses the process-wide rustls provider:
/// install ring unless the application already chose one.
fn install_tls_provider() {
    #[cfg(feature = "rustls")]
    {
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
