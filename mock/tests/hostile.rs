//! The mock against hostile or careless clients: work before
//! authentication is bounded (a `SignedHeaders` list repeating a large
//! header, unsigned 10 MiB bodies, heads that send no body), work after it
//! is in proportion to the bytes sent (sparse list indices), 32 signed wide
//! bodies do not hold up other connections' answers, an oversized or
//! truncated body gets an answer that names it, error messages quote only
//! an excerpt of a value, and 1,000 requests in flight with 2,000 idle
//! connections do not stop a valid request.
//!
//! Memory is measured by this binary's own global allocator (heap bytes
//! live, all threads), so the tests here run one at a time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::alloc::System;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tcmpp_api::{RateLimit, RetryConfig};
use tcmpp_tests::calls::{self, MNP, PLATFORM};
use tcmpp_tests::v1;
use tcmpp_tests::wire::{code, exchange, message, now, read_answer, tc3_post};
use tencentcloud_mock::{Fault, MockServer};
use tencentcloud_runtime::signing;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DESCRIBE: &str = "DescribeMNPAllStageVersions";
const MIB: usize = 1 << 20;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes live on the heap, all threads together. (`stats_alloc` counts a
/// reallocation's growth in `bytes_allocated` and its shrinking in
/// `bytes_deallocated` already: adding `bytes_reallocated` would count
/// every grown buffer twice, for good.)
fn live() -> isize {
    let s = INSTRUMENTED_SYSTEM.stats();
    s.bytes_allocated as isize - s.bytes_deallocated as isize
}

/// The most heap bytes live above those live at its start, sampled every
/// half millisecond by a thread of its own (the growth this file looks for
/// lasts far longer).
struct PeakMeter {
    stop: Arc<AtomicBool>,
    sampler: std::thread::JoinHandle<isize>,
}

impl PeakMeter {
    fn start() -> Self {
        let base = live();
        let stop = Arc::new(AtomicBool::new(false));
        let done = stop.clone();
        let sampler = std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(live() - base);
                std::thread::sleep(Duration::from_micros(500));
            }
            peak.max(live() - base)
        });
        PeakMeter { stop, sampler }
    }

    /// The peak, in bytes.
    fn finish(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        usize::try_from(self.sampler.join().unwrap()).unwrap_or(0)
    }
}

/// One test at a time: the allocator's counts are the process's.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// An `Authorization` header with the demo key, a fresh date and a made-up
/// signature: what anyone can send, knowing only the public demo SecretId.
fn forged_authorization(signed_headers: &str) -> String {
    format!(
        "TC3-HMAC-SHA256 Credential={}/{}/tcmpp/tc3_request, SignedHeaders={signed_headers}, Signature={}",
        tencentcloud_mock::DEMO_SECRET_ID,
        signing::utc_date(now()),
        "0".repeat(64)
    )
}

fn client(mock: &MockServer) -> tcmpp_api::Client {
    tcmpp_tests::client_builder(mock.endpoint())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// How long a Describe takes.
async fn describe(client: &tcmpp_api::Client) -> Duration {
    let started = Instant::now();
    calls::describe(client).await.unwrap();
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_headers_list_repeating_a_large_header_costs_little() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::start().await.unwrap();
    // One 100 KB header, named 1,000 times: a 106 KB request.
    let big = "a".repeat(100_000);
    let names = format!("{}content-type;host", "x-big;".repeat(1_000));
    let request = tc3_post(
        mock.addr(),
        DESCRIBE,
        Some(forged_authorization(&names)),
        &[("x-big", &big)],
        b"{}",
    );
    let meter = PeakMeter::start();
    let started = Instant::now();
    let (status, answer) = exchange(mock.addr(), &request).await.unwrap();
    let took = started.elapsed();
    let peak = meter.finish();
    eprintln!(
        "{} byte request, SignedHeaders naming a 100 KB header 1,000 times: {} in {took:?}, \
         peak {} KiB above the start",
        request.len(),
        code(&answer),
        peak / 1024
    );
    assert_eq!(status, 200);
    assert_eq!(
        code(&answer),
        "AuthFailure.InvalidAuthorization",
        "{answer}"
    );
    assert!(message(&answer).contains("more than once"), "{answer}");
    // Before the fix: 209 MB and seconds of CPU for this request.
    assert!(peak < 4 * MIB, "peak {} KiB", peak / 1024);
    assert!(took < Duration::from_millis(500), "{took:?}");

    // Distinct names past the cap, and a name the request lacks, are
    // refused alike.
    let many: Vec<String> = (0..33).map(|i| format!("x-h{i}")).collect();
    let headers: Vec<(&str, &str)> = many.iter().map(|n| (n.as_str(), "v")).collect();
    let request = tc3_post(
        mock.addr(),
        DESCRIBE,
        Some(forged_authorization(&many.join(";"))),
        &headers,
        b"{}",
    );
    let (_, answer) = exchange(mock.addr(), &request).await.unwrap();
    assert_eq!(
        code(&answer),
        "AuthFailure.InvalidAuthorization",
        "{answer}"
    );
    assert!(message(&answer).contains("more than 32"), "{answer}");
    // A correctly signed request still passes.
    let body = json!({"MNPId": MNP, "PlatformId": PLATFORM}).to_string();
    let request = tc3_post(mock.addr(), DESCRIBE, None, &[], body.as_bytes());
    let (_, answer) = exchange(mock.addr(), &request).await.unwrap();
    assert_eq!(code(&answer), "", "{answer}");
}

/// Sends `head` then `body` from `clients` connections at once; returns
/// each one's answer code (or the I/O error).
async fn flood(
    addr: SocketAddr,
    clients: usize,
    head: Arc<Vec<u8>>,
    body: Arc<Vec<u8>>,
) -> Vec<Result<String, std::io::Error>> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (head, body) = (head.clone(), body.clone());
        set.spawn(async move {
            let mut stream = TcpStream::connect(addr).await?;
            stream.write_all(&head).await?;
            // The answer may come before the body is sent: write and read
            // at once, as a careful client does.
            let (mut rd, mut wr) = stream.split();
            let write = async {
                let _ = wr.write_all(&body).await;
            };
            let read = async {
                let mut all = Vec::new();
                rd.read_to_end(&mut all).await.map(|_| all)
            };
            let ((), all) = tokio::join!(write, read);
            let all = all?;
            let text = String::from_utf8_lossy(&all);
            let json = text.split("\r\n\r\n").nth(1).unwrap_or_default();
            let answer: Value = serde_json::from_str(json).unwrap_or_default();
            Ok(code(&answer).to_owned())
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_bodies_do_not_pin_memory() {
    const CLIENTS: usize = 60;
    let _serial = SERIAL.lock().await;
    // Bodies that find no budget are refused after 3 s (10 s by default),
    // so that the test ends sooner.
    let mock = MockServer::builder()
        .body_read_timeout(Duration::from_secs(3))
        .start()
        .await
        .unwrap();
    let addr = mock.addr();
    let body = Arc::new(vec![b' '; 10 * MIB - 1]);
    let head_of = |authorization: Option<String>| {
        let mut head = format!(
            "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
             x-tc-action: {DESCRIBE}\r\nx-tc-version: 2024-08-01\r\nx-tc-timestamp: {}\r\n\
             x-tc-region: ap-singapore\r\nconnection: close\r\ncontent-length: {}\r\n",
            now(),
            body.len()
        );
        if let Some(a) = authorization {
            head.push_str(&format!("authorization: {a}\r\n"));
        }
        head.push_str("\r\n");
        Arc::new(head.into_bytes())
    };

    // No signature at all: refused from the head, the bodies never read.
    let unsigned = head_of(None);
    let meter = PeakMeter::start();
    let started = Instant::now();
    let codes = flood(addr, CLIENTS, unsigned, body.clone()).await;
    let (took, peak) = (started.elapsed(), meter.finish());
    eprintln!(
        "{CLIENTS} unsigned 10 MiB bodies: peak {} KiB above the start, {took:?}",
        peak / 1024
    );
    for c in &codes {
        assert_eq!(
            c.as_deref().unwrap(),
            "AuthFailure.InvalidAuthorization",
            "{codes:?}"
        );
    }
    assert!(peak < 32 * MIB, "peak {} KiB", peak / 1024);

    // The public demo SecretId, a fresh date, a made-up signature: read
    // within the body budget (64 MiB by default), then refused.
    let forged = head_of(Some(forged_authorization("content-type;host")));
    let meter = PeakMeter::start();
    let started = Instant::now();
    let codes = flood(addr, CLIENTS, forged, body).await;
    let (took, peak) = (started.elapsed(), meter.finish());
    let refused = codes
        .iter()
        .filter(|c| matches!(c, Ok(c) if c == "AuthFailure.SignatureFailure"))
        .count();
    eprintln!(
        "{CLIENTS} forged 10 MiB bodies: {refused} SignatureFailure, the rest ServiceUnavailable; \
         peak {} KiB above the start, {took:?}",
        peak / 1024
    );
    for c in &codes {
        let c = c.as_deref().unwrap();
        assert!(
            c == "AuthFailure.SignatureFailure" || c == "ServiceUnavailable",
            "{codes:?}"
        );
    }
    assert!(refused > 0, "{codes:?}");
    assert!(peak < 128 * MIB, "peak {} KiB", peak / 1024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_truncated_bodies_are_answered_for_what_they_are() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    // Over 10 MB by its Content-Length: answered, the connection not reset
    // while the client is still sending (more than the sockets buffer).
    let body = vec![b' '; 24 * MIB];
    let request = tc3_post(addr, DESCRIBE, None, &[], &body);
    let (status, answer) = exchange(addr, &request)
        .await
        .expect("a body over 10 MB reset the connection");
    assert_eq!(status, 200);
    assert_eq!(code(&answer), "RequestSizeLimitExceeded", "{answer}");

    // Over 10 MB, chunked (no length known up front).
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         authorization: {}\r\nx-tc-timestamp: {}\r\ntransfer-encoding: chunked\r\n\r\n",
        forged_authorization("content-type;host"),
        now()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", MIB, " ".repeat(MIB));
    for _ in 0..24 {
        stream
            .write_all(chunk.as_bytes())
            .await
            .expect("a chunked body over 10 MB reset the connection");
    }
    stream.write_all(b"0\r\n\r\n").await.unwrap();
    let (_, answer) = read_answer(&mut stream).await.unwrap();
    assert_eq!(code(&answer), "RequestSizeLimitExceeded", "{answer}");

    // Shorter than its Content-Length, then the client stops sending: not
    // "exceeds 10 MB".
    let request = tc3_post(addr, DESCRIBE, None, &[], &[b' '; 1_000]);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(&request[..request.len() - 500])
        .await
        .unwrap();
    stream.shutdown().await.unwrap();
    let (_, answer) = read_answer(&mut stream).await.unwrap();
    assert_eq!(code(&answer), "InvalidRequest", "{answer}");
    assert!(
        message(&answer).contains("ended after 500 of its 1000 bytes"),
        "{answer}"
    );
}

#[tokio::test]
async fn error_messages_quote_an_excerpt_of_a_value() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let huge = "x".repeat(MIB);
    let e = client
        .describe_mnp_all_stage_versions()
        .mnp_id(&huge)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameterValue.InvalidMNPId"), "{e}");
    let m = e.message().unwrap();
    assert!(m.len() < 200, "{} bytes: {}", m.len(), &m[..200]);
    assert!(
        m.contains(&"x".repeat(64)) && m.contains("1048576 bytes"),
        "{m}"
    );
    // A 1 MB parameter name.
    let e = client
        .call_json(
            DESCRIBE,
            &json!({"MNPId": MNP, "PlatformId": PLATFORM, huge.clone(): 1}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("UnknownParameter"), "{e}");
    assert!(e.message().unwrap().len() < 200);
    // A v1 parameter's value, quoted before the signature is checked.
    let form = format!(
        "Action={DESCRIBE}&Version=2024-08-01&Region=ap-singapore&SecretId={}&Timestamp={}\
         &Nonce=1&Signature=x&SignatureMethod={huge}",
        tencentcloud_mock::DEMO_SECRET_ID,
        now()
    );
    let request = format!(
        "POST / HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         content-length: {}\r\n\r\n{form}",
        mock.addr(),
        form.len()
    );
    let (_, answer) = exchange(mock.addr(), request.as_bytes()).await.unwrap();
    assert_eq!(code(&answer), "InvalidParameterValue", "{answer}");
    assert!(message(&answer).len() < 200, "{}", message(&answer).len());
}

/// Raises the soft descriptor limit to at least `want` (as far as the hard
/// limit allows), or fails saying what to do.
fn ensure_descriptors(want: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_none_or(|soft| soft >= want) {
        return;
    }
    assert!(
        limit.maximum.is_none_or(|hard| hard >= want),
        "this test needs {want} file descriptors; the hard limit is {:?} (raise it: ulimit -Hn)",
        limit.maximum
    );
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(want),
            maximum: limit.maximum,
        },
    )
    .unwrap_or_else(|e| panic!("could not raise the soft descriptor limit to {want}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_requests_in_flight_and_two_thousand_idle_connections() {
    const IN_FLIGHT: usize = 1_000;
    const IDLE: usize = 2_000;
    let _serial = SERIAL.lock().await;
    // Both ends of every connection are in this process.
    ensure_descriptors(2 * (IN_FLIGHT + IDLE) as u64 + 512);
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    let started = Instant::now();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    // Each of the next 1,000 requests is answered after 3 s.
    mock.inject(Fault::Delay(Duration::from_secs(3)), IN_FLIGHT);
    let request = b"POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
    let mut slow = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        slow.spawn(exchange(addr, request));
    }
    while mock.calls().len() < IN_FLIGHT {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{} of {IN_FLIGHT} requests arrived",
            mock.calls().len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let ready = started.elapsed();
    let took = describe(&client(&mock)).await;
    eprintln!(
        "{IDLE} idle connections and {IN_FLIGHT} requests in flight after {ready:?}; \
         a Describe answered in {took:?}"
    );
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert_eq!(mock.handled(DESCRIBE), 1);
    // The slow ones are all answered in turn.
    let mut answered = 0;
    while let Some(r) = slow.join_next().await {
        let (_, answer) = r.unwrap().unwrap();
        assert_eq!(
            code(&answer),
            "AuthFailure.InvalidAuthorization",
            "{answer}"
        );
        answered += 1;
    }
    assert_eq!(answered, IN_FLIGHT);
    drop(idle);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_waits_for_its_share_of_the_budget_a_bounded_time() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::builder()
        .max_body_bytes_in_flight(MIB)
        .body_read_timeout(Duration::from_millis(500))
        .start()
        .await
        .unwrap();
    let addr = mock.addr();
    let forged = forged_authorization("content-type;host");
    // Holds the whole budget for 1.5 s: a 1 MiB body, read, then delayed.
    mock.inject(Fault::Delay(Duration::from_millis(1_500)), 1);
    let hog = tc3_post(addr, DESCRIBE, Some(forged.clone()), &[], &vec![b' '; MIB]);
    let hog = tokio::spawn(async move { exchange(addr, &hog).await });
    while mock.calls().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Another body finds no budget free until its deadline.
    let started = Instant::now();
    let waiting = tc3_post(addr, DESCRIBE, Some(forged.clone()), &[], &[b' '; 100_000]);
    let (_, answer) = exchange(addr, &waiting).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(code(&answer), "ServiceUnavailable", "{answer}");
    assert!(waited >= Duration::from_millis(400), "{waited:?}");
    assert!(waited < Duration::from_millis(1_400), "{waited:?}");
    let (_, answer) = hog.await.unwrap().unwrap();
    assert_eq!(code(&answer), "AuthFailure.SignatureFailure", "{answer}");
    // A body that does not arrive by the deadline is given up on.
    let slow = tc3_post(addr, DESCRIBE, Some(forged), &[], &[b' '; 1_000]);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(&slow[..slow.len() - 990]).await.unwrap();
    let (_, answer) = read_answer(&mut stream).await.unwrap();
    assert_eq!(code(&answer), "InvalidRequest", "{answer}");
    assert!(message(&answer).contains("did not arrive"), "{answer}");
    // A body larger than the whole budget can never be read.
    let over = tc3_post(addr, DESCRIBE, None, &[], &vec![b' '; 2 * MIB]);
    let (_, answer) = exchange(addr, &over).await.unwrap();
    assert_eq!(code(&answer), "RequestSizeLimitExceeded", "{answer}");
    let took = describe(&client(&mock)).await;
    eprintln!("a body found no budget for {waited:?}; then a Describe took {took:?}");
}

/// A v1 form `POST` as bytes on the wire, signed with the demo key.
fn v1_post(addr: SocketAddr, action: &str, params: &[(String, String)]) -> Vec<u8> {
    let mut all = v1::common(action, tencentcloud_mock::DEMO_SECRET_ID);
    all.push(("SignatureMethod".into(), "HmacSHA256".into()));
    all.extend_from_slice(params);
    let form = v1::signed(
        "POST",
        &addr.to_string(),
        tencentcloud_mock::DEMO_SECRET_KEY,
        all,
    );
    format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         content-length: {}\r\n\r\n{form}",
        form.len()
    )
    .into_bytes()
}

/// A v1 `GET` as bytes on the wire, signed with the demo key.
fn v1_get(addr: SocketAddr, action: &str, params: &[(String, String)]) -> Vec<u8> {
    let mut all = v1::common(action, tencentcloud_mock::DEMO_SECRET_ID);
    all.extend_from_slice(params);
    let query = v1::signed(
        "GET",
        &addr.to_string(),
        tencentcloud_mock::DEMO_SECRET_KEY,
        all,
    );
    format!("GET /?{query} HTTP/1.1\r\nhost: {addr}\r\n\r\n").into_bytes()
}

/// A TC3 `GET` of `params` as bytes on the wire, signed with the demo key.
fn tc3_get(addr: SocketAddr, action: &str, params: &[(String, String)]) -> Vec<u8> {
    let creds = tencentcloud_mock::demo_credentials();
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", v1::encode(k), v1::encode(v)))
        .collect();
    let query = query.join("&");
    let (timestamp, host) = (now(), addr.to_string());
    let date = signing::utc_date(timestamp);
    let canonical = signing::canonical_request_with("GET", &query, &[("host", &host)], b"");
    let signature =
        signing::signature_of_canonical(creds.secret_key(), timestamp, &date, "tcmpp", &canonical);
    format!(
        "GET /?{query} HTTP/1.1\r\nhost: {host}\r\nauthorization: TC3-HMAC-SHA256 \
         Credential={}/{date}/tcmpp/tc3_request, SignedHeaders=host, Signature={signature}\r\n\
         x-tc-action: {action}\r\nx-tc-version: 2024-08-01\r\nx-tc-timestamp: {timestamp}\r\n\
         x-tc-region: ap-singapore\r\n\r\n",
        creds.secret_id()
    )
    .into_bytes()
}

/// `Domain.I.DomainUrlList.10000=a` for each `I` in `outer`: every outer item
/// names one inner item, far past the first.
fn sparse_domains(outer: impl Iterator<Item = usize>) -> impl Iterator<Item = (String, String)> {
    outer.map(|i| (format!("Domain.{i}.DomainUrlList.10000"), "a".to_owned()))
}

/// As many sparse `Domain` pairs as fit a query string of about 56 KB
/// (hyper refuses a URI over 64 KiB).
fn sparse_query_domains() -> Vec<(String, String)> {
    let mut len = 0;
    sparse_domains(0..)
        .take_while(|(k, v)| {
            len += k.len() + v.len() + 2;
            len <= 56_000
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sparse_list_index_costs_what_was_sent() {
    let _serial = SERIAL.lock().await;
    let mock = MockServer::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let addr = mock.addr();
    // 10,001 outer items, each naming inner item 10,000: a 0.34 MB form.
    let sparse: Vec<_> = sparse_domains(0..=10_000).collect();
    let request = v1_post(addr, "CreateDomain", &sparse);
    let meter = PeakMeter::start();
    let started = Instant::now();
    let (status, answer) = exchange(addr, &request).await.unwrap();
    let (took, peak) = (started.elapsed(), meter.finish());
    eprintln!(
        "{} byte v1 POST naming Domain.I.DomainUrlList.10000 for 10,001 I: {} in {took:?}, \
         peak {} KiB above the start",
        request.len(),
        code(&answer),
        peak / 1024
    );
    assert_eq!(status, 200);
    assert_eq!(code(&answer), "InvalidParameter", "{answer}");
    assert!(
        message(&answer).contains("names item 10000 but not item 0"),
        "{answer}"
    );
    // Before: 3.15 GB and 8 s of CPU.
    assert!(peak < 64 * MIB, "peak {} KiB", peak / 1024);

    // The same shape over GET, v1 and TC3: about 1,700 pairs in a 60 KB URI.
    let pairs = sparse_query_domains();
    for (form, request) in [
        ("v1", v1_get(addr, "CreateDomain", &pairs)),
        ("TC3", tc3_get(addr, "CreateDomain", &pairs)),
    ] {
        let meter = PeakMeter::start();
        let (_, answer) = exchange(addr, &request).await.unwrap();
        let peak = meter.finish();
        eprintln!(
            "{form} GET of {} sparse pairs ({} bytes): {}, peak {} KiB",
            pairs.len(),
            request.len(),
            code(&answer),
            peak / 1024
        );
        assert_eq!(code(&answer), "InvalidParameter", "{form}: {answer}");
        // Before: 614 MB each.
        assert!(peak < 64 * MIB, "{form}: peak {} KiB", peak / 1024);
    }

    // Four such GETs at once beside a small valid one.
    let heavy = Arc::new(v1_get(addr, "CreateDomain", &pairs));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let heavy = heavy.clone();
        set.spawn(async move { exchange(addr, &heavy).await });
    }
    let small = tc3_get(
        addr,
        DESCRIBE,
        &[
            ("MNPId".to_owned(), MNP.to_owned()),
            ("PlatformId".to_owned(), PLATFORM.to_owned()),
        ],
    );
    let started = Instant::now();
    let (_, answer) = exchange(addr, &small).await.unwrap();
    let took = started.elapsed();
    assert_eq!(code(&answer), "", "{answer}");
    while let Some(r) = set.join_next().await {
        let (_, answer) = r.unwrap().unwrap();
        assert_eq!(code(&answer), "InvalidParameter", "{answer}");
    }
    eprintln!("a small GET beside four sparse GETs: {took:?}");
    // Before: 3.3 s.
    assert!(took < Duration::from_millis(500), "{took:?}");

    // Dense lists still decode, and a gap is named.
    let dense = [
        ("MNPId", MNP),
        ("PlatformId", PLATFORM),
        ("Domain.0.DomainType", "1"),
        ("Domain.0.DomainUrlList.0", "https://a.example.com"),
        ("Domain.0.DomainUrlList.1", "https://b.example.com"),
        ("Domain.1.DomainType", "2"),
        ("Domain.1.DomainUrlList.0", "https://c.example.com"),
    ];
    let dense: Vec<(String, String)> = dense
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let (_, answer) = exchange(addr, &v1_post(addr, "CreateDomain", &dense))
        .await
        .unwrap();
    assert_eq!(code(&answer), "", "{answer}");
    let mut gap = dense.clone();
    for (k, _) in &mut gap {
        if k == "Domain.1.DomainUrlList.0" {
            *k = "Domain.1.DomainUrlList.2".into();
        }
    }
    let (_, answer) = exchange(addr, &tc3_get(addr, "CreateDomain", &gap))
        .await
        .unwrap();
    assert_eq!(code(&answer), "InvalidParameter", "{answer}");
    assert!(
        message(&answer).contains("`Domain.1.DomainUrlList` names item 2 but not item 0"),
        "{answer}"
    );
}

/// The median and the slowest of `n` Describes, one after another.
async fn describes(client: &tcmpp_api::Client, n: usize) -> (Duration, Duration) {
    let mut took = Vec::with_capacity(n);
    for _ in 0..n {
        took.push(describe(client).await);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    took.sort();
    (took[n / 2], took[n - 1])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heads_that_send_no_body_hold_no_budget() {
    const STALLED: usize = 12;
    let _serial = SERIAL.lock().await;
    let mock = MockServer::builder()
        .rate_limits(false)
        .start()
        .await
        .unwrap();
    let addr = mock.addr();
    // No credentials, a declared 10 MB, then nothing: more heads than the
    // 64 MiB budget would fit if each reserved its length.
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         content-length: 10000000\r\n\r\n"
    );
    let mut stalled = Vec::new();
    for _ in 0..STALLED {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stalled.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (median, slowest) = describes(&client(&mock), 20).await;
    eprintln!(
        "{STALLED} heads declaring 10 MB and sending nothing: a Describe's median {median:?}, \
         slowest {slowest:?}"
    );
    // Before: up to 8.7 s (the seventh head waited for budget, and every
    // later body behind it).
    assert!(median < Duration::from_millis(100), "median {median:?}");
    assert!(slowest < Duration::from_millis(500), "slowest {slowest:?}");
    drop(stalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_light_request_beside_thirty_two_signed_wide_bodies() {
    const HEAVY_CLIENTS: usize = 32;
    let _serial = SERIAL.lock().await;
    // The bodies the budget cannot take are refused after 3 s (10 s by
    // default), so that the test ends sooner: each parse takes seconds in
    // a debug build.
    let mock = MockServer::builder()
        .rate_limits(false)
        .body_read_timeout(Duration::from_secs(3))
        .start()
        .await
        .unwrap();
    let addr = mock.addr();
    // Signed, 10^6 members (9.4 MB): hashed, parsed, then refused.
    let mut wide = format!("{{\"MNPId\":\"{MNP}\",\"PlatformId\":\"{PLATFORM}\"");
    for i in 0..1_000_000u32 {
        write!(wide, ",\"{i:x}\":0").unwrap();
    }
    wide.push('}');
    let request = Arc::new(tc3_post(addr, DESCRIBE, None, &[], wide.as_bytes()));
    drop(wide);
    let client = client(&mock);
    let (quiet, _) = describes(&client, 10).await;
    // One alone: what a wide body costs (the docs state it).
    let meter = PeakMeter::start();
    let (_, answer) = exchange(addr, &request).await.unwrap();
    let one = meter.finish();
    assert_eq!(code(&answer), "UnknownParameter", "{answer}");
    eprintln!(
        "one signed {} byte body of 10^6 members: peak {} MiB above the start",
        request.len(),
        one / MIB
    );
    assert!(one < 200 * MIB, "one body: peak {} MiB", one / MIB);
    let meter = PeakMeter::start();
    let started = Instant::now();
    let mut heavy = tokio::task::JoinSet::new();
    for _ in 0..HEAVY_CLIENTS {
        let request = request.clone();
        heavy.spawn(async move {
            exchange(addr, &request)
                .await
                .map(|(_, a)| code(&a).to_owned())
        });
    }
    // Let the bodies arrive and the first parses start, then 10 POSTs and
    // 10 GETs, taking turns, all while the heavy bodies wait for budget.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let get = tc3_get(
        addr,
        DESCRIBE,
        &[
            ("MNPId".to_owned(), MNP.to_owned()),
            ("PlatformId".to_owned(), PLATFORM.to_owned()),
        ],
    );
    let (mut posts, mut gets) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        posts.push(describe(&client).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let t = Instant::now();
        let (_, answer) = exchange(addr, &get).await.unwrap();
        gets.push(t.elapsed());
        assert_eq!(code(&answer), "", "{answer}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let probed = started.elapsed();
    let mut codes = Vec::new();
    while let Some(r) = heavy.join_next().await {
        codes.push(r.unwrap().unwrap());
    }
    let (took, peak) = (started.elapsed(), meter.finish());
    posts.sort();
    gets.sort();
    let parsed = codes.iter().filter(|c| *c == "UnknownParameter").count();
    eprintln!(
        "a POST alone: median {quiet:?}; beside {HEAVY_CLIENTS} signed 9.4 MB bodies of 10^6 \
         members: POST median {:?}, slowest {:?}; GET median {:?}, slowest {:?} (probed \
         within {probed:?}); {parsed} parsed, the rest refused, in {took:?}; peak {} MiB \
         above the start",
        posts[5],
        posts[9],
        gets[5],
        gets[9],
        peak / MIB
    );
    for c in &codes {
        assert!(
            c == "UnknownParameter" || c == "ServiceUnavailable",
            "{codes:?}"
        );
    }
    assert!(parsed > 0, "{codes:?}");
    assert!(
        probed < Duration::from_secs(6),
        "probes ended at {probed:?}"
    );
    // Before: a small POST waited 5.0 s beside 8 of them, 9.5 s beside 32.
    assert!(posts[5] < Duration::from_millis(100), "POSTs {posts:?}");
    assert!(gets[5] < Duration::from_millis(100), "GETs {gets:?}");
    assert!(posts[9] < Duration::from_secs(1), "POSTs {posts:?}");
    assert!(peak < 600 * MIB, "peak {} MiB", peak / MIB);
}
