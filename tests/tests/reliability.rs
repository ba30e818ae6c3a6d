//! Retries, rate limiting, pool hygiene and bounded answers, against the
//! mock's scripted faults. Exact attempt counts; CreateMNPVersion reaches
//! the server exactly once under every ambiguous fault.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::Duration;

use tcmpp_api::actions::create_mnp_version::{
    CreateMnpVersionError, CreateMnpVersionErrorKind, CreateMnpVersionOutput,
};
use tcmpp_api::error::{ErrorKind, ResponseErrorKind, TransportErrorKind};
use tcmpp_api::{Client, RateLimit, RetryConfig, SdkError};
use tcmpp_tests::calls::{self, MNP, PLATFORM, describe};
use tcmpp_tests::client_builder;
use tcmpp_tests::server::{RawServer, Reply, TestServer, json_response};
use tencentcloud_mock::{Answer, Fault, MockServer};

const CREATE: &str = "CreateMNPVersion";
const DESCRIBE: &str = "DescribeMNPAllStageVersions";

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn client(mock: &MockServer, retry: RetryConfig) -> Client {
    client_builder(mock.endpoint())
        .retry(retry)
        .attempt_timeout(Duration::from_millis(400))
        .build()
        .unwrap()
}

async fn create(
    c: &Client,
    version: &str,
) -> Result<CreateMnpVersionOutput, SdkError<CreateMnpVersionError>> {
    calls::create(c, version, "reliability").await
}

fn arrivals(mock: &MockServer, action: &str) -> usize {
    mock.calls().iter().filter(|c| c.action == action).count()
}

#[tokio::test]
async fn throttling_is_retried_for_every_action() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries());
    mock.inject(Fault::error("RequestLimitExceeded", "slow down"), 2);
    describe(&c).await.unwrap();
    assert_eq!(arrivals(&mock, DESCRIBE), 3);

    mock.inject(
        Fault::error("RequestLimitExceeded.UinLimitExceeded", "slow down"),
        1,
    );
    mock.inject(
        Fault::error("RequestLimitExceeded.IPLimitExceeded", "slow down"),
        1,
    );
    create(&c, "1.0.401").await.unwrap();
    assert_eq!(
        arrivals(&mock, CREATE),
        3,
        "throttled requests were not acted on: safe to resend"
    );
    assert_eq!(mock.handled(CREATE), 1);

    // Exhausted: the last error, with the attempt count.
    mock.inject(Fault::error("RequestLimitExceeded", "slow down"), 5);
    let e = describe(&c).await.unwrap_err();
    assert_eq!(e.code(), Some("RequestLimitExceeded"));
    assert_eq!(e.attempts(), 3);
    assert!(e.to_string().ends_with("(after 3 attempts)"), "{e}");
    assert_eq!(arrivals(&mock, DESCRIBE), 6);
    mock.clear_faults();
}

#[tokio::test]
async fn gateway_and_internal_errors_are_retried_only_for_safe_actions() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries());
    for fault in [
        Fault::Html502,
        Fault::Status {
            status: 503,
            body: "busy".into(),
        },
        Fault::Status {
            status: 504,
            body: "late".into(),
        },
        Fault::error("InternalError", "oops"),
        Fault::error("ServiceUnavailable", "later"),
    ] {
        let before = arrivals(&mock, DESCRIBE);
        mock.inject(fault.clone(), 1);
        describe(&c).await.unwrap();
        assert_eq!(
            arrivals(&mock, DESCRIBE) - before,
            2,
            "Describe retried after {fault:?}"
        );

        let before = arrivals(&mock, CREATE);
        mock.inject(fault.clone(), 1);
        let e = create(&c, "1.0.402").await.unwrap_err();
        assert_eq!(e.attempts(), 1, "Create not retried after {fault:?}");
        assert_eq!(arrivals(&mock, CREATE) - before, 1);
    }
    // A client error status is not retried at all.
    mock.inject(
        Fault::Status {
            status: 400,
            body: "no".into(),
        },
        1,
    );
    assert_eq!(describe(&c).await.unwrap_err().attempts(), 1);
    assert_eq!(mock.handled(CREATE), 0);
}

#[tokio::test]
async fn a_dropped_answer_never_resends_create() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries());
    mock.inject(Fault::Drop, 1);
    describe(&c).await.unwrap();
    assert_eq!(mock.handled(DESCRIBE), 2);

    mock.inject(Fault::Drop, 1);
    let e = create(&c, "1.0.403").await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Io),
        "{e:?}"
    );
    assert_eq!(e.attempts(), 1);
    assert_eq!(
        mock.handled(CREATE),
        1,
        "the version exists: re-sending would create it twice"
    );
    assert_eq!(arrivals(&mock, CREATE), 1);
}

#[tokio::test]
async fn a_timed_out_create_reaches_the_server_exactly_once() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries());
    mock.inject(Fault::Delay(Duration::from_millis(700)), 1);
    describe(&c).await.unwrap();
    assert_eq!(arrivals(&mock, DESCRIBE), 2);

    mock.inject(Fault::Delay(Duration::from_millis(700)), 1);
    let e = create(&c, "1.0.404").await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Timeout(t) if !t.while_connecting()),
        "{e:?}"
    );
    assert_eq!(e.attempts(), 1);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        mock.handled(CREATE),
        1,
        "the slow request was acted on, once"
    );
    assert_eq!(arrivals(&mock, CREATE), 1);
}

#[tokio::test]
async fn opting_in_retries_create_after_ambiguous_failures() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries().retry_ambiguous(true));
    mock.inject(Fault::Drop, 1);
    create(&c, "1.0.405").await.unwrap();
    assert_eq!(mock.handled(CREATE), 2, "the caller accepted the duplicate");
}

#[tokio::test]
async fn refused_connections_are_retried_for_every_action() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client_builder(format!("http://127.0.0.1:{port}"))
        .retry(fast_retries().with_max_attempts(4))
        .build()
        .unwrap();
    let e = create(&c, "1.0.406").await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Connect),
        "{e:?}"
    );
    assert_eq!(e.attempts(), 4);
}

/// A rate-limit wait a person would notice (100 ms or more) is an info
/// event, with how long it waited: progress a program like `tcmpp` shows.
#[tokio::test]
async fn a_long_rate_limit_wait_is_an_info_event() {
    let (logs, _guard) = tcmpp_tests::logs::capture();
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint())
        .rate_limit(RateLimit::PerSecond(1))
        .rate_limit_scope(tcmpp_api::RateLimitScope::Client)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
    let first = logs.text();
    assert!(
        !first.contains("rate limit"),
        "the first call waited:\n{first}"
    );
    describe(&c).await.unwrap();
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("rate limit"))
        .unwrap_or_else(|| panic!("no rate-limit event:\n{text}"));
    assert!(line.contains(" INFO "), "{line}");
    let waited: u64 = line
        .split("waited_ms=")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no waited_ms: {line}"));
    assert!(waited >= 900, "{line}");
    assert!(line.contains("per_second=1"), "{line}");
}

#[tokio::test]
async fn attempts_show_in_tracing() {
    let (logs, _guard) = tcmpp_tests::logs::capture();
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries());
    mock.inject(Fault::error("RequestLimitExceeded", "slow down"), 2);
    describe(&c).await.unwrap();
    let text = logs.text();
    assert_eq!(text.matches("retrying").count(), 2, "{text}");
    assert!(text.contains("attempt=3"), "{text}");
    assert!(
        text.contains("outcome=\"ok\"") || text.contains("outcome=ok"),
        "{text}"
    );
}

#[tokio::test]
async fn retries_off_means_one_attempt() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, RetryConfig::disabled());
    mock.inject(Fault::error("RequestLimitExceeded", "slow down"), 1);
    assert_eq!(describe(&c).await.unwrap_err().attempts(), 1);
    assert_eq!(arrivals(&mock, DESCRIBE), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_never_exceeds_the_limit_in_any_rolling_second() {
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint()).build().unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { describe(&c).await.map(|_| ()) })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let mut at: Vec<_> = mock.calls().iter().map(|c| c.at).collect();
    assert_eq!(
        at.len(),
        100,
        "all succeeded at the first attempt: none throttled, none lost"
    );
    at.sort();
    let worst = (0..at.len())
        .map(|i| {
            at[i..]
                .iter()
                .take_while(|t| t.duration_since(at[i]) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap();
    assert!(worst <= 20, "{worst} requests arrived within one second");
    assert!(
        worst >= 15,
        "the limiter should still let bursts of nearly 20 through, saw {worst}"
    );
}

#[tokio::test]
async fn rate_limits_are_per_action_and_configurable() {
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint())
        .rate_limit(RateLimit::PerSecond(2))
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    describe(&c).await.unwrap();
    describe(&c).await.unwrap();
    // Describe's budget for this second is spent; Create's is not.
    create(&c, "1.0.407").await.unwrap();
    let create_done = started.elapsed();
    assert!(
        create_done < Duration::from_millis(500),
        "Create has its own budget: {create_done:?}"
    );
    describe(&c).await.unwrap();
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1),
        "the third Describe waited: {elapsed:?}"
    );
    assert!(
        Client::builder()
            .region("ap-singapore")
            .rate_limit(RateLimit::PerSecond(0))
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn a_silently_closed_idle_connection_is_not_a_failure() {
    let body = r#"{"Response":{"Data":{"TaskId":"t"},"RequestId":"r"}}"#;
    let server = RawServer::start(json_response(body), true).await.unwrap();
    let c = client_builder(server.url())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    for i in 0..5 {
        create(&c, &format!("1.0.{i}")).await.unwrap();
    }
    assert_eq!(server.requests(), 5, "each Create sent once");
    assert_eq!(server.connections(), 5);
}

#[tokio::test]
async fn idle_connections_are_dropped_from_the_pool() {
    let body = r#"{"Response":{"Data":[],"RequestId":"r"}}"#;
    let server = RawServer::start(json_response(body), false).await.unwrap();
    let c = client_builder(server.url())
        .pool_idle_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let call = || {
        c.describe_mnp_all_stage_versions()
            .mnp_id("m")
            .platform_id("p")
            .send()
    };
    call().await.unwrap();
    call().await.unwrap();
    assert_eq!(server.connections(), 1, "reused while fresh");
    tokio::time::sleep(Duration::from_millis(400)).await;
    call().await.unwrap();
    assert_eq!(
        server.connections(),
        2,
        "a new connection after the idle timeout"
    );
}

#[tokio::test]
async fn answers_are_bounded() {
    let big = format!(
        r#"{{"Response":{{"Data":[],"Pad":"{}","RequestId":"r"}}}}"#,
        "x".repeat(2 << 20)
    );
    let server = TestServer::start(move |_| Reply::Raw {
        status: 200,
        content_type: "application/json",
        body: big.clone(),
    })
    .await
    .unwrap();
    let c = client_builder(server.url())
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let e = c
        .describe_mnp_all_stage_versions()
        .mnp_id("m")
        .platform_id("p")
        .send()
        .await
        .unwrap_err();
    match e.kind() {
        ErrorKind::Response(r) => {
            assert_eq!(r.kind(), &ResponseErrorKind::TooLarge { limit: 1 << 20 })
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.attempts(), 1);

    // Without Content-Length (chunked), the limit holds while reading.
    let mut chunked =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_vec();
    for _ in 0..40 {
        chunked.extend_from_slice(format!("{:x}\r\n{}\r\n", 65536, "y".repeat(65536)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let raw = RawServer::start(chunked, false).await.unwrap();
    let c = client_builder(raw.url())
        .max_response_bytes(1 << 20)
        .build()
        .unwrap();
    let e = c
        .describe_mnp_all_stage_versions()
        .mnp_id("m")
        .platform_id("p")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Response(r) if matches!(r.kind(), ResponseErrorKind::TooLarge { .. })),
        "{e:?}"
    );
}

#[tokio::test]
async fn odd_parameters_are_typed_errors_or_correct_answers() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, RetryConfig::disabled());
    // Non-ASCII round-trips through signing, the mock and decoding.
    let intro = "版本介绍 ✓ — \u{1F680} \"quoted\" \\ back";
    c.create_mnp_version()
        .mnp_id(MNP)
        .mnp_version("1.0.500")
        .file_url("https://files.example.com/包.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro(intro)
        .send()
        .await
        .unwrap();
    let listed = describe(&c).await.unwrap().data.unwrap();
    assert_eq!(
        listed.last().unwrap().mnp_version_intro.as_deref(),
        Some(intro)
    );

    // Empty values are the service's business: a typed error.
    let e = c
        .describe_mnp_all_stage_versions()
        .mnp_id("")
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameterValue.InvalidMNPId"));

    // A body over the service's 10 MB limit.
    let huge = "x".repeat(11 << 20);
    let c = client_builder(mock.endpoint())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = c
        .create_mnp_version()
        .mnp_id(MNP)
        .mnp_version("1.0.501")
        .file_url("https://f/a.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro(huge)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.as_service_error().map(|s| s.kind()),
        Some(CreateMnpVersionErrorKind::RequestSizeLimitExceeded),
        "{e}"
    );
}

/// The compile task's waiter over scripted answers: a task read until it succeeds
/// goes through pending and running, an `InternalError` between them
/// retried by the client (the describe is safe to resend), each poll one
/// scripted answer with a RequestId of the mock's.
#[tokio::test]
async fn a_compile_task_is_polled_through_scripted_states() {
    let mock = MockServer::start().await.unwrap();
    let c = client(&mock, fast_retries());
    let task = |status: i64, msg: &str| {
        Answer::ok(serde_json::json!({"Data": {
            "TaskId": "task-1", "MNPId": MNP, "TaskStatus": status, "TaskMsg": msg,
        }}))
    };
    mock.script(
        "DescribeConsoleMNPVersionCompileTask",
        [
            task(10, "Pending"),
            task(20, "Running"),
            Answer::error("InternalError", "the task store hiccuped"),
            task(60, "Success"),
        ],
    );
    let done = c
        .describe_console_mnp_version_compile_task()
        .business_id("task-1")
        .platform_id(PLATFORM)
        .wait_until_compiled()
        .delays(Duration::from_millis(5), Duration::from_millis(20))
        .wait()
        .await
        .unwrap();
    assert!(!done.request_id.is_empty());
    assert_eq!(done.data.unwrap().task_msg.as_deref(), Some("Success"));
    let codes: Vec<Option<String>> = mock.calls().into_iter().map(|c| c.code).collect();
    assert_eq!(codes, [None, None, Some("InternalError".into()), None]);
}
