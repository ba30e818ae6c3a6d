//! HTTP: accept connections, apply scripted faults, answer in the service's
//! envelope.

use std::future::Future as _;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Body as _;
use hyper::body::Incoming;
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::OwnedSemaphorePermit;

use super::services::{Hints, Served};
use super::verify::{self, ApiError, excerpt};
use super::{CallRecord, Fault, MAX_LOGGED_PARAMS, Shared, lock};
use super::{headers, http_errors, replay, sts};
use tencentcloud_runtime::operation::OperationInfo;

/// The service's documented limit on request bodies.
const MAX_BODY: usize = 10 * 1024 * 1024;
/// Bodies this long or longer are verified and parsed on a blocking thread.
const OFFLOAD: usize = 64 * 1024;
/// How many big bodies are verified and parsed at once.
pub(crate) const HEAVY: usize = 2;
/// The most parameters a v1 request may carry: each costs two strings
/// before the signature is checked.
const MAX_V1_PARAMS: usize = 100_000;
/// The longest action name the call log keeps (longer ones are cut).
const MAX_ACTION_LOGGED: usize = 64;

fn cut(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors or similar: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let activity = Arc::new(Activity::default());
            let io = Tracked {
                inner: stream,
                activity: activity.clone(),
                linger: None,
            };
            #[cfg(feature = "tls")]
            if let Some(acceptor) = shared.tls.clone() {
                // A handshake is part of the head: same deadline. A client
                // that refuses the certificate ends it: not an error here.
                let deadline = tokio::time::Instant::now() + shared.header_read_timeout;
                if http_errors::is_plaintext_http(&io.inner, deadline).await {
                    http_errors::refuse_plaintext(io, &shared, deadline).await;
                    return;
                }
                let handshake = acceptor.accept(io);
                if let Ok(Ok(tls)) = tokio::time::timeout_at(deadline, handshake).await {
                    connection(tls, activity, shared).await;
                }
                return;
            }
            connection(io, activity, shared).await;
        });
    }
}

/// Serves one connection's requests until it ends or idles out.
async fn connection<I>(io: I, activity: Arc<Activity>, shared: Arc<Shared>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (header_read, idle) = (shared.header_read_timeout, shared.idle_timeout);
    let seen = activity.clone();
    let io = http_errors::Envelope::new(io, shared.clone());
    // Each request runs in its own task: a client that gives up
    // (timeout) must not cancel work the "service" has started.
    let service = service_fn(move |req: Request<Incoming>| {
        let busy = Busy::new(seen.clone());
        let head = req.method() == Method::HEAD;
        let task = tokio::spawn(handle(req, shared.clone()));
        async move {
            let answer = task.await.unwrap_or(Err(Dropped));
            drop(busy);
            answer.map(|a| if head { http_errors::for_head(a) } else { a })
        }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read)
        .serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    // A connection ending (also on purpose, for `Fault::Drop`, or
    // on a timeout) is not an error here.
    loop {
        let wait = activity.idle_deadline(idle);
        if tokio::time::timeout_at(wait, conn.as_mut()).await.is_ok() {
            break;
        }
        if activity.is_idle_for(idle) {
            conn.as_mut().graceful_shutdown();
            // Idle: hyper closes at once; bounded all the same.
            let _ = tokio::time::timeout(idle, conn.as_mut()).await;
            break;
        }
    }
}

/// When a connection last moved bytes, and how many of its requests are
/// being answered: it is idle when none are and nothing moved for a while.
struct Activity {
    last: Mutex<Instant>,
    busy: AtomicUsize,
}

impl Default for Activity {
    fn default() -> Self {
        Activity {
            last: Mutex::new(Instant::now()),
            busy: AtomicUsize::new(0),
        }
    }
}

impl Activity {
    fn touch(&self) {
        *lock(&self.last) = Instant::now();
    }

    fn idle_deadline(&self, idle: Duration) -> tokio::time::Instant {
        tokio::time::Instant::from_std(*lock(&self.last) + idle)
    }

    fn is_idle_for(&self, idle: Duration) -> bool {
        self.busy.load(Ordering::SeqCst) == 0 && lock(&self.last).elapsed() >= idle
    }
}

/// A request being answered (until dropped).
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Self {
        activity.busy.fetch_add(1, Ordering::SeqCst);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The connection's socket, noting when bytes move.
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
    /// Set once the mock has shut down its side.
    linger: Option<Linger>,
}

/// What a closing connection still reads and throws away.
struct Linger {
    until: Pin<Box<tokio::time::Sleep>>,
    left: usize,
}

/// How long, and how many bytes, a closing connection reads and discards
/// (a body the mock answered without reading, such as one over 10 MB):
/// closing a socket with unread bytes resets the connection, and a client
/// still sending would lose the answer.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 32 << 20;

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        if this.linger.is_none() {
            std::task::ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
            this.linger = Some(Linger {
                until: Box::pin(tokio::time::sleep(LINGER)),
                left: LINGER_BYTES,
            });
        }
        let Some(linger) = this.linger.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let mut scratch = [0u8; 8192];
        while linger.left > 0 {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                    linger.left = linger.left.saturating_sub(buf.filled().len());
                }
                Poll::Ready(_) => break,
                Poll::Pending => return linger.until.as_mut().poll(cx).map(Ok),
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// Returned to hyper to close the connection without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a scripted fault")
    }
}

impl std::error::Error for Dropped {}

type Answer = Response<Full<Bytes>>;

async fn handle(req: Request<Incoming>, shared: Arc<Shared>) -> Result<Answer, Dropped> {
    let arrived = Instant::now();
    let (parts, body) = req.into_parts();
    // What the head alone refuses is refused before the body is read (an
    // unsigned request costs no body memory); the rest is read within the
    // server-wide budget.
    let body = match check_head(&shared, &parts) {
        Ok(_) => read_body(&shared, body, arrived).await,
        Err(e) => Err(e),
    };
    let big = body.as_ref().is_ok_and(|b| b.bytes.len() >= OFFLOAD);
    let v1 = match (v1_source(&parts), &body) {
        (Some(V1Source::Query), _) => Some(v1_common(parts.uri.query().unwrap_or("").as_bytes())),
        (Some(V1Source::Body), Ok(body)) => {
            let bytes = body.bytes.clone();
            offload(&shared, big, move || v1_common(&bytes)).await
        }
        _ => None,
    };
    let (v1_action, v1_version) = v1.unwrap_or_default();
    let action = match parts.headers.get("x-tc-action") {
        Some(v) => v.to_str().unwrap_or_default().to_owned(),
        None => v1_action,
    };
    let route = shared.services.route(&Hints {
        host: header(&parts, hyper::header::HOST.as_str()),
        scope: verify::scope_service(&parts.headers),
        version: match v1_source(&parts) {
            Some(_) => v1_version.as_deref(),
            None => header(&parts, "x-tc-version"),
        },
    });
    let served = route.and_then(|i| shared.services.get(i));
    let fault = shared.take_fault(&action);
    // Logged on arrival, so a slow request counts before it is answered.
    let index = {
        let mut log = lock(&shared.log);
        log.push(CallRecord {
            service: served.map(|s| s.info.name.to_owned()).unwrap_or_default(),
            action: cut(action, MAX_ACTION_LOGGED),
            at: arrived,
            code: None,
            handled: false,
            parameters: Value::Null,
        })
    };
    let finish = |code: Option<String>, handled: bool, authenticated: bool| {
        if let Some(r) = lock(&shared.log).get_mut(index) {
            r.code = code;
            r.handled = handled;
            // A request that failed authentication keeps only a name from
            // an operation table: no caller-chosen bytes are kept for it,
            // but a skewed or mis-signed call can still be told apart.
            let known = match served {
                Some(s) => s.info.operation(&r.action).is_some(),
                None => shared
                    .services
                    .iter()
                    .any(|s| s.info.operation(&r.action).is_some()),
            };
            if !authenticated && !known {
                r.action.clear();
            }
        }
    };
    match fault {
        Some(Fault::Error { code, message }) => {
            let answer = envelope(
                &shared,
                Err(ApiError {
                    code: code.clone(),
                    message,
                }),
            );
            // Scripted for this action: the name stays in the log.
            finish(Some(code), false, true);
            Ok(answer)
        }
        Some(Fault::Html502) => Ok(raw(
            &shared,
            502,
            "text/html",
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
        )),
        Some(Fault::Status { status, body }) => Ok(raw(&shared, status, "text/plain", &body)),
        other => {
            if let Some(Fault::Delay(d)) = other {
                tokio::time::sleep(d).await;
            }
            let (result, authenticated, params) = match body {
                Ok(body) => {
                    let owned = shared.clone();
                    offload(&shared, big, move || {
                        let mut seen = Seen::default();
                        let r = process(&owned, &parts, &body.bytes, arrived, route, &mut seen);
                        (r, seen.authenticated, seen.params)
                    })
                    .await
                    .unwrap_or_else(|| {
                        (
                            Err(ApiError::new(
                                "InternalError",
                                "The request could not be handled.",
                            )),
                            false,
                            None,
                        )
                    })
                }
                Err(e) => (Err(e), false, None),
            };
            finish(
                result.as_ref().err().map(|e| e.code.clone()),
                result.is_ok(),
                authenticated,
            );
            if let Some((params, bytes)) = params {
                lock(&shared.log).keep_parameters(index, params, bytes);
            }
            if other == Some(Fault::Drop) {
                return Err(Dropped);
            }
            Ok(envelope(&shared, result))
        }
    }
}

/// Runs `f` here, or for a big body on a blocking thread (one of at most
/// [`HEAVY`] at a time), so hashing and parsing it neither hold up other
/// connections' answers nor multiply its memory by the number of clients.
/// `None` if `f` panicked.
async fn offload<T: Send + 'static>(
    shared: &Shared,
    big: bool,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    if !big {
        return Some(f());
    }
    let _turn = shared.heavy.acquire().await.ok()?;
    tokio::task::spawn_blocking(f).await.ok()
}

/// A request body, and the share of the body budget it holds until dropped.
struct Body {
    bytes: Bytes,
    _budget: Budget,
}

/// Bodies whose `Content-Length` is smaller than this are read within
/// [`Shared::small_budget`], others within [`Shared::body_budget`].
pub(crate) const SMALL: usize = OFFLOAD;

/// The share of a body budget a body holds.
struct Budget {
    pool: Arc<tokio::sync::Semaphore>,
    held: Option<OwnedSemaphorePermit>,
    /// Whether it had to wait for its share: a body that then misses its
    /// deadline was kept waiting by the server, not slow to send.
    waited: bool,
}

impl Budget {
    /// An empty share of the pool a body of `declared` length reads from.
    fn new(shared: &Shared, declared: Option<usize>) -> Self {
        let small = declared.is_some_and(|n| n < SMALL);
        Budget {
            pool: if small {
                shared.small_budget.clone()
            } else {
                shared.body_budget.clone()
            },
            held: None,
            waited: false,
        }
    }

    /// Holds at least `bytes`, waiting until `deadline` at the most.
    async fn reserve(
        &mut self,
        shared: &Shared,
        bytes: usize,
        deadline: tokio::time::Instant,
    ) -> Result<(), ApiError> {
        let want = bytes.div_ceil(1024);
        let held = self
            .held
            .as_ref()
            .map_or(0, OwnedSemaphorePermit::num_permits);
        if want <= held {
            return Ok(());
        }
        if want > shared.body_budget_kib as usize {
            return Err(budget_exceeded(shared, bytes));
        }
        let n = u32::try_from(want - held).unwrap_or(u32::MAX);
        let more = match self.pool.clone().try_acquire_many_owned(n) {
            Ok(more) => more,
            Err(_) => {
                self.waited = true;
                let wait = self.pool.clone().acquire_many_owned(n);
                match tokio::time::timeout_at(deadline, wait).await {
                    Ok(Ok(more)) => more,
                    _ => return Err(busy()),
                }
            }
        };
        match &mut self.held {
            Some(held) => held.merge(more),
            None => self.held = Some(more),
        }
        Ok(())
    }
}

fn busy() -> ApiError {
    ApiError::new(
        "ServiceUnavailable",
        "The server is reading other requests' bodies (max_body_bytes_in_flight); try again.",
    )
}

fn budget_exceeded(shared: &Shared, bytes: usize) -> ApiError {
    ApiError::new(
        "RequestSizeLimitExceeded",
        format!(
            "The request body ({bytes} bytes or more) exceeds the mock's \
             max_body_bytes_in_flight ({} KiB).",
            shared.body_budget_kib
        ),
    )
}

fn too_large() -> ApiError {
    ApiError::new(
        "RequestSizeLimitExceeded",
        format!("The request body exceeds 10 MB ({MAX_BODY} bytes)."),
    )
}

/// How much room a body holding `capacity` bytes grows to for `needed`:
/// doubling, as `Vec` does, below [`SMALL`]; past it, what the head
/// declared (the body has shown it is sending), or doubling without a
/// declared length. Never past the service's limit or the budget.
fn grow(shared: &Shared, capacity: usize, needed: usize, declared: Option<usize>) -> usize {
    let budget = shared.body_budget_kib as usize * 1024;
    let doubled = capacity.saturating_mul(2).min(MAX_BODY).min(budget);
    let room = match declared {
        _ if needed < SMALL => doubled.min(SMALL - 1),
        Some(n) => n,
        None => doubled,
    };
    room.min(declared.unwrap_or(usize::MAX)).max(needed)
}

/// Reads the body: at most [`MAX_BODY`] bytes, within the body budgets
/// (reserved as bytes arrive, see [`grow`]) and by `body_read_timeout`
/// after the head arrived. A head that sends nothing holds no budget.
async fn read_body(
    shared: &Shared,
    mut body: Incoming,
    arrived: Instant,
) -> Result<Body, ApiError> {
    let deadline = tokio::time::Instant::from_std(arrived + shared.body_read_timeout);
    let declared = body.size_hint().exact();
    let declared = match declared.map(usize::try_from) {
        Some(Ok(n)) if n > shared.body_budget_kib as usize * 1024 && n <= MAX_BODY => {
            return Err(budget_exceeded(shared, n));
        }
        Some(Ok(n)) if n <= MAX_BODY => Some(n),
        None => None,
        // Refused before a byte of it is read.
        Some(_) => return Err(too_large()),
    };
    let mut budget = Budget::new(shared, declared);
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) if budget.waited => return Err(busy()),
            Err(_) => {
                return Err(ApiError::new(
                    "InvalidRequest",
                    format!(
                        "The request body did not arrive within {:?} ({} bytes came).",
                        shared.body_read_timeout,
                        buf.len()
                    ),
                ));
            }
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                let message = match declared {
                    // The connection ended or failed before the length.
                    Some(n) => format!(
                        "The request body ended after {} of its {n} bytes.",
                        buf.len()
                    ),
                    None => format!("The request body could not be read: {e}."),
                };
                return Err(ApiError::new("InvalidRequest", message));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        let needed = buf.len() + data.len();
        if needed > MAX_BODY {
            return Err(too_large());
        }
        if needed > buf.capacity() {
            // Counted before it is allocated.
            let room = grow(shared, buf.capacity(), needed, declared);
            budget.reserve(shared, room, deadline).await?;
            buf.reserve_exact(room - buf.len());
        }
        buf.extend_from_slice(&data);
    }
    Ok(Body {
        bytes: Bytes::from(buf),
        _budget: budget,
    })
}

/// What the head alone decides, in the service's order: the method, the
/// path and, for TC3, what [`verify::tc3_head`] checks. Returns the method.
fn check_head(shared: &Shared, parts: &Parts) -> Result<&'static str, ApiError> {
    let method = if parts.method == Method::POST {
        "POST"
    } else if parts.method == Method::GET {
        "GET"
    } else {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!(
                "The HTTP method `{}` is not supported: use GET or POST.",
                excerpt(parts.method.as_str())
            ),
        ));
    };
    if parts.uri.path() != "/" {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!(
                "The path `{}` is not supported: requests go to `/`.",
                excerpt(parts.uri.path())
            ),
        ));
    }
    headers::single(&parts.headers)?;
    if v1_source(parts).is_none() && !verify::is_unsigned(&parts.headers) {
        verify::tc3_head(shared, &parts.headers, shared.now())?;
    }
    Ok(method)
}

fn header<'p>(parts: &'p Parts, name: &str) -> Option<&'p str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Everything the service does for one request, in its order, as the
/// service `route` (an index into the served services) does it.
fn process(
    shared: &Shared,
    parts: &Parts,
    body: &Bytes,
    arrived: Instant,
    route: Option<usize>,
    seen: &mut Seen,
) -> Result<Map<String, Value>, ApiError> {
    let headers = &parts.headers;
    let method = check_head(shared, parts)?;
    if let Some(pairs) = v1_pairs(parts, body)? {
        return process_v1(shared, method, headers, &pairs, arrived, route, seen);
    }
    // TC3 signs the query string as sent for GET, nothing for POST.
    let query = match method {
        "GET" => parts.uri.query().unwrap_or(""),
        _ => "",
    };
    let common = verify::Common::from_headers(headers);
    let (served, op, secret_id) = if verify::is_unsigned(headers) {
        let (served, op) = unsigned(shared, headers, route, &common)?;
        (served, op, String::new())
    } else {
        let key = verify::tc3_head(shared, headers, shared.now())?
            .verify(shared, method, query, body, route)?;
        // `verify` refused a request that reached no service.
        let served = served(shared, route, &common)?;
        let op = verify::operation(&served.info, &common);
        (served, op, key.secret_id().to_owned())
    };
    seen.authenticated = true;
    let language = headers.get("x-tc-language").map(|v| v.as_bytes());
    headers::language(language, "X-TC-Language header")?;
    verify::content_type(method, headers)?;
    let op = op?;
    rate_limit(shared, &secret_id, served, op, arrived)?;
    let json: Value = if method == "GET" {
        verify::decode_query(op.request, query)?
    } else {
        verify::json_body(body)?
    };
    seen.log_params(&json, query.len().max(body.len()));
    verify::check_params(op.request, &json)?;
    shared.answer(served, op, &json)
}

/// An unsigned request (`Authorization: SKIP`): its timestamp in the
/// window, and an action the service takes unsigned (STS's
/// `AssumeRoleWithWebIdentity`, whose token is checked when it is
/// answered); any other is `AuthFailure.InvalidAuthorization`.
fn unsigned<'s>(
    shared: &'s Shared,
    headers: &hyper::HeaderMap,
    route: Option<usize>,
    common: &verify::Common<'_>,
) -> Result<(&'s Served, Result<&'static OperationInfo, ApiError>), ApiError> {
    let timestamp = headers.get("x-tc-timestamp").and_then(|v| v.to_str().ok());
    verify::fresh_timestamp(shared, timestamp, shared.now())?;
    let served = served(shared, route, common)?;
    let op = verify::operation(&served.info, common)?;
    if served.info.name != sts::SERVICE || op.action != sts::UNSIGNED_ACTION {
        return Err(ApiError::new(
            "AuthFailure.InvalidAuthorization",
            format!(
                "`Authorization: SKIP` is taken only for STS's {}: `{}` must be signed (TC3-HMAC-SHA256).",
                sts::UNSIGNED_ACTION,
                op.action
            ),
        ));
    }
    Ok((served, Ok(op)))
}

/// What processing a request learnt for the call log.
#[derive(Default)]
struct Seen {
    /// The request passed authentication.
    authenticated: bool,
    /// Its parameters and their size as sent, when small enough to keep.
    params: Option<(Value, usize)>,
}

impl Seen {
    fn log_params(&mut self, json: &Value, bytes: usize) {
        if bytes <= MAX_LOGGED_PARAMS {
            self.params = Some((json.clone(), bytes));
        }
    }
}

/// The service a request reached, or why it reached none.
fn served<'s>(
    shared: &'s Shared,
    route: Option<usize>,
    common: &verify::Common<'_>,
) -> Result<&'s Served, ApiError> {
    route
        .and_then(|i| shared.services.get(i))
        .ok_or_else(|| verify::unrouted(shared, common))
}

/// Where a v1 request's parameters are.
enum V1Source {
    Query,
    Body,
}

/// A v1 request is one without a TC3 `Authorization` header that is a
/// `GET` (parameters in the query string) or a `POST` of
/// `application/x-www-form-urlencoded` (parameters in the body).
fn v1_source(parts: &Parts) -> Option<V1Source> {
    if parts.headers.contains_key(hyper::header::AUTHORIZATION) {
        return None;
    }
    let form = parts
        .headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if parts.method == Method::GET {
        Some(V1Source::Query)
    } else if parts.method == Method::POST && form {
        Some(V1Source::Body)
    } else {
        None
    }
}

/// The parameters of a v1 request, `None` for TC3; at most
/// [`MAX_V1_PARAMS`] of them.
fn v1_pairs(parts: &Parts, body: &[u8]) -> Result<Option<Vec<(String, String)>>, ApiError> {
    let source = match v1_source(parts) {
        None => return Ok(None),
        Some(V1Source::Query) => parts.uri.query().unwrap_or("").as_bytes(),
        Some(V1Source::Body) => body,
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(source)
        .into_owned()
        .take(MAX_V1_PARAMS + 1)
        .collect();
    if pairs.len() > MAX_V1_PARAMS {
        return Err(ApiError::new(
            "InvalidParameter",
            format!("The request has more than {MAX_V1_PARAMS} parameters."),
        ));
    }
    // A parameter given twice would mean what the first (or last) says:
    // refused, so `Action` or `Signature` cannot be read two ways.
    let mut names = std::collections::HashSet::with_capacity(pairs.len());
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !names.insert(k.as_str())) {
        return Err(ApiError::new(
            "InvalidParameter",
            format!("The parameter `{}` is given more than once.", excerpt(k)),
        ));
    }
    Ok(Some(pairs))
}

/// The `Action` and `Version` of a v1 request, for the call log, scripted
/// faults and routing (found without decoding the other parameters).
fn v1_common(source: &[u8]) -> (String, Option<String>) {
    let (mut action, mut version) = (None, None);
    for (k, v) in url::form_urlencoded::parse(source) {
        match &*k {
            "Action" if action.is_none() => action = Some(v.into_owned()),
            "Version" if version.is_none() => version = Some(v.into_owned()),
            _ => {}
        }
        if action.is_some() && version.is_some() {
            break;
        }
    }
    (action.unwrap_or_default(), version)
}

/// A v1 request: the same checks, errors and state as TC3, with the common
/// parameters among the action's.
fn process_v1(
    shared: &Shared,
    method: &str,
    headers: &hyper::HeaderMap,
    pairs: &[(String, String)],
    arrived: Instant,
    route: Option<usize>,
    seen: &mut Seen,
) -> Result<Map<String, Value>, ApiError> {
    let key = verify::authenticate_v1(shared, method, headers, pairs, shared.now())?;
    seen.authenticated = true;
    let language = verify::param(pairs, "Language").map(str::as_bytes);
    headers::language(language, "Language parameter")?;
    verify::content_type_v1(method, headers)?;
    let common = verify::Common {
        action: verify::param(pairs, "Action"),
        version: verify::param(pairs, "Version"),
        region: verify::param(pairs, "Region"),
    };
    let served = served(shared, route, &common)?;
    let op = verify::operation(&served.info, &common)?;
    rate_limit(shared, key.secret_id(), served, op, arrived)?;
    let json = verify::decode_pairs(
        op.request,
        pairs
            .iter()
            .filter(|(k, _)| !verify::V1_COMMON.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    let bytes = pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    seen.log_params(&json, bytes);
    verify::check_params(op.request, &json)?;
    if op.retry_safe {
        return shared.answer(served, op, &json);
    }
    // A write: the same signed request is acted on once (see `replay.rs`).
    let fingerprint = replay::Replays::fingerprint(
        key.secret_id(),
        verify::param(pairs, "Signature").unwrap_or_default(),
    );
    if !lock(&shared.replays).first_use(fingerprint) {
        return Err(ApiError::new(
            "InvalidParameterValue",
            format!(
                "This signed request (Nonce `{}`) was already acted on: a replayed write is \
                 refused within the timestamp window. Sign a new request with a fresh Nonce.",
                excerpt(verify::param(pairs, "Nonce").unwrap_or_default())
            ),
        ));
    }
    let result = shared.answer(served, op, &json);
    if result.is_err() {
        lock(&shared.replays).forget(&fingerprint);
    }
    result
}

/// `RequestLimitExceeded` past the action's documented limit, as the
/// service answers it (HTTP 200, the error envelope).
fn rate_limit(
    shared: &Shared,
    secret_id: &str,
    served: &Served,
    op: &OperationInfo,
    arrived: Instant,
) -> Result<(), ApiError> {
    let service = served.info.name;
    match &shared.rate_limits {
        Some(limits)
            if !limits.admit(
                secret_id,
                service,
                op.action,
                op.rate_limit_per_second,
                arrived,
            ) =>
        {
            Err(ApiError::new(
                "RequestLimitExceeded",
                format!(
                    "Your requests to `{}` exceed the frequency limit of {} per second. Please reduce the frequency of calls.",
                    op.action, op.rate_limit_per_second
                ),
            ))
        }
        _ => Ok(()),
    }
}

fn envelope(shared: &Shared, result: Result<Map<String, Value>, ApiError>) -> Answer {
    let mut inner = match result {
        Ok(members) => members,
        Err(e) => {
            let mut m = Map::new();
            m.insert(
                "Error".to_owned(),
                json!({"Code": e.code, "Message": e.message}),
            );
            m
        }
    };
    inner.insert("RequestId".to_owned(), Value::String(shared.request_id()));
    let body = json!({ "Response": inner }).to_string();
    raw(shared, 200, "application/json", &body)
}

/// An answer dated by the mock's clock (hyper would date it by this
/// machine's).
fn raw(shared: &Shared, status: u16, content_type: &'static str, body: &str) -> Answer {
    let mut resp = Response::new(Full::new(Bytes::copy_from_slice(body.as_bytes())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    if let Ok(date) = hyper::header::HeaderValue::from_str(&crate::http_date(shared.now())) {
        resp.headers_mut().insert(hyper::header::DATE, date);
    }
    resp
}
