//! The client and its one execute path: serialize, sign, send, decode.
//!
//! The path is compiled once, not once per action: the generic part of a
//! call is serializing the input and decoding the answer; everything in
//! between (credentials, rate limiting, signing, sending, retries,
//! timeouts, tracing) takes the action's facts as data.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{
    AUTHORIZATION, CONTENT_TYPE, DATE, HOST, HeaderMap, HeaderName, HeaderValue,
};
use tracing::Instrument;

use crate::ErrorMetadata;
use crate::clock::{self, Clock, Learned};
use crate::config::{
    self, ClientBuilder, ConfigError, Language, Overrides, RateLimit, RateLimitScope, RetryConfig,
};
use crate::credentials::{Credentials, DefaultCredentialsChain, SharedCredentialsProvider};
use crate::decode::{decode_json, decode_with_id};
use crate::error::{
    BuildError, ErrorKind, RateLimitError, ResponseError, ResponseErrorKind, SdkError,
    TimeoutError, TimeoutKind, TransportError, TransportErrorKind,
};
use crate::operation::{Operation, OperationInfo, ServiceError, ServiceInfo};
use crate::rate_limit::{self, BudgetKey, RateLimiter};
use crate::signing::{self, Signer};

/// The only content type the client sends (it is part of the signature).
const JSON: &str = "application/json";

/// A client of one service, without its typed methods: each service crate
/// wraps one in its own `Client`, whose methods start each action's
/// request. Cheap to clone: clones share the connection pool, the
/// credentials source, the signing-key cache, the rate-limit budgets and
/// the learned clock offset.
///
/// [`with_overrides`](Client::with_overrides) gives a handle whose calls
/// use other timeouts, retries or rate-limit waits.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// This handle's settings for its calls (see `with_overrides`).
    overrides: Overrides,
}

struct Inner {
    service: ServiceInfo,
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
    /// `None` with a caller's HTTP client, whose connect timeout we do not know.
    connect_timeout: Option<Duration>,
    max_response_bytes: usize,
    retry: RetryConfig,
    rate_limit: RateLimit,
    rate_limit_scope: RateLimitScope,
    max_rate_limit_wait: Option<Duration>,
    /// This client's limiter per action, shared by all clones (and, for
    /// [`RateLimitScope::Process`], with other clients).
    limiters: Mutex<HashMap<&'static str, Arc<RateLimiter>>>,
    /// The service's clock minus ours, learned from its answers.
    clock: Clock,
    /// Whether the HTTP client is the caller's.
    own_http_client: bool,
}

/// The settings of one call: the client's, with the handle's overrides.
#[derive(Clone, Copy, Debug)]
struct Settings {
    timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryConfig,
    max_rate_limit_wait: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("service", &i.service.name)
            .field("endpoint", &i.endpoint.as_str())
            .field("region", &i.region)
            .field("language", &i.language)
            .field("credentials", &i.credentials)
            .field("timeout", &i.timeout)
            .field("attempt_timeout", &i.attempt_timeout)
            .field("retry", &i.retry)
            .field("rate_limit", &i.rate_limit)
            .field("rate_limit_scope", &i.rate_limit_scope)
            .field("max_rate_limit_wait", &i.max_rate_limit_wait)
            .field("clock_offset_s", &i.clock.offset())
            .field("own_http_client", &i.own_http_client)
            .field("overrides", &self.overrides)
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
    fn from_info(service: &ServiceInfo, info: &OperationInfo) -> Self {
        Action {
            name: info.action,
            version: service.version,
            signing_service: service.signing_service,
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
    /// The `Date` header, read only when the service refuses our time.
    date: Option<HeaderValue>,
    /// Our clock when the answer's head arrived, Unix seconds.
    received: u64,
}

/// What the typed decoder made of an answer, as the execute path needs it.
struct Verdict {
    request_id: Option<String>,
    /// `None` on success.
    failure: Option<Failure>,
}

impl Verdict {
    /// What the execute path needs of a decoded answer, typed or not.
    fn of<T, E: ServiceError>(result: &Result<(T, Option<String>), SdkError<E>>) -> Self {
        match result {
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
        }
    }
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
    /// The service refused the request's time (`AuthFailure.SignatureExpire`)
    /// before acting on it: re-signed and re-sent once if the answer's `Date`
    /// gives a usable correction, for every action. Not a retry.
    Resign,
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
        ErrorKind::RateLimit(e) => ErrorKind::RateLimit(e),
        ErrorKind::Response(e) => ErrorKind::Response(e),
        ErrorKind::Service(never) => match never {},
    }
}

impl Client {
    /// Starts configuring a client of `service`. A service crate's own
    /// `Client::builder()` does this with its facts.
    pub fn builder(service: ServiceInfo) -> ClientBuilder {
        ClientBuilder::new(service)
    }

    /// The service this client calls.
    pub fn service(&self) -> &ServiceInfo {
        &self.inner.service
    }

    /// The region requests are sent to.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint requests are sent to.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// A handle to this client whose calls use other settings: a timeout,
    /// retry settings or a cap on the rate-limit wait for one call (or a
    /// few), without building a second client. It shares everything else
    /// with this client: connection pool, credentials, rate-limit budgets,
    /// learned clock offset. Cheap; `f` starts from this handle's overrides,
    /// so calls chain.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use tencentcloud_runtime::{Client, RetryConfig};
    ///
    /// # async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    /// // One slow call: a longer timeout, no retries, and fail at once
    /// // rather than wait more than 2 s for the client-side rate limiter.
    /// let slow = client.with_overrides(|o| {
    ///     o.timeout(Duration::from_secs(300))
    ///         .attempt_timeout(Duration::from_secs(290))
    ///         .retry(RetryConfig::disabled())
    ///         .max_rate_limit_wait(Duration::from_secs(2))
    /// });
    /// let answer = slow
    ///     .call_json("DescribeInstances", &serde_json::json!({"Limit": 1}))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn with_overrides(&self, f: impl FnOnce(Overrides) -> Overrides) -> Client {
        Client {
            inner: self.inner.clone(),
            overrides: f(self.overrides),
        }
    }

    /// This handle's overrides (none for a client from [`ClientBuilder::build`]).
    pub fn overrides(&self) -> Overrides {
        self.overrides
    }

    /// The offset between the service's clock and this machine's, in
    /// seconds, as learned from the service's answers (0 until the service
    /// refuses a request's time). Positive: the service is ahead. See
    /// [`ClientBuilder::max_clock_correction`] for how it is learned and
    /// bounded.
    pub fn clock_offset_secs(&self) -> i64 {
        self.inner.clock.offset()
    }

    /// The client's settings with this handle's overrides, checked.
    fn settings(&self) -> Result<Settings, CoreError> {
        let (i, o) = (&*self.inner, &self.overrides);
        let settings = Settings {
            timeout: o.timeout.unwrap_or(i.timeout),
            attempt_timeout: o.attempt_timeout.unwrap_or(i.attempt_timeout),
            retry: o.retry.unwrap_or(i.retry),
            max_rate_limit_wait: o.max_rate_limit_wait.or(i.max_rate_limit_wait),
        };
        for (value, which) in [
            (settings.timeout, "timeout"),
            (settings.attempt_timeout, "attempt timeout"),
        ] {
            if value.is_zero() {
                return Err(ErrorKind::Build(BuildError::new(format!(
                    "the {which} override must be greater than zero"
                ))));
            }
        }
        Ok(settings)
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
            let verdict = Verdict::of(&result);
            last = Some(result.map(|(output, _)| output));
            verdict
        };
        let (attempts, end) = self.execute(Action::of::<O>(), body, &mut decode).await;
        finish(attempts, end, last)
    }

    /// Calls an action by its wire name with JSON parameters, for tools that
    /// take actions as data (such as a command line's `call`). Retries, rate limits
    /// and timeouts apply as for typed calls; the answer is the `Response`
    /// object as sent, `RequestId` included. Prefer the typed methods.
    ///
    /// An action not in the service's
    /// [`operations`](ServiceInfo::operations), or parameters
    /// that are not a JSON object, are a build error: nothing is sent.
    pub async fn call_json(
        &self,
        action: &str,
        params: &serde_json::Value,
    ) -> Result<serde_json::Value, SdkError<ErrorMetadata>> {
        let build = |m: String| SdkError::from(ErrorKind::Build(BuildError::new(m)));
        let service = &self.inner.service;
        let info = service
            .operation(action)
            .ok_or_else(|| build(format!("unknown action {action:?}")))?;
        if !params.is_object() {
            return Err(build("the parameters must be a JSON object".to_owned()));
        }
        let body = serde_json::to_vec(params).map_err(|e| build(e.to_string()))?;
        let mut last = None;
        let mut decode = |answer: Answer| {
            let result = decode_json(answer.status, answer.content_type, answer.body);
            let verdict = Verdict::of(&result);
            last = Some(result.map(|(response, _)| response));
            verdict
        };
        let (attempts, end) = self
            .execute(
                Action::from_info(service, info),
                Bytes::from(body),
                &mut decode,
            )
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
        let settings = match self.settings() {
            Ok(s) => s,
            Err(e) => return (0, Err(e)),
        };
        let span = tracing::info_span!(
            "tencentcloud.call",
            service = self.inner.service.name,
            action = action.name,
            region = %self.inner.region,
            attempt = tracing::field::Empty,
            clock_skew_s = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let run = self.attempts(action, &body, decode, &span, &attempts, &settings);
        let timeout = settings.timeout;
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
    ///
    /// `attempt` counts every request sent (what `attempts()` reports);
    /// `tries` counts those the retry settings limit: the one re-send after
    /// a refused timestamp is not a retry.
    async fn attempts(
        &self,
        action: Action,
        body: &Bytes,
        decode: &mut (dyn FnMut(Answer) -> Verdict + Send),
        span: &tracing::Span,
        attempts: &AtomicU32,
        settings: &Settings,
    ) -> Result<&'static str, CoreError> {
        let limiter = self.limiter(&action);
        let retry = &settings.retry;
        let mut attempt = 0;
        let mut tries = 0;
        let mut resigned = false;
        loop {
            attempt += 1;
            tries += 1;
            attempts.store(attempt, Ordering::Relaxed);
            span.record("attempt", attempt);
            let offset = self.inner.clock.offset();
            // Also a correction back to 0 (the clock was fixed meanwhile).
            if offset != 0 || resigned {
                span.record("clock_skew_s", offset);
            }
            let sent = self
                .attempt(&action, body, limiter.as_ref(), settings, offset)
                .await;
            let failure = match sent {
                Ok(mut answer) => {
                    let (date, received) = (answer.date.take(), answer.received);
                    let verdict = decode(answer);
                    if let Some(id) = &verdict.request_id {
                        span.record("request_id", id.as_str());
                    }
                    match verdict.failure {
                        None => return Ok("ok"),
                        Some(f) if f.retry == Retry::Resign && !resigned => {
                            let date = date.as_ref().and_then(|d| d.to_str().ok());
                            if self.learn_clock(date, received, offset) {
                                resigned = true;
                                tries -= 1;
                                continue;
                            }
                            Err(f)
                        }
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
                Retry::Never | Retry::Resign => false,
                Retry::Always => true,
                Retry::IfSafe => action.retry_safe || retry.retry_ambiguous,
            };
            if tries >= retry.max_attempts || !may_retry {
                return match failure {
                    Err(f) => Ok(f.outcome),
                    Ok(e) => Err(e),
                };
            }
            let cap = retry
                .initial_backoff
                .saturating_mul(1 << (tries - 1).min(16))
                .min(retry.max_backoff);
            let delay = cap.mul_f64(fastrand::f64());
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %message, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// Learns the service's clock from an answer that refused the request's
    /// time (signed with offset `used`); whether to re-sign and re-send.
    fn learn_clock(&self, date: Option<&str>, received: u64, used: i64) -> bool {
        let max_s = self.inner.clock.max_secs();
        match self.inner.clock.learn_from_rejection(date, received, used) {
            Learned::Corrected { from, to } => {
                tracing::warn!(
                    from_s = from,
                    offset_s = to,
                    "the service refused the request's time: this machine's clock differs from \
                     the service's by {to} s; re-signing with the service's time"
                );
                true
            }
            Learned::Disabled => false,
            Learned::NoDate => {
                tracing::warn!(
                    "the service refused the request's time and its answer has no readable Date \
                     header: not re-signing; check this machine's clock"
                );
                false
            }
            Learned::Agrees { offset } => {
                tracing::warn!(
                    offset_s = offset,
                    "the service refused the request's time, but its Date header agrees with it: \
                     not re-signing"
                );
                false
            }
            Learned::TooLarge { offset } => {
                tracing::warn!(
                    offset_s = offset,
                    max_s,
                    "the service refused the request's time: this machine's clock differs from \
                     the service's by more than the client corrects (max_clock_correction); fix \
                     the clock"
                );
                false
            }
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
        settings: &Settings,
        offset: i64,
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
                let permit = match settings.max_rate_limit_wait {
                    None => l.acquire().await,
                    Some(max) => l.acquire_within(max).await.map_err(|at_least| {
                        ErrorKind::RateLimit(RateLimitError::new(
                            action.name,
                            l.limit(),
                            max,
                            at_least,
                        ))
                    })?,
                };
                let waited = asked.elapsed();
                let waited_ms = waited.as_millis() as u64;
                // A wait a person would notice is progress worth showing.
                if waited >= Duration::from_millis(100) {
                    tracing::info!(waited_ms, per_second = l.limit(), "rate limit");
                } else if waited >= Duration::from_millis(1) {
                    tracing::debug!(waited_ms, "rate limit");
                }
                Some(permit)
            }
            None => None,
        };
        let request = match self.signed_request(action, body, &creds, settings, offset) {
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
        let response = sent.map_err(|e| self.transport_error(e, settings))?;
        let received = clock::local_now();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let date = response.headers().get(DATE).cloned();
        let body = self
            .read_body(response, status, &content_type, settings)
            .await?;
        Ok(Answer {
            status,
            content_type,
            body,
            date,
            received,
        })
    }

    /// The signed request for one attempt. Signing per attempt gives every
    /// retry a fresh timestamp: this machine's clock plus the learned
    /// offset to the service's.
    fn signed_request(
        &self,
        action: &Action,
        body: &Bytes,
        creds: &Credentials,
        settings: &Settings,
        offset: i64,
    ) -> Result<reqwest::Request, CoreError> {
        let inner = &*self.inner;
        let timestamp = clock::local_now().saturating_add_signed(offset);
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
        // Set per request, so it holds for a caller's HTTP client too.
        *request.timeout_mut() = Some(settings.attempt_timeout);
        Ok(request)
    }

    /// Reads the body, refusing more than the configured limit.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        status: u16,
        content_type: &Option<String>,
        settings: &Settings,
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
            return response
                .bytes()
                .await
                .map_err(|e| self.transport_error(e, settings));
        }
        let mut buf = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e, settings))?
        {
            if buf.len() + chunk.len() > limit {
                return Err(too_large(Bytes::from(buf)));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(buf))
    }

    fn transport_error(&self, e: reqwest::Error, settings: &Settings) -> CoreError {
        if e.is_timeout() {
            ErrorKind::Timeout(if e.is_connect() {
                match self.inner.connect_timeout {
                    Some(after) => TimeoutError::new(after, TimeoutKind::Connect),
                    None => TimeoutError::connect_unknown(),
                }
            } else {
                TimeoutError::new(settings.attempt_timeout, TimeoutKind::Attempt)
            })
        } else if e.is_connect() {
            match certificate_problem(&e) {
                Some(detail) => ErrorKind::Transport(TransportError::certificate(detail, e)),
                None => ErrorKind::Transport(TransportError::new(TransportErrorKind::Connect, e)),
            }
        } else {
            ErrorKind::Transport(TransportError::new(TransportErrorKind::Io, e))
        }
    }
}

/// Why the endpoint's certificate was refused, in words, if that is what
/// ended a connection. The TLS library's error is somewhere in the chain;
/// `io::Error` hides the error it wraps from `source()`, so it is opened.
fn certificate_problem(e: &(dyn std::error::Error + 'static)) -> Option<&'static str> {
    let mut next = Some(e);
    while let Some(err) = next {
        #[cfg(feature = "rustls")]
        if let Some(detail) = err.downcast_ref::<rustls::Error>().and_then(rustls_problem) {
            return Some(detail);
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if let Some(detail) = certificate_problem(inner) {
                return Some(detail);
            }
        }
        if let Some(detail) = openssl_problem(&err.to_string()) {
            return Some(detail);
        }
        next = err.source();
    }
    None
}

const UNKNOWN_ISSUER: &str = "it was issued by a certificate authority this client does not trust";
const WRONG_NAME: &str = "it is not valid for the endpoint's host name";
const EXPIRED: &str = "it has expired";
const NOT_YET: &str = "it is not valid yet (or this machine's clock is behind)";
const UNVERIFIED: &str = "it could not be verified";

#[cfg(feature = "rustls")]
fn rustls_problem(e: &rustls::Error) -> Option<&'static str> {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => Some(match c {
            C::UnknownIssuer => UNKNOWN_ISSUER,
            C::NotValidForName | C::NotValidForNameContext { .. } => WRONG_NAME,
            C::Expired | C::ExpiredContext { .. } => EXPIRED,
            C::NotValidYet | C::NotValidYetContext { .. } => NOT_YET,
            C::Revoked => "it has been revoked",
            _ => UNVERIFIED,
        }),
        _ => None,
    }
}

/// OpenSSL's words (the `native-tls` feature), which it gives only as text.
fn openssl_problem(text: &str) -> Option<&'static str> {
    if !text.contains("certificate verify failed") {
        return None;
    }
    Some(
        if text.contains("self-signed") || text.contains("self signed") || text.contains("issuer") {
            UNKNOWN_ISSUER
        } else if text.contains("mismatch") {
            WRONG_NAME
        } else if text.contains("expired") {
            EXPIRED
        } else if text.contains("not yet valid") {
            NOT_YET
        } else {
            UNVERIFIED
        },
    )
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
        ErrorKind::RateLimit(_) => "rate_limit_wait",
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
            "AuthFailure.SignatureExpire" => Retry::Resign,
            "InternalError" | "ServiceUnavailable" => Retry::IfSafe,
            _ => Retry::Never,
        },
        ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Connect => Retry::Always,
        ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Certificate => Retry::Never,
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
        ErrorKind::Response(_)
        | ErrorKind::Build(_)
        | ErrorKind::Credentials(_)
        | ErrorKind::RateLimit(_) => Retry::Never,
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

impl<C: From<Client>> ClientBuilder<C> {
    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, ConfigError> {
        self.build_client().map(C::from)
    }

    fn build_client(self) -> Result<Client, ConfigError> {
        let region = match self.region {
            Some(r) => r,
            None => std::env::var("TENCENTCLOUD_REGION").map_err(|_| ConfigError::MissingRegion)?,
        };
        config::check_region(&region)?;
        let default_endpoint = format!("https://{}", self.service.endpoint);
        let endpoint =
            config::parse_endpoint(self.endpoint.as_ref().map_or(&default_endpoint, |e| &e.0))?;
        if self.timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout { which: "timeout" });
        }
        if self.attempt_timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout {
                which: "attempt timeout",
            });
        }
        if self.connect_timeout.is_some_and(|t| t.is_zero()) {
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
        let mut client_id = self.service.client_id.to_owned();
        if let Some(suffix) = &self.client_suffix {
            config::check_suffix(suffix)?;
            client_id.push(' ');
            client_id.push_str(suffix);
        }
        let host = config::host_header(&endpoint);

        let mut fixed_headers = HeaderMap::new();
        let value = |s: &str| {
            HeaderValue::from_str(s).map_err(|_| {
                ConfigError::invalid_endpoint(
                    endpoint.as_str(),
                    "the host cannot be sent in a header",
                )
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

        let own_http_client = self.http_client.is_some();
        let (http, connect_timeout) = match self.http_client {
            Some(http) => {
                let conflict = [
                    (
                        !self.root_certificates.0.is_empty(),
                        "add_root_certificate_pem",
                    ),
                    (!self.platform_trust_store, "platform_trust_store"),
                    (self.connect_timeout.is_some(), "connect_timeout"),
                    (self.pool_idle_timeout.is_some(), "pool_idle_timeout"),
                    (!self.env_proxy, "no_proxy"),
                ]
                .into_iter()
                .find_map(|(set, option)| set.then_some(option));
                if let Some(option) = conflict {
                    return Err(ConfigError::ConflictsWithHttpClient { option });
                }
                (http, None)
            }
            None => {
                let connect_timeout = self
                    .connect_timeout
                    .unwrap_or(config::DEFAULT_CONNECT_TIMEOUT);
                config::install_tls_provider();
                let mut http = reqwest::Client::builder()
                    .connect_timeout(connect_timeout)
                    .pool_idle_timeout(
                        self.pool_idle_timeout
                            .unwrap_or(config::DEFAULT_POOL_IDLE_TIMEOUT),
                    )
                    .user_agent(client_id.as_str());
                if !self.env_proxy || config::is_loopback(&endpoint) {
                    http = http.no_proxy();
                }
                if let Some(name) = config::localhost_name(&endpoint) {
                    // This machine, never a DNS question (`localhost.` is not
                    // in /etc/hosts); port 0: the URL's.
                    let here = [
                        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                        SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
                    ];
                    http = http.resolve_to_addrs(name, &here);
                }
                let http = trust(http, &self.root_certificates.0, self.platform_trust_store)?;
                (
                    http.build().map_err(ConfigError::Http)?,
                    Some(connect_timeout),
                )
            }
        };
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(DefaultCredentialsChain::new()));
        Ok(Client {
            inner: Arc::new(Inner {
                service: self.service,
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
                connect_timeout,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                rate_limit: self.rate_limit,
                rate_limit_scope: self.rate_limit_scope,
                max_rate_limit_wait: self.max_rate_limit_wait,
                limiters: Mutex::new(HashMap::new()),
                clock: Clock::new(self.max_clock_correction),
                own_http_client,
            }),
            overrides: Overrides::default(),
        })
    }
}

/// Adds the caller's roots to the HTTP client and, when asked, drops the
/// platform's. Each certificate is checked here, so a bad one is named at
/// `build` rather than failing every handshake.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn trust(
    http: reqwest::ClientBuilder,
    bundles: &[Vec<u8>],
    platform: bool,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    let mut certs = Vec::new();
    for (i, pem) in bundles.iter().enumerate() {
        let invalid = |what: String| ConfigError::InvalidRootCertificate {
            reason: format!("PEM bundle {}: {what}", i + 1),
        };
        let found = parse_pem_bundle(pem).map_err(invalid)?;
        if found.is_empty() {
            return Err(invalid("no -----BEGIN CERTIFICATE----- block".to_owned()));
        }
        certs.extend(found);
    }
    Ok(match (platform, certs.is_empty()) {
        (true, true) => http,
        (true, false) => http.tls_certs_merge(certs),
        (false, true) => return Err(ConfigError::NoTrustedRoots),
        (false, false) => http.tls_certs_only(certs),
    })
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn trust(
    http: reqwest::ClientBuilder,
    bundles: &[Vec<u8>],
    platform: bool,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    if bundles.is_empty() && platform {
        Ok(http)
    } else {
        Err(ConfigError::NoTls)
    }
}

/// The certificates of a PEM bundle, each checked as a trust anchor.
#[cfg(feature = "rustls")]
fn parse_pem_bundle(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let mut certs = Vec::new();
    for (n, der) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let der = der.map_err(|e| format!("certificate {}: not PEM ({e})", n + 1))?;
        rustls::RootCertStore::empty()
            .add(der.clone())
            .map_err(|e| format!("certificate {}: {e}", n + 1))?;
        certs.push(
            reqwest::Certificate::from_der(&der)
                .map_err(|e| format!("certificate {}: {e}", n + 1))?,
        );
    }
    Ok(certs)
}

/// The certificates of a PEM bundle (OpenSSL parses each).
#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn parse_pem_bundle(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
        let mut text = e.to_string();
        if let Some(source) = std::error::Error::source(&e) {
            text = format!("{text}: {source}");
        }
        text
    })
}
