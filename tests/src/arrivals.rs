//! Measuring the rate limit at the far end of the wire: a server that
//! timestamps every request head it receives, a TCP proxy that makes each
//! new connection slow (a far-away TLS handshake), credentials that stall
//! (a first fetch, a role refresh), and the rolling-window count.
//!
//! Everything listens on 127.0.0.1 only.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tcmpp_api::credentials::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A valid `DescribeMNPAllStageVersions` answer: `RequestId` is the only
/// required member.
pub const DESCRIBE_ANSWER: &str =
    r#"{"Response":{"Data":[],"RequestId":"6a1f0c2e-arrivals-0000-0000-000000000000"}}"#;

/// An HTTP/1.1 server on 127.0.0.1 that records when each request head
/// arrives and answers [`DESCRIBE_ANSWER`]. Stops when dropped.
pub struct ArrivalServer {
    addr: SocketAddr,
    arrivals: Arc<Mutex<Vec<Instant>>>,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl ArrivalServer {
    /// Binds a free port of 127.0.0.1 and serves.
    pub async fn start() -> std::io::Result<ArrivalServer> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let (log, conns) = (arrivals.clone(), connections.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                conns.fetch_add(1, Ordering::SeqCst);
                let log = log.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<Incoming>| {
                        // hyper calls the service once the head is parsed.
                        let at = Instant::now();
                        if let Ok(mut l) = log.lock() {
                            l.push(at);
                        }
                        async move {
                            // Read the body before answering, as a server would.
                            let _ = req.into_body().collect().await;
                            let mut resp =
                                hyper::Response::new(Full::new(Bytes::from(DESCRIBE_ANSWER)));
                            resp.headers_mut().insert(
                                hyper::header::CONTENT_TYPE,
                                hyper::header::HeaderValue::from_static("application/json"),
                            );
                            Ok::<_, std::convert::Infallible>(resp)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(ArrivalServer {
            addr,
            arrivals,
            connections,
            task,
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// When each request head arrived, in arrival order.
    pub fn arrivals(&self) -> Vec<Instant> {
        self.arrivals.lock().map(|a| a.clone()).unwrap_or_default()
    }

    /// Connections accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for ArrivalServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A TCP proxy on 127.0.0.1: each new accepted connection waits `delay`
/// before it is connected to the upstream, then bytes are piped both ways.
/// A request written on a new connection therefore reaches the upstream
/// `delay` late, as after a TLS handshake to a far region; requests on a
/// connection already piped go straight through. Stops when dropped (the
/// piping tasks end with their connections).
pub struct DelayProxy {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl DelayProxy {
    /// Proxies to `upstream` with `delay` per new connection.
    pub async fn start(upstream: SocketAddr, delay: Duration) -> std::io::Result<DelayProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicUsize::new(0));
        let conns = connections.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                conns.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    tokio::time::sleep(delay).await;
                    let Ok(mut outbound) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                });
            }
        });
        Ok(DelayProxy {
            addr,
            connections,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Connections accepted (each paid the delay once).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Credentials whose `stall_on`-th fetch (1-based) takes `stall`, like a
/// provider's first fetch or a CVM role refresh. Like `CvmRoleProvider`, it
/// is single-flight: fetches that come while the slow one runs wait for it.
/// Clones share the fetch count (the same provider behind several clients).
#[derive(Clone)]
pub struct StallingCredentials {
    secret_id: Arc<str>,
    stall_on: usize,
    stall: Duration,
    /// Fetches begun so far.
    fetches: Arc<AtomicUsize>,
    /// Held through each fetch, so the slow one holds up the others.
    flight: Arc<tokio::sync::Mutex<()>>,
}

impl StallingCredentials {
    /// Never stalls.
    pub fn fast(secret_id: &str) -> Self {
        Self::stalling_on(secret_id, 0, Duration::ZERO)
    }

    /// The first fetch takes `stall`; later ones are instant.
    pub fn slow_first(secret_id: &str, stall: Duration) -> Self {
        Self::stalling_on(secret_id, 1, stall)
    }

    /// The `n`-th fetch (1-based; 0 for never) takes `stall`.
    pub fn stalling_on(secret_id: &str, n: usize, stall: Duration) -> Self {
        StallingCredentials {
            secret_id: secret_id.into(),
            stall_on: n,
            stall,
            fetches: Arc::new(AtomicUsize::new(0)),
            flight: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// Fetches begun so far.
    pub fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for StallingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StallingCredentials")
            .field("secret_id", &self.secret_id)
            .field("stall_on", &self.stall_on)
            .field("stall", &self.stall)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for StallingCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move {
            let flight = self.flight.lock().await;
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            if n == self.stall_on {
                tokio::time::sleep(self.stall).await;
            }
            drop(flight);
            Credentials::new(&*self.secret_id, "arrivals-test-secret-key")
        })
    }
}

/// A limiter outside the client that is right by construction, to show
/// the measurement can pass: a call holds one of `limit` permits from
/// before it starts until `window` after it ends. A request arrives while
/// its call runs, so when the `limit + 1`-th arrival of a span shorter than
/// `window` came, all `limit + 1` permits would have been held at once.
#[derive(Clone, Debug)]
pub struct Pacer {
    permits: Arc<tokio::sync::Semaphore>,
    window: Duration,
}

impl Pacer {
    /// `limit` calls per `window`, measured from each call's end.
    pub fn new(limit: usize, window: Duration) -> Pacer {
        Pacer {
            permits: Arc::new(tokio::sync::Semaphore::new(limit)),
            window,
        }
    }

    /// Runs `call` under the limit (waiting in arrival order).
    pub async fn run<T>(&self, call: impl Future<Output = T>) -> T {
        let permit = self.permits.clone().acquire_owned().await;
        let out = call.await;
        let window = self.window;
        tokio::spawn(async move {
            tokio::time::sleep(window).await;
            drop(permit);
        });
        out
    }
}

/// The most arrivals in any closed window `[t0, t0 + window]` (the strict
/// reading: both ends count). `times` need not be sorted.
pub fn max_in_any_window(times: &[Instant], window: Duration) -> usize {
    busiest_window(times, window).map_or(0, |(n, _)| n)
}

/// The most arrivals in any closed window and the index (in sorted order)
/// of the first arrival in it.
fn busiest_window(times: &[Instant], window: Duration) -> Option<(usize, usize)> {
    let mut sorted = times.to_vec();
    sorted.sort();
    let mut best: Option<(usize, usize)> = None;
    let mut end = 0;
    // A busiest window can always be slid right until it starts at an arrival.
    for (start, &t0) in sorted.iter().enumerate() {
        end = end.max(start);
        while end < sorted.len() && sorted[end].duration_since(t0) <= window {
            end += 1;
        }
        if best.is_none_or(|(n, _)| end - start > n) {
            best = Some((end - start, start));
        }
    }
    best
}

/// What the server saw, for assertion messages and the test log.
#[derive(Clone, Debug)]
pub struct ArrivalReport {
    /// Requests that arrived.
    pub count: usize,
    /// Most arrivals in any closed 1-second window.
    pub max_in_one_second: usize,
    /// Where that window starts, after the first arrival.
    pub busiest_from: Duration,
    /// From the first arrival to the last.
    pub span: Duration,
    /// `(count - 1) / span`, per second (0 with fewer than two arrivals).
    pub rate: f64,
    /// Arrivals per 100 ms slot after the first arrival, up to the last.
    pub per_100ms: Vec<usize>,
}

impl ArrivalReport {
    /// Summarises `times`.
    pub fn new(times: &[Instant]) -> ArrivalReport {
        let mut sorted = times.to_vec();
        sorted.sort();
        let (first, last) = match (sorted.first(), sorted.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => {
                return ArrivalReport {
                    count: 0,
                    max_in_one_second: 0,
                    busiest_from: Duration::ZERO,
                    span: Duration::ZERO,
                    rate: 0.0,
                    per_100ms: Vec::new(),
                };
            }
        };
        let (max, at) = busiest_window(&sorted, Duration::from_secs(1)).unwrap_or((0, 0));
        let span = last.duration_since(first);
        let rate = if sorted.len() > 1 && !span.is_zero() {
            (sorted.len() - 1) as f64 / span.as_secs_f64()
        } else {
            0.0
        };
        let slots = (span.as_millis() / 100) as usize + 1;
        let mut per_100ms = vec![0; slots];
        for t in &sorted {
            let slot = (t.duration_since(first).as_millis() / 100) as usize;
            if let Some(s) = per_100ms.get_mut(slot) {
                *s += 1;
            }
        }
        ArrivalReport {
            count: sorted.len(),
            max_in_one_second: max,
            busiest_from: sorted
                .get(at)
                .map_or(Duration::ZERO, |t| t.duration_since(first)),
            span,
            rate,
            per_100ms,
        }
    }
}

impl fmt::Display for ArrivalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} arrivals over {} ms ({:.1}/s); at most {} in a closed 1 s window (from +{} ms); per 100 ms: {:?}",
            self.count,
            self.span.as_millis(),
            self.rate,
            self.max_in_one_second,
            self.busiest_from.as_millis(),
            self.per_100ms,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(base: Instant, ms: &[u64]) -> Vec<Instant> {
        ms.iter()
            .map(|m| base + Duration::from_millis(*m))
            .collect()
    }

    #[test]
    fn the_window_is_closed_at_both_ends() {
        let base = Instant::now();
        let second = Duration::from_secs(1);
        // Exactly one second apart: the strict reading counts both.
        assert_eq!(max_in_any_window(&at(base, &[0, 1000]), second), 2);
        assert_eq!(max_in_any_window(&at(base, &[0, 1001]), second), 1);
        assert_eq!(max_in_any_window(&[], second), 0);
        assert_eq!(max_in_any_window(&at(base, &[5]), second), 1);
    }

    #[test]
    fn the_busiest_window_is_found_anywhere_and_order_does_not_matter() {
        let base = Instant::now();
        let second = Duration::from_secs(1);
        let times = at(base, &[2500, 0, 100, 1200, 1300, 1400, 2100, 900]);
        // [900, 1900] holds 900, 1200, 1300, 1400.
        assert_eq!(max_in_any_window(&times, second), 4);
        let r = ArrivalReport::new(&times);
        assert_eq!(r.max_in_one_second, 4);
        assert_eq!(r.busiest_from, Duration::from_millis(900));
        assert_eq!(r.span, Duration::from_millis(2500));
        assert_eq!(r.per_100ms.iter().sum::<usize>(), 8);
        assert_eq!(r.per_100ms.len(), 26);
    }
}
