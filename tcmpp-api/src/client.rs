//! The client and its one execute path: serialize, sign, send, decode.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument;

use crate::config::{self, ClientBuilder, ConfigError, Language};
use crate::credentials::{DefaultCredentialsChain, SharedCredentialsProvider};
use crate::decode::decode;
use crate::error::{
    BuildError, ResponseError, ResponseErrorKind, SdkError, TimeoutError, TransportError,
    TransportErrorKind,
};
use crate::operation::Operation;
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
    /// code that is generic over [`Operation`].
    pub async fn call<O: Operation>(
        &self,
        input: &O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let span = tracing::info_span!(
            "tcmpp.call",
            action = O::ACTION,
            region = %self.inner.region,
            attempt = 1u32,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self.attempt::<O>(input).instrument(span.clone()).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        let (outcome, request_id) = match &result {
            Ok(_) => ("ok", None),
            Err(e) => (outcome_of(e), e.request_id().map(str::to_owned)),
        };
        if let Some(id) = &request_id {
            span.record("request_id", id.as_str());
        }
        span.record("outcome", outcome);
        result
    }

    async fn attempt<O: Operation>(
        &self,
        input: &O::Input,
    ) -> Result<O::Output, SdkError<O::Error>> {
        let inner = &*self.inner;
        let body = serde_json::to_vec(input)
            .map_err(|e| SdkError::Build(BuildError::new(e.to_string())))?;
        let creds = inner
            .credentials
            .provide_credentials()
            .await
            .map_err(SdkError::Credentials)?;
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
                payload: &body,
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
        let response = inner
            .http
            .post(inner.endpoint.clone())
            .headers(headers)
            .body(body)
            .send()
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
            SdkError::Response(ResponseError::new(
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

    fn transport_error<E>(&self, e: reqwest::Error) -> SdkError<E> {
        if e.is_timeout() {
            let connecting = e.is_connect();
            let after = if connecting {
                self.inner.connect_timeout
            } else {
                self.inner.timeout
            };
            SdkError::Timeout(TimeoutError::new(after, connecting))
        } else if e.is_connect() {
            SdkError::Transport(TransportError::new(TransportErrorKind::Connect, e))
        } else {
            SdkError::Transport(TransportError::new(TransportErrorKind::Io, e))
        }
    }
}

fn outcome_of<E>(e: &SdkError<E>) -> &'static str {
    match e {
        SdkError::Build(_) => "build_error",
        SdkError::Credentials(_) => "credentials_error",
        SdkError::Transport(_) => "transport_error",
        SdkError::Timeout(_) => "timeout",
        SdkError::Response(_) => "response_error",
        SdkError::Service(_) => "service_error",
    }
}

/// A header value that `Debug` output of the HTTP stack redacts.
fn sensitive<E>(value: &str, name: &str) -> Result<HeaderValue, SdkError<E>> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        SdkError::Build(BuildError::new(format!(
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
        if self.connect_timeout.is_zero() {
            return Err(ConfigError::InvalidTimeout {
                which: "connect timeout",
            });
        }
        if self.max_response_bytes == 0 {
            return Err(ConfigError::InvalidResponseLimit);
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
