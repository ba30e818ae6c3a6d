//! What the HTTP layer refuses is answered as the service answers every
//! error: HTTP 200, `application/json`, the envelope with a code and a
//! `RequestId`. A URI over 65,534 bytes, headers too large or too many, a
//! malformed request line or header, a TLS handshake sent to the HTTP
//! server and plain HTTP sent to the HTTPS server; over TLS too. The
//! official clients read any other answer as a network or decoding error.
//!
//! And nothing else changed: valid requests, keep-alive, `HEAD`,
//! `Expect: 100-continue` and a scripted raw `400` are answered as before.
//! Each of those checks ends with a malformed request on the same
//! connection, which must still get the envelope: the rewriting follows
//! the framing of every answer before it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tcmpp_tests::calls::{self, MNP, PLATFORM};
use tcmpp_tests::wire::{Reply, code, exchange_reply, message, read_reply, send, tc3_post};
use tencentcloud_mock::{Fault, MockServer};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const DESCRIBE: &str = "DescribeMNPAllStageVersions";

/// A request line hyper cannot parse.
const GARBAGE: &[u8] = b"GARBAGE\r\n\r\n";

/// The first bytes a TLS client sends: a ClientHello record (TLS 1.3's
/// AES-128-GCM suite, no extensions).
fn client_hello() -> Vec<u8> {
    let mut hello = vec![
        0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03,
    ];
    hello.extend_from_slice(&[0x5a; 32]);
    hello.extend_from_slice(&[0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00, 0x00, 0x00]);
    hello
}

/// Checks `reply`'s status and content type.
fn assert_head(reply: &Reply, status: u16, content_type: &str) {
    assert_eq!(reply.status, status, "{reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some(content_type),
        "{reply:?}"
    );
}

/// Checks `reply` is the envelope with `code`, as the service answers an
/// error; returns its JSON.
fn assert_envelope(reply: &Reply, code_wanted: &str) -> Value {
    assert_head(reply, 200, "application/json");
    let answer = reply.json();
    assert_eq!(code(&answer), code_wanted, "{reply:?}");
    assert!(!message(&answer).is_empty(), "{answer}");
    let id = answer["Response"]["RequestId"].as_str().unwrap_or("");
    assert!(!id.is_empty(), "{answer}");
    answer
}

/// A signed Describe of the seed's mini program, as bytes.
fn describe_request(addr: SocketAddr, extra: &[(&str, &str)]) -> Vec<u8> {
    let body = json!({"MNPId": MNP, "PlatformId": PLATFORM}).to_string();
    tc3_post(addr, DESCRIBE, None, extra, body.as_bytes())
}

/// A mock, its address and a connection to it.
async fn connected() -> (MockServer, SocketAddr, TcpStream) {
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    let stream = TcpStream::connect(addr).await.unwrap();
    (mock, addr, stream)
}

/// Sends a signed Describe on `stream` and checks it succeeds.
async fn describe_succeeds(stream: &mut TcpStream, addr: SocketAddr) {
    let reply = send(stream, &describe_request(addr, &[]), false)
        .await
        .unwrap();
    assert_head(&reply, 200, "application/json");
    assert_eq!(code(&reply.json()), "", "{reply:?}");
}

/// Sends a malformed request on `stream` and checks it gets the envelope.
async fn garbage_gets_the_envelope(stream: &mut TcpStream) {
    let reply = send(stream, GARBAGE, false).await.unwrap();
    assert_envelope(&reply, "UnsupportedProtocol");
}

#[tokio::test]
async fn a_uri_over_65534_bytes_is_request_size_limit_exceeded() {
    const AHEAD: u64 = 2 * 86_400;
    let mock = MockServer::builder()
        .clock_offset_secs(AHEAD as i64)
        .start()
        .await
        .unwrap();
    let request = format!(
        "GET /?Action={DESCRIBE}&MNPId={} HTTP/1.1\r\nhost: {}\r\n\r\n",
        "a".repeat(70_000),
        mock.addr()
    );
    let reply = exchange_reply(mock.addr(), request.as_bytes())
        .await
        .unwrap();
    let answer = assert_envelope(&reply, "RequestSizeLimitExceeded");
    assert!(message(&answer).contains("URI"), "{answer}");
    assert_eq!(reply.header("connection"), Some("close"), "{reply:?}");
    // Dated by the mock's clock, like its other answers.
    let date = httpdate::parse_http_date(reply.header("date").unwrap()).unwrap();
    let ahead = date
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        .as_secs();
    assert!(ahead.abs_diff(AHEAD) < 60, "{reply:?}");
}

#[tokio::test]
async fn headers_too_large_or_too_many_are_request_size_limit_exceeded() {
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    // One 2 MB header: far more than hyper's read buffer (about 400 KiB).
    // At 500 KB a single read into the buffer's grown capacity could take
    // the whole head before the limit was checked (1 run in about 40).
    let big = "a".repeat(2_000_000);
    let request = tc3_post(addr, DESCRIBE, None, &[("x-big", &big)], b"{}");
    let reply = exchange_reply(addr, &request).await.unwrap();
    let answer = assert_envelope(&reply, "RequestSizeLimitExceeded");
    assert!(message(&answer).contains("headers"), "{answer}");
    // 200 small headers: more than hyper's 100.
    let names: Vec<String> = (0..200).map(|i| format!("x-h{i}")).collect();
    let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    let request = tc3_post(addr, DESCRIBE, None, &headers, b"{}");
    let reply = exchange_reply(addr, &request).await.unwrap();
    assert_envelope(&reply, "RequestSizeLimitExceeded");
    assert!(mock.calls().is_empty(), "{:?}", mock.calls());
}

#[tokio::test]
async fn what_is_not_http_is_unsupported_protocol() {
    let mock = MockServer::start().await.unwrap();
    let addr = mock.addr();
    let bad_header = format!("POST / HTTP/1.1\r\nhost: {addr}\r\nbad header line\r\n\r\n");
    let requests: [(&str, Vec<u8>); 3] = [
        ("a garbage request line", GARBAGE.to_vec()),
        ("a malformed header line", bad_header.into_bytes()),
        ("a TLS ClientHello", client_hello()),
    ];
    for (what, request) in requests {
        let reply = exchange_reply(addr, &request).await.unwrap();
        let answer = assert_envelope(&reply, "UnsupportedProtocol");
        assert!(
            message(&answer).contains("not a well-formed HTTP/1.1 request"),
            "{what}: {answer}"
        );
    }
    // Each RequestId is the mock's, one per answer.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let reply = exchange_reply(addr, GARBAGE).await.unwrap();
        ids.push(reply.json()["Response"]["RequestId"].clone());
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn https_answers_plain_http_and_its_own_refusals_in_the_envelope() {
    let mock = MockServer::builder().https(true).start().await.unwrap();
    let addr = mock.addr();
    let pem = mock.ca_certificate_pem().unwrap().to_owned();
    // Plain HTTP to the HTTPS server: answered in plain text, then closed.
    let reply = exchange_reply(addr, &describe_request(addr, &[]))
        .await
        .unwrap();
    let answer = assert_envelope(&reply, "UnsupportedProtocol");
    assert!(
        message(&answer).contains(&format!("https://{addr}")),
        "{answer}"
    );
    // Over TLS, what hyper refuses is put in the envelope too: 200 headers.
    let http = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .tls_certs_only([reqwest::Certificate::from_pem(pem.as_bytes()).unwrap()])
        .build()
        .unwrap();
    let mut request = http.get(mock.endpoint());
    for i in 0..200 {
        request = request.header(format!("x-h{i}"), "v");
    }
    let resp = request.send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let answer: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(code(&answer), "RequestSizeLimitExceeded", "{answer}");
    // And a valid call still works.
    let client = tcmpp_tests::client_builder(mock.endpoint())
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    calls::describe(&client).await.unwrap();
}

#[tokio::test]
async fn keep_alive_answers_are_followed_to_the_next_refusal() {
    let (_mock, addr, mut stream) = connected().await;
    describe_succeeds(&mut stream, addr).await;
    describe_succeeds(&mut stream, addr).await;
    garbage_gets_the_envelope(&mut stream).await;
}

#[tokio::test]
async fn a_head_request_is_answered_without_a_body() {
    let (_mock, addr, mut stream) = connected().await;
    let head = format!("HEAD / HTTP/1.1\r\nhost: {addr}\r\n\r\n");
    // Fails on bytes past the head (a body sent to HEAD).
    let reply = send(&mut stream, head.as_bytes(), true).await.unwrap();
    assert_head(&reply, 200, "application/json");
    // The connection is still usable.
    describe_succeeds(&mut stream, addr).await;
    garbage_gets_the_envelope(&mut stream).await;
}

#[tokio::test]
async fn expect_100_continue_still_works() {
    let (_mock, addr, mut stream) = connected().await;
    let request = describe_request(addr, &[("expect", "100-continue")]);
    let blank = request.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let (head, body) = request.split_at(blank);
    stream.write_all(head).await.unwrap();
    let go_on = tokio::time::timeout(Duration::from_secs(5), read_reply(&mut stream, false))
        .await
        .expect("no 100 Continue")
        .unwrap();
    assert_eq!(go_on.status, 100, "{go_on:?}");
    stream.write_all(body).await.unwrap();
    let reply = read_reply(&mut stream, false).await.unwrap();
    assert_head(&reply, 200, "application/json");
    assert_eq!(code(&reply.json()), "", "{reply:?}");
    garbage_gets_the_envelope(&mut stream).await;
}

#[tokio::test]
async fn a_scripted_raw_status_is_not_rewritten() {
    let (mock, addr, mut stream) = connected().await;
    mock.inject(
        Fault::Status {
            status: 400,
            body: String::new(),
        },
        1,
    );
    let reply = send(&mut stream, &describe_request(addr, &[]), false)
        .await
        .unwrap();
    assert_head(&reply, 400, "text/plain");
    assert!(reply.body.is_empty(), "{reply:?}");
    garbage_gets_the_envelope(&mut stream).await;
}
