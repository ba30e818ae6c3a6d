//! The error of a call: everything that can go wrong between building the
//! request and decoding the answer, kept apart so callers can react to each.
//!
//! Each error's `Display` says what happened at its own level and
//! `source()` gives the cause, never both: print the whole chain with an
//! error reporter (`anyhow`'s `{:#}`, or walk `source()`). [`SdkError`] is
//! transparent: it displays as what went wrong and adds only the attempt
//! count.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::credentials::CredentialsError;
use crate::operation::ServiceError;

/// How much of an unexpected body errors show.
const BODY_HEAD: usize = 1024;

/// The error of a call: what went wrong ([`kind`](Self::kind)) and after
/// how many attempts.
#[derive(Debug)]
pub struct SdkError<E> {
    kind: ErrorKind<E>,
    attempts: u32,
}

/// What went wrong in a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind<E> {
    /// The request could not be built (serialization, an invalid header).
    Build(BuildError),
    /// No usable credentials.
    Credentials(CredentialsError),
    /// The connection failed: refused, reset, TLS, DNS.
    Transport(TransportError),
    /// A connect, attempt or whole-call timeout expired.
    Timeout(TimeoutError),
    /// The client-side rate limiter would have held the call longer than
    /// its [`max_rate_limit_wait`](crate::ClientBuilder::max_rate_limit_wait):
    /// nothing was sent.
    RateLimit(RateLimitError),
    /// The answer was not a Tencent Cloud API answer (gateway page, truncated body,
    /// non-200 status) or could not be decoded into the output.
    Response(ResponseError),
    /// The service answered with an error.
    Service(E),
    /// A paginator stopped at its bound: the service's pages did not end
    /// (every page before it was delivered).
    Pagination(PaginationError),
}

impl<E> SdkError<E> {
    /// An error after `attempts` attempts (for tests of your own code).
    pub fn new(kind: ErrorKind<E>, attempts: u32) -> Self {
        SdkError { kind, attempts }
    }

    /// What went wrong (on the last attempt).
    pub fn kind(&self) -> &ErrorKind<E> {
        &self.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind<E> {
        self.kind
    }

    /// How many attempts were made: retries included, and the one re-send
    /// after the service refused the request's time (clock skew; see
    /// [`ClientBuilder::max_clock_correction`](crate::ClientBuilder::max_clock_correction)).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }
}

impl<E> From<ErrorKind<E>> for SdkError<E> {
    fn from(kind: ErrorKind<E>) -> Self {
        SdkError { kind, attempts: 1 }
    }
}

impl<E: ServiceError> SdkError<E> {
    /// The service error, if the service answered with one.
    pub fn as_service_error(&self) -> Option<&E> {
        match &self.kind {
            ErrorKind::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service error, by value.
    pub fn into_service_error(self) -> Option<E> {
        match self.kind {
            ErrorKind::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service error code (`AuthFailure.SignatureFailure`...), if any.
    pub fn code(&self) -> Option<&str> {
        self.as_service_error().map(|e| e.metadata().code())
    }

    /// The service's message, if it answered with an error.
    pub fn message(&self) -> Option<&str> {
        self.as_service_error().map(|e| e.metadata().message())
    }

    /// The `RequestId` of the answer, whenever there was one.
    pub fn request_id(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Service(e) => e.metadata().request_id(),
            ErrorKind::Response(r) => r.request_id(),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for ErrorKind<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Build(e) => fmt::Display::fmt(e, f),
            ErrorKind::Credentials(e) => fmt::Display::fmt(e, f),
            ErrorKind::Transport(e) => fmt::Display::fmt(e, f),
            ErrorKind::Timeout(e) => fmt::Display::fmt(e, f),
            ErrorKind::RateLimit(e) => fmt::Display::fmt(e, f),
            ErrorKind::Response(e) => fmt::Display::fmt(e, f),
            ErrorKind::Service(e) => fmt::Display::fmt(e, f),
            ErrorKind::Pagination(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: fmt::Display> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

/// Transparent: the source of what went wrong, not what went wrong again
/// (`Display` already shows it).
impl<E: std::error::Error + 'static> std::error::Error for SdkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Build(e) => e.source(),
            ErrorKind::Credentials(e) => e.source(),
            ErrorKind::Transport(e) => e.source(),
            ErrorKind::Timeout(e) => e.source(),
            ErrorKind::RateLimit(e) => e.source(),
            ErrorKind::Response(e) => e.source(),
            ErrorKind::Service(e) => e.source(),
            ErrorKind::Pagination(e) => e.source(),
        }
    }
}

/// The request could not be built.
#[derive(Debug)]
pub struct BuildError {
    message: String,
}

impl BuildError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        BuildError {
            message: message.into(),
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the request: {}", self.message)
    }
}

impl std::error::Error for BuildError {}

/// What kind of connection failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was made: the request was certainly not sent.
    Connect,
    /// The connection failed after it was made (reset, closed early): the
    /// request may have reached the service.
    Io,
    /// The endpoint's TLS certificate was not accepted (an unknown
    /// certificate authority, a name that does not match, expired): no
    /// request was sent. Not retried.
    Certificate,
}

/// The connection failed.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    /// For [`TransportErrorKind::Certificate`]: what is wrong, in words.
    detail: Option<&'static str>,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    pub(crate) fn new(
        kind: TransportErrorKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind,
            detail: None,
            source: source.into(),
        }
    }

    /// A certificate that was not accepted, and why.
    pub(crate) fn certificate(
        detail: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind: TransportErrorKind::Certificate,
            detail: Some(detail),
            source: source.into(),
        }
    }

    /// Whether the connection was never made, or failed once made.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TransportErrorKind::Connect => f.write_str("cannot connect to the endpoint"),
            TransportErrorKind::Io => {
                f.write_str("the connection failed after the request was sent")
            }
            TransportErrorKind::Certificate => write!(
                f,
                "the endpoint's TLS certificate is not trusted: {}. If a private certificate \
                 authority issued it, trust that authority's root with \
                 `ClientBuilder::add_root_certificate_pem`",
                self.detail.unwrap_or("it could not be verified")
            ),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Which timeout expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// The connect timeout: no connection was made, the request was not sent.
    Connect,
    /// The attempt timeout: the request may have reached the service.
    Attempt,
    /// The whole call's timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    Call,
}

/// A timeout expired.
#[derive(Debug)]
pub struct TimeoutError {
    /// `None`: the connect timeout of a client given to
    /// `ClientBuilder::http_client`, which this crate does not know.
    after: Option<Duration>,
    kind: TimeoutKind,
}

impl TimeoutError {
    pub(crate) fn new(after: Duration, kind: TimeoutKind) -> Self {
        TimeoutError {
            after: Some(after),
            kind,
        }
    }

    /// A connect timeout of an HTTP client this crate did not configure.
    pub(crate) fn connect_unknown() -> Self {
        TimeoutError {
            after: None,
            kind: TimeoutKind::Connect,
        }
    }

    /// Which timeout expired.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// Whether the connect timeout expired (the request was not sent).
    pub fn while_connecting(&self) -> bool {
        self.kind == TimeoutKind::Connect
    }

    /// The timeout that expired. Zero for the connect timeout of a
    /// `reqwest::Client` given to
    /// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client),
    /// which this crate does not know.
    pub fn after(&self) -> Duration {
        self.after.unwrap_or_default()
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting",
            TimeoutKind::Attempt => "the attempt",
            TimeoutKind::Call => "the call",
        };
        match self.after {
            Some(after) => write!(f, "{what} timed out after {after:?}"),
            None => write!(f, "{what} timed out (the HTTP client's connect timeout)"),
        }
    }
}

impl std::error::Error for TimeoutError {}

/// The client-side rate limiter would have held a call longer than it may
/// wait ([`ClientBuilder::max_rate_limit_wait`](crate::ClientBuilder::max_rate_limit_wait)
/// or [`Overrides::max_rate_limit_wait`](crate::config::Overrides::max_rate_limit_wait)).
/// Nothing was sent and no slot was taken.
#[derive(Debug)]
pub struct RateLimitError {
    action: &'static str,
    per_second: u32,
    max_wait: Duration,
    at_least: Duration,
}

impl RateLimitError {
    pub(crate) fn new(
        action: &'static str,
        per_second: u32,
        max_wait: Duration,
        at_least: Duration,
    ) -> Self {
        RateLimitError {
            action,
            per_second,
            max_wait,
            at_least,
        }
    }

    /// The action, e.g. `RunInstances`.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// The limit that applied, in requests per second.
    pub fn per_second(&self) -> u32 {
        self.per_second
    }

    /// The longest the call was allowed to wait.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// The call would have waited at least this long (more if requests
    /// still in flight answer late or other calls are queued first).
    pub fn at_least(&self) -> Duration {
        self.at_least
    }
}

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not sent: the client-side rate limit of {} ({} per second) would have held the call \
             longer than the {:?} it may wait",
            self.action, self.per_second, self.max_wait
        )?;
        if self.at_least > self.max_wait {
            write!(f, " (at least {:?})", self.at_least)?;
        }
        Ok(())
    }
}

impl std::error::Error for RateLimitError {}

/// Why an answer is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseErrorKind {
    /// Not the JSON envelope: an HTML gateway page, a truncated body,
    /// a non-200 status.
    Unexpected,
    /// A JSON envelope whose contents do not fit the action's output.
    Decode {
        /// What did not fit, with its position in the body.
        message: String,
    },
    /// The body exceeded the configured size limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

/// An answer that is not a usable Tencent Cloud API answer. Keeps what is needed to
/// report it: status, content type, request id and the body.
#[derive(Clone, Debug)]
pub struct ResponseError {
    kind: ResponseErrorKind,
    status: u16,
    content_type: Option<String>,
    request_id: Option<String>,
    body: Bytes,
}

impl ResponseError {
    pub(crate) fn new(
        kind: ResponseErrorKind,
        status: u16,
        content_type: Option<String>,
        request_id: Option<String>,
        body: Bytes,
    ) -> Self {
        ResponseError {
            kind,
            status,
            content_type,
            request_id,
            body,
        }
    }

    /// Why the answer is not usable.
    pub fn kind(&self) -> &ResponseErrorKind {
        &self.kind
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` header, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The `RequestId`, when the body was an envelope that had one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The body as received (up to the size limit).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The first KiB of the body.
    pub fn body_head(&self) -> &[u8] {
        &self.body[..self.body.len().min(BODY_HEAD)]
    }
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ResponseErrorKind::Unexpected => write!(f, "unexpected answer: HTTP {}", self.status)?,
            ResponseErrorKind::Decode { message } => {
                write!(f, "cannot decode the answer: {message}")?
            }
            ResponseErrorKind::TooLarge { limit } => {
                write!(f, "answer larger than the {limit}-byte limit")?
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(ct) = &self.content_type {
            write!(f, ", content type {ct}")?;
        }
        let head = String::from_utf8_lossy(self.body_head());
        let more = if self.body.len() > BODY_HEAD {
            "…"
        } else {
            ""
        };
        write!(f, ", body: {:?}{more}", head.as_ref())
    }
}

impl std::error::Error for ResponseError {}

/// A paginator stopped before the pages ended: it had fetched its bound of
/// pages ([`Paginator::max_pages`](crate::paginate::Paginator::max_pages))
/// and the answers still promised more.
#[derive(Debug)]
pub struct PaginationError {
    action: &'static str,
    pages: u32,
    items: u64,
}

impl PaginationError {
    pub(crate) fn new(action: &'static str, pages: u32, items: u64) -> Self {
        PaginationError {
            action,
            pages,
            items,
        }
    }

    /// The action paged, e.g. `DescribeTeamList`.
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// Pages fetched before stopping.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Items those pages held.
    pub fn items(&self) -> u64 {
        self.items
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: stopped after {} pages ({} items) with more promised; raise max_pages if the service really holds more",
            self.action, self.pages, self.items
        )
    }
}

impl std::error::Error for PaginationError {}
