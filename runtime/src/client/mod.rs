//! The runtime's [`Client`]: what a service crate's `Client` wraps, and
//! the entry points of every call.
//!
//! A call's path is compiled once, not once per action: the generic part
//! of a call is serializing the input and decoding the answer (here);
//! everything in between takes the action's facts as data (`execute`),
//! failures are classified in `retry`, and the client is made in `build`.

mod build;
mod execute;
mod retry;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::HeaderMap;

use crate::ErrorMetadata;
use crate::clock::Clock;
use crate::config::{ClientBuilder, Language, Overrides, RateLimit, RateLimitScope, RetryConfig};
use crate::credentials::SharedCredentialsProvider;
use crate::decode::{decode_json, decode_with_id};
use crate::error::{BuildError, ErrorKind, SdkError};
use crate::operation::{Operation, ServiceInfo};
use crate::rate_limit::{RateBudget, RateLimiter};
use crate::signing::Signer;
use execute::{Action, Answer, finish};
use retry::Verdict;

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

/// What a client and its clones share.
struct Inner {
    service: ServiceInfo,
    http: reqwest::Client,
    endpoint: Url,
    region: String,
    language: Language,
    /// `None`: calls are sent unsigned (`ClientBuilder::unsigned`).
    credentials: Option<SharedCredentialsProvider>,
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
    /// A budget of the caller's (`ClientBuilder::rate_budget`), used instead.
    budget: Option<Arc<dyn RateBudget>>,
    /// The service's clock minus ours, learned from its answers.
    clock: Clock,
    /// Whether the HTTP client is the caller's.
    own_http_client: bool,
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
            .field("rate_budget", &i.budget)
            .field("clock_offset_s", &i.clock.offset())
            .field("own_http_client", &i.own_http_client)
            .field("overrides", &self.overrides)
            .finish_non_exhaustive()
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
}
