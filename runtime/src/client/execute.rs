//! One call's path, the same for every action: the call's settings, the
//! retry loop, one signed attempt (rate-limit slot, signature, send), the
//! bounded read of the answer, and learning the service's clock from a
//! refusal. Not generic: the action's facts come as data ([`Action`]) and
//! the answer goes to the caller's decoder, which returns a [`Verdict`].

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, DATE, HeaderName, HeaderValue};
use tracing::Instrument;

use super::retry::{Retry, Verdict, backoff_cap, outcome_of, retry_class};
use super::{Client, JSON};
use crate::clock::{self, Learned};
use crate::config::{RateLimit, RateLimitScope, RetryConfig};
use crate::credentials::Credentials;
use crate::error::{
    BuildError, ErrorKind, RateLimitError, ResponseError, ResponseErrorKind, SdkError,
    TimeoutError, TimeoutKind, TransportError, TransportErrorKind,
};
use crate::operation::{Operation, OperationInfo, ServiceInfo};
use crate::rate_limit::{
    self, AccountId, BudgetKey, LocalKey, RateBudget, RateLimiter, Slot, SlotEnd,
};
use crate::signing;
use crate::tls::certificate_problem;

/// The settings of one call: the client's, with the handle's overrides.
#[derive(Clone, Copy, Debug)]
struct CallSettings {
    timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryConfig,
    max_rate_limit_wait: Option<Duration>,
}

/// Where an attempt's rate-limit slot comes from.
enum Budget<'a> {
    Local(Arc<RateLimiter>),
    /// The client's own budget, and the action's limit.
    Shared(&'a dyn RateBudget, u32),
}

/// The facts of an action the execute path needs, as data.
#[derive(Clone, Copy, Debug)]
pub(super) struct Action {
    name: &'static str,
    version: &'static str,
    signing_service: &'static str,
    retry_safe: bool,
    rate_limit: u32,
}

impl Action {
    pub(super) fn from_info(service: &ServiceInfo, info: &OperationInfo) -> Self {
        Action {
            name: info.action,
            version: service.version,
            signing_service: service.signing_service,
            retry_safe: info.retry_safe,
            rate_limit: info.rate_limit_per_second,
        }
    }

    pub(super) fn of<O: Operation>() -> Self {
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
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) body: Bytes,
    /// The `Date` header, read only when the service refuses our time.
    date: Option<HeaderValue>,
    /// Our clock when the answer's head arrived, Unix seconds.
    received: u64,
}

/// Errors of the execute path itself, before an answer is decoded: an
/// [`ErrorKind`] that cannot be a service error.
pub(super) enum NoService {}

impl fmt::Display for NoService {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

pub(super) type CoreError = ErrorKind<NoService>;

fn widen<E>(kind: CoreError) -> ErrorKind<E> {
    match kind {
        ErrorKind::Build(e) => ErrorKind::Build(e),
        ErrorKind::Credentials(e) => ErrorKind::Credentials(e),
        ErrorKind::Transport(e) => ErrorKind::Transport(e),
        ErrorKind::Timeout(e) => ErrorKind::Timeout(e),
        ErrorKind::RateLimit(e) => ErrorKind::RateLimit(e),
        ErrorKind::Response(e) => ErrorKind::Response(e),
        ErrorKind::Pagination(e) => ErrorKind::Pagination(e),
        ErrorKind::Service(never) => match never {},
    }
}

/// The call's result: the decoder's last result, or the execute path's error.
pub(super) fn finish<T, E>(
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

impl Client {
    /// The client's settings with this handle's overrides, checked.
    fn settings(&self) -> Result<CallSettings, CoreError> {
        let (i, o) = (&*self.inner, &self.overrides);
        let settings = CallSettings {
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

    /// Runs a call under its span and the whole-call timeout. `Ok` means
    /// the last answer went to `decode`, which keeps the typed result.
    pub(super) async fn execute(
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
        settings: &CallSettings,
    ) -> Result<&'static str, CoreError> {
        let budget = self.budget(&action);
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
                .attempt(&action, body, budget.as_ref(), settings, offset)
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
            if tries >= retry.max_attempts || !class.allows(action.retry_safe, retry) {
                return match failure {
                    Err(f) => Ok(f.outcome),
                    Ok(e) => Err(e),
                };
            }
            let delay = backoff_cap(retry, tries).mul_f64(fastrand::f64());
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

    /// Where an action's slots come from: the client's own budget, or the
    /// built-in limiter (created on first use).
    fn budget(&self, action: &Action) -> Option<Budget<'_>> {
        let limit = match self.inner.rate_limit {
            RateLimit::Off => return None,
            RateLimit::FromSpec => action.rate_limit,
            RateLimit::PerSecond(n) => n,
        };
        if let Some(budget) = &self.inner.budget {
            return Some(Budget::Shared(budget.as_ref(), limit));
        }
        let mut limiters = self
            .inner
            .limiters
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let l = limiters
            .entry(action.name)
            .or_insert_with(|| match self.inner.rate_limit_scope {
                RateLimitScope::Client => Arc::new(RateLimiter::new(limit, rate_limit::WINDOW)),
                RateLimitScope::Process => rate_limit::shared(LocalKey {
                    endpoint: self.inner.endpoint.to_string(),
                    region: self.inner.region.clone(),
                    action: action.name,
                    limit,
                }),
            });
        Some(Budget::Local(l.clone()))
    }

    /// A slot for one attempt, waiting no longer than the call allows.
    async fn slot(
        &self,
        budget: &Budget<'_>,
        action: &Action,
        creds: Option<&Credentials>,
        settings: &CallSettings,
    ) -> Result<Slot, CoreError> {
        let asked = tokio::time::Instant::now();
        let max = settings.max_rate_limit_wait;
        let (got, limit) = match budget {
            Budget::Local(l) => (l.slot(max).await, l.limit()),
            Budget::Shared(b, limit) => {
                let account = creds.map_or(AccountId::UNSIGNED, |c| AccountId::of(c.secret_id()));
                let key = BudgetKey::new(
                    account,
                    &self.inner.host,
                    &self.inner.region,
                    action.name,
                    *limit,
                );
                (b.acquire(&key, max).await, *limit)
            }
        };
        let slot = got.map_err(|at_least| {
            ErrorKind::RateLimit(RateLimitError::new(
                action.name,
                limit,
                max.unwrap_or_default(),
                at_least,
            ))
        })?;
        let waited = asked.elapsed();
        let waited_ms = waited.as_millis() as u64;
        // A wait a person would notice is progress worth showing.
        if waited >= Duration::from_millis(100) {
            tracing::info!(waited_ms, per_second = limit, "rate limit");
        } else if waited >= Duration::from_millis(1) {
            tracing::debug!(waited_ms, "rate limit");
        }
        Ok(slot)
    }

    /// One signed attempt, up to the answer's bytes. The rate-limit slot is
    /// taken just before signing and held until the answer's head arrives.
    async fn attempt(
        &self,
        action: &Action,
        body: &Bytes,
        budget: Option<&Budget<'_>>,
        settings: &CallSettings,
        offset: i64,
    ) -> Result<Answer, CoreError> {
        let inner = &*self.inner;
        let creds = match &inner.credentials {
            Some(provider) => Some(
                provider
                    .provide_credentials()
                    .await
                    .map_err(ErrorKind::Credentials)?,
            ),
            None => None,
        };
        let permit = match budget {
            Some(b) => Some(self.slot(b, action, creds.as_ref(), settings).await?),
            None => None,
        };
        let request = match self.signed_request(action, body, creds.as_ref(), settings, offset) {
            Ok(r) => r,
            Err(e) => {
                if let Some(p) = permit {
                    p.end(SlotEnd::Unsent);
                }
                return Err(e);
            }
        };
        tracing::debug!(bytes = body.len(), "sending");
        let sent = inner.http.execute(request).await;
        if let Some(p) = permit {
            match &sent {
                Err(e) if e.is_connect() => p.end(SlotEnd::Unsent),
                _ => p.end(SlotEnd::Reached),
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

    /// The signed request for one attempt (unsigned, `Authorization: SKIP`,
    /// without credentials). Signing per attempt gives every retry a fresh
    /// timestamp: this machine's clock plus the learned offset to the
    /// service's.
    fn signed_request(
        &self,
        action: &Action,
        body: &Bytes,
        creds: Option<&Credentials>,
        settings: &CallSettings,
        offset: i64,
    ) -> Result<reqwest::Request, CoreError> {
        let inner = &*self.inner;
        let timestamp = clock::local_now().saturating_add_signed(offset);
        let mut headers = inner.fixed_headers.clone();
        let authorization = match creds {
            Some(creds) => sensitive(
                &inner.signer.authorization(
                    creds.secret_id(),
                    creds.secret_key(),
                    &signing::Request {
                        service: action.signing_service,
                        host: &inner.host,
                        content_type: JSON,
                        payload: body,
                        timestamp,
                    },
                ),
                "Authorization",
            )?,
            None => HeaderValue::from_static("SKIP"),
        };
        headers.insert(AUTHORIZATION, authorization);
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
        if let Some(token) = creds.and_then(Credentials::token) {
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
        settings: &CallSettings,
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

    fn transport_error(&self, e: reqwest::Error, settings: &CallSettings) -> CoreError {
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
