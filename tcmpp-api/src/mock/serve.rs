//! HTTP: accept connections, apply scripted faults, answer in the service's
//! envelope.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::headers;
use super::verify::{self, ApiError};
use super::{CallRecord, Fault, Shared, lock};
use crate::operation::OperationInfo;

/// The service's documented limit on request bodies.
const MAX_BODY: usize = 10 * 1024 * 1024;
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
            };
            #[cfg(feature = "mock-tls")]
            if let Some(acceptor) = shared.tls.clone() {
                // A handshake is part of the head: same deadline. A client
                // that refuses the certificate ends it: not an error here.
                let handshake = acceptor.accept(io);
                if let Ok(Ok(tls)) =
                    tokio::time::timeout(shared.header_read_timeout, handshake).await
                {
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
    // Each request runs in its own task: a client that gives up
    // (timeout) must not cancel work the "service" has started.
    let service = service_fn(move |req| {
        let busy = Busy::new(seen.clone());
        let task = tokio::spawn(handle(req, shared.clone()));
        async move {
            let answer = task.await.unwrap_or(Err(Dropped));
            drop(busy);
            answer
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
}

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
        Pin::new(&mut self.inner).poll_shutdown(cx)
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
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map(|b| b.to_bytes());
    let action = match parts.headers.get("x-tc-action") {
        Some(v) => v.to_str().unwrap_or_default().to_owned(),
        None => body
            .as_ref()
            .ok()
            .and_then(|b| v1_action(&parts, b))
            .unwrap_or_default(),
    };
    let fault = shared.take_fault(&action);
    // Logged on arrival, so a slow request counts before it is answered.
    let index = {
        let mut log = lock(&shared.log);
        log.push(CallRecord {
            action: cut(action, MAX_ACTION_LOGGED),
            at: arrived,
            code: None,
            handled: false,
        })
    };
    let finish = |code: Option<String>, handled: bool, authenticated: bool| {
        if let Some(r) = lock(&shared.log).get_mut(index) {
            r.code = code;
            r.handled = handled;
            // A request that failed authentication keeps only a name from
            // the operation table: no caller-chosen bytes are kept for it,
            // but a skewed or mis-signed call can still be told apart.
            if !authenticated && !shared.operations.iter().any(|o| o.action == r.action) {
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
            let mut authenticated = false;
            let result = match body {
                Ok(body) => process(&shared, &parts, &body, arrived, &mut authenticated),
                Err(_) => Err(ApiError::new(
                    "RequestSizeLimitExceeded",
                    "The request body exceeds 10 MB.",
                )),
            };
            finish(
                result.as_ref().err().map(|e| e.code.clone()),
                result.is_ok(),
                authenticated,
            );
            if other == Some(Fault::Drop) {
                return Err(Dropped);
            }
            Ok(envelope(&shared, result))
        }
    }
}

/// Everything the service does for one request, in its order.
fn process(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    body: &Bytes,
    arrived: Instant,
    authenticated: &mut bool,
) -> Result<Map<String, Value>, ApiError> {
    let headers = &parts.headers;
    let method = if parts.method == Method::POST {
        "POST"
    } else if parts.method == Method::GET {
        "GET"
    } else {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!(
                "The HTTP method `{}` is not supported: use GET or POST.",
                parts.method
            ),
        ));
    };
    if parts.uri.path() != "/" {
        return Err(ApiError::new(
            "UnsupportedProtocol",
            format!(
                "The path `{}` is not supported: requests go to `/`.",
                parts.uri.path()
            ),
        ));
    }
    headers::single(headers)?;
    if let Some(pairs) = v1_pairs(parts, body) {
        return process_v1(shared, method, headers, &pairs, arrived, authenticated);
    }
    // TC3 signs the query string as sent for GET, nothing for POST.
    let query = match method {
        "GET" => parts.uri.query().unwrap_or(""),
        _ => "",
    };
    let service = shared
        .operations
        .first()
        .map_or("", |o| o.service.signing_service);
    let signed = verify::Signed {
        method,
        query,
        headers,
        body,
    };
    let key = verify::authenticate(shared, &signed, service, shared.now())?;
    *authenticated = true;
    let language = headers.get("x-tc-language").map(|v| v.as_bytes());
    headers::language(language, "X-TC-Language header")?;
    verify::content_type(method, headers)?;
    let op = verify::operation(shared, &verify::Common::from_headers(headers))?;
    rate_limit(shared, key.secret_id(), op, arrived)?;
    let json: Value = if method == "GET" {
        verify::decode_query(op.request, query)?
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::new(
                "InvalidParameter",
                format!("The request body is not valid JSON: {e}"),
            )
        })?
    };
    verify::check_params(op.request, &json)?;
    lock(&shared.store).handle(op, &json)
}

/// The parameters of a v1 request: one without a TC3 `Authorization`
/// header that is a `GET` (parameters in the query string) or a `POST` of
/// `application/x-www-form-urlencoded` (parameters in the body).
fn v1_pairs(parts: &hyper::http::request::Parts, body: &[u8]) -> Option<Vec<(String, String)>> {
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
    let source = if parts.method == Method::GET {
        parts.uri.query().unwrap_or("").as_bytes()
    } else if parts.method == Method::POST && form {
        body
    } else {
        return None;
    };
    Some(url::form_urlencoded::parse(source).into_owned().collect())
}

/// The `Action` of a v1 request, for the call log and scripted faults.
fn v1_action(parts: &hyper::http::request::Parts, body: &[u8]) -> Option<String> {
    v1_pairs(parts, body).and_then(|pairs| verify::param(&pairs, "Action").map(str::to_owned))
}

/// A v1 request: the same checks, errors and state as TC3, with the common
/// parameters among the action's.
fn process_v1(
    shared: &Shared,
    method: &str,
    headers: &hyper::HeaderMap,
    pairs: &[(String, String)],
    arrived: Instant,
    authenticated: &mut bool,
) -> Result<Map<String, Value>, ApiError> {
    let key = verify::authenticate_v1(shared, method, headers, pairs, shared.now())?;
    *authenticated = true;
    let language = verify::param(pairs, "Language").map(str::as_bytes);
    headers::language(language, "Language parameter")?;
    verify::content_type_v1(method, headers)?;
    let common = verify::Common {
        action: verify::param(pairs, "Action"),
        version: verify::param(pairs, "Version"),
        region: verify::param(pairs, "Region"),
    };
    let op = verify::operation(shared, &common)?;
    rate_limit(shared, key.secret_id(), op, arrived)?;
    let json = verify::decode_pairs(
        op.request,
        pairs
            .iter()
            .filter(|(k, _)| !verify::V1_COMMON.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    verify::check_params(op.request, &json)?;
    lock(&shared.store).handle(op, &json)
}

/// `RequestLimitExceeded` past the action's documented limit, as the
/// service answers it (HTTP 200, the error envelope).
fn rate_limit(
    shared: &Shared,
    secret_id: &str,
    op: &OperationInfo,
    arrived: Instant,
) -> Result<(), ApiError> {
    match &shared.rate_limits {
        Some(limits) if !limits.admit(secret_id, op.action, op.rate_limit_per_second, arrived) => {
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
    if let Ok(date) =
        hyper::header::HeaderValue::from_str(&crate::clock::format_http_date(shared.now()))
    {
        resp.headers_mut().insert(hyper::header::DATE, date);
    }
    resp
}
