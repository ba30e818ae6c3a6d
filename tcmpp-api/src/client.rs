//! The client and its one execute path: serialize, sign, send, decode.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::config::{self, ClientBuilder, ConfigError, Language, RateLimit, RetryConfig};
use crate::credentials::{DefaultCredentialsChain, SharedCredentialsProvider};
use crate::decode::decode;
use crate::error::{
    BuildError, ErrorKind, ResponseError, ResponseErrorKind, SdkError, TimeoutError,
    TransportError, TransportErrorKind,
};
use crate::operation::{Operation, ServiceError};
use crate::rate_limit::{self, RateLimiter};
use crate::signing::{self, Signer};

/// The only content type the client sends (it is part of the signature).
const JSON: &str = "application/json";

/// A TCMPP client. Cheap to clone: clones share the connection pool, the
/// credentials source and the signing-key cache.
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
    connect_timeout: Duration,
    max_response_bytes: usize,
    retry: RetryConfig,
    rate_limit: RateLimit,
    /// One limiter per action, shared by all clones.
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
            .field("retry", &i.retry)
            .field("rate_limit", &i.rate_limit)
            .finish_non_exhaustive()
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
    /// code that is generic over [`Operation`]. Retries and rate limiting
    /// apply as configured.
    pub async fn call<O: Operation>(
        &self,
        input: &O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let span = tracing::info_span!(
            "tcmpp.call",
            action = O::ACTION,
            region = %self.inner.region,
            attempt = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .call_with_retries::<O>(input, &span)
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let (outcome, request_id) = match &result {
            Ok(_) => ("ok", None),
            Err(e) => (outcome_of(e.kind()), e.request_id().map(str::to_owned)),
        };
        if let Some(id) = &request_id {
            span.record("request_id", id.as_str());
        }
        span.record("outcome", outcome);
        result
    }

    async fn call_with_retries<O: Operation>(
        &self,
        input: &O::Input,
        span: &tracing::Span,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let body = Bytes::from(
            serde_json::to_vec(input)
                .map_err(|e| ErrorKind::Build(BuildError::new(e.to_string())))?,
        );
        let limiter = self.limiter::<O>();
        let retry = &self.inner.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            if let Some(l) = &limiter {
                l.acquire().await;
            }
            let error = match self.attempt::<O>(&body).await {
                Ok(output) => return Ok(output),
                Err(e) => e,
            };
            if attempt >= retry.max_attempts || !retryable::<O>(&error, retry) {
                return Err(error.with_attempts(attempt));
            }
            let cap = retry
                .initial_backoff
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(retry.max_backoff);
            let delay = cap.mul_f64(fastrand::f64());
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    fn limiter<O: Operation>(&self) -> Option<Arc<RateLimiter>> {
        let per_second = match self.inner.rate_limit {
            RateLimit::Off => return None,
            RateLimit::FromSpec => O::RATE_LIMIT_PER_SECOND,
            RateLimit::PerSecond(n) => n,
        };
        let mut limiters = self
            .inner
            .limiters
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let l = limiters
            .entry(O::ACTION)
            .or_insert_with(|| Arc::new(RateLimiter::new(per_second, rate_limit::WINDOW)));
        Some(l.clone())
    }

    /// One signed attempt. Signing per attempt gives every retry a fresh
    /// timestamp.
    async fn attempt<O: Operation>(&self, body: &Bytes) -> Result<O::Output, SdkError<O::Error>> {
        let inner = &*self.inner;
        let creds = inner
            .credentials
            .provide_credentials()
            .await
            .map_err(ErrorKind::Credentials)?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let authorization = inner.signer.authorization(
            creds.secret_id(),
            creds.secret_key(),
            &signing::Request {
                service: O::SERVICE.signing_service,
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
            HeaderValue::from_static(O::ACTION),
        );
        headers.insert(
            HeaderName::from_static("x-tc-version"),
            HeaderValue::from_static(O::SERVICE.version),
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
        tracing::debug!(bytes = body.len(), "sending");
        // Built directly: RequestBuilder would re-insert every header.
        let mut request = reqwest::Request::new(reqwest::Method::POST, inner.endpoint.clone());
        *request.headers_mut() = headers;
        *request.body_mut() = Some(body.clone().into());
        let response = inner
            .http
            .execute(request)
            .await
            .map_err(|e| self.transport_error(e))?;

        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = self.read_body(response, status, &content_type).await?;
        decode::<O>(status, content_type, body)
    }

    /// Reads the body, refusing more than the configured limit.
    async fn read_body<E>(
        &self,
        mut response: reqwest::Response,
        status: u16,
        content_type: &Option<String>,
    ) -> Result<Bytes, SdkError<E>> {
        let limit = self.inner.max_response_bytes;
        let too_large = |body: Bytes| {
            SdkError::from(ErrorKind::Response(ResponseError::new(
                ResponseErrorKind::TooLarge { limit },
                status,
                content_type.clone(),
                None,
                body,
            )))
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

    fn transport_error<E>(&self, e: reqwest::Error) -> SdkError<E> {
        if e.is_timeout() {
            let connecting = e.is_connect();
            let after = if connecting {
                self.inner.connect_timeout
            } else {
                self.inner.timeout
            };
            ErrorKind::Timeout(TimeoutError::new(after, connecting)).into()
        } else if e.is_connect() {
            ErrorKind::Transport(TransportError::new(TransportErrorKind::Connect, e)).into()
        } else {
            ErrorKind::Transport(TransportError::new(TransportErrorKind::Io, e)).into()
        }
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
fn retryable<O: Operation>(e: &SdkError<O::Error>, retry: &RetryConfig) -> bool {
    let ambiguous_ok = O::RETRY_SAFE || retry.retry_ambiguous;
    match e.kind() {
        ErrorKind::Service(s) => {
            let code = s.metadata().code();
            code == "RequestLimitExceeded"
                || code.starts_with("RequestLimitExceeded.")
                || (ambiguous_ok && matches!(code, "InternalError" | "ServiceUnavailable"))
        }
        ErrorKind::Transport(t) => t.kind() == TransportErrorKind::Connect || ambiguous_ok,
        ErrorKind::Timeout(t) => t.while_connecting() || ambiguous_ok,
        ErrorKind::Response(r) => {
            ambiguous_ok
                && *r.kind() == ResponseErrorKind::Unexpected
                && matches!(r.status(), 502..=504)
        }
        ErrorKind::Build(_) | ErrorKind::Credentials(_) => false,
    }
}

/// A header value that `Debug` output of the HTTP stack redacts.
fn sensitive<E>(value: &str, name: &str) -> Result<HeaderValue, SdkError<E>> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        SdkError::from(ErrorKind::Build(BuildError::new(format!(
            "the {name} header has characters a header cannot carry"
        ))))
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
            .timeout(self.timeout)
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
                connect_timeout: self.connect_timeout,
                max_response_bytes: self.max_response_bytes,
                retry: self.retry,
                rate_limit: self.rate_limit,
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
