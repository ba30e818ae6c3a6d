//! Per-call overrides (`Client::with_overrides`) against slow mock answers,
//! and a caller's own `reqwest::Client` (`ClientBuilder::http_client`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{Duration, Instant};

use serde_json::json;
use tcmpp_api::error::{ErrorKind, TimeoutKind};
use tcmpp_api::{ConfigError, RateLimit, RateLimitScope, RetryConfig, SdkError, reqwest};
use tcmpp_tests::calls::describe;
use tcmpp_tests::client_builder;
use tcmpp_tests::server::{Reply, TestServer};
use tencentcloud_mock::{Fault, MockServer};

const DESCRIBE: &str = "DescribeMNPAllStageVersions";

fn arrivals(mock: &MockServer) -> usize {
    mock.calls().iter().filter(|c| c.action == DESCRIBE).count()
}

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

fn timeout_kind<E: std::fmt::Debug>(e: &SdkError<E>) -> (TimeoutKind, Duration) {
    match e.kind() {
        ErrorKind::Timeout(t) => (t.kind(), t.after()),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn one_call_gets_a_shorter_attempt_timeout() {
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint())
        .attempt_timeout(Duration::from_secs(5))
        .retry(fast_retries())
        .build()
        .unwrap();
    let quick = c.with_overrides(|o| {
        o.attempt_timeout(Duration::from_millis(200))
            .retry(RetryConfig::disabled())
    });

    mock.inject(Fault::Delay(Duration::from_millis(900)), 1);
    let started = Instant::now();
    let e = describe(&quick).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        timeout_kind(&e),
        (TimeoutKind::Attempt, Duration::from_millis(200))
    );
    assert_eq!(e.attempts(), 1, "the override's retries: none");
    assert_eq!(arrivals(&mock), 1);

    // The client itself is unchanged: the same slow answer is waited for.
    mock.inject(Fault::Delay(Duration::from_millis(400)), 1);
    describe(&c).await.unwrap();
    assert_eq!(arrivals(&mock), 2);
    assert_eq!(c.overrides(), Default::default());
}

#[tokio::test]
async fn one_slow_call_gets_a_longer_timeout() {
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint())
        .timeout(Duration::from_millis(300))
        .attempt_timeout(Duration::from_millis(300))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    mock.inject(Fault::Delay(Duration::from_millis(600)), 1);
    let e = describe(&c).await.unwrap_err();
    assert_eq!(timeout_kind(&e).1, Duration::from_millis(300));

    mock.inject(Fault::Delay(Duration::from_millis(600)), 1);
    let patient = c.with_overrides(|o| {
        o.timeout(Duration::from_secs(5))
            .attempt_timeout(Duration::from_secs(4))
    });
    describe(&patient).await.unwrap();

    // A whole-call timeout override ends retries too.
    mock.inject(Fault::Delay(Duration::from_millis(600)), 3);
    let bounded = c.with_overrides(|o| {
        o.timeout(Duration::from_millis(400))
            .attempt_timeout(Duration::from_secs(4))
            .retry(fast_retries())
    });
    let e = describe(&bounded).await.unwrap_err();
    assert_eq!(
        timeout_kind(&e),
        (TimeoutKind::Call, Duration::from_millis(400))
    );
    mock.clear_faults();
}

#[tokio::test]
async fn one_call_gets_more_retries_or_none() {
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint())
        .attempt_timeout(Duration::from_millis(200))
        .retry(fast_retries().with_max_attempts(2))
        .build()
        .unwrap();

    // Two slow answers: the client's two attempts are not enough...
    mock.inject(Fault::Delay(Duration::from_millis(500)), 2);
    let e = describe(&c).await.unwrap_err();
    assert_eq!(e.attempts(), 2);
    assert_eq!(arrivals(&mock), 2);

    // ...one call with four gets through on the third.
    mock.inject(Fault::Delay(Duration::from_millis(500)), 2);
    let persistent = c.with_overrides(|o| o.retry(fast_retries().with_max_attempts(4)));
    describe(&persistent).await.unwrap();
    assert_eq!(arrivals(&mock), 5);

    // And one with none gives up at once.
    mock.inject(Fault::Delay(Duration::from_millis(500)), 1);
    let once = c.with_overrides(|o| o.retry(RetryConfig::disabled()));
    assert_eq!(describe(&once).await.unwrap_err().attempts(), 1);
    assert_eq!(arrivals(&mock), 6);
}

#[tokio::test]
async fn a_capped_rate_limit_wait_fails_with_a_typed_error_and_sends_nothing() {
    let mock = MockServer::start().await.unwrap();
    let c = client_builder(mock.endpoint())
        .rate_limit(RateLimit::PerSecond(1))
        .rate_limit_scope(RateLimitScope::Client)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
    let first_done = Instant::now();

    // The slot is held for a window after the answer: about a second.
    let started = Instant::now();
    let e = describe(&c.with_overrides(|o| o.max_rate_limit_wait(Duration::from_millis(200))))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(150),
        "failed at once"
    );
    let ErrorKind::RateLimit(r) = e.kind() else {
        panic!("expected a rate-limit error, got {e:?}");
    };
    assert_eq!(r.action(), DESCRIBE);
    assert_eq!(r.per_second(), 1);
    assert_eq!(r.max_wait(), Duration::from_millis(200));
    assert!(
        (Duration::from_millis(800)..=Duration::from_millis(1100)).contains(&r.at_least()),
        "{:?}",
        r.at_least()
    );
    let text = e.to_string();
    assert!(
        text.starts_with("not sent: the client-side rate limit of DescribeMNPAllStageVersions (1 per second) would have held the call longer than the 200ms it may wait (at least "),
        "{text}"
    );
    assert_eq!(e.attempts(), 1);
    assert_eq!(arrivals(&mock), 1, "nothing was sent");

    // A cap above the wait: the call waits its turn, which the refused call
    // did not take.
    describe(&c.with_overrides(|o| o.max_rate_limit_wait(Duration::from_secs(2))))
        .await
        .unwrap();
    let waited = first_done.elapsed();
    assert!(
        (Duration::from_millis(900)..Duration::from_millis(1600)).contains(&waited),
        "{waited:?}"
    );
    assert_eq!(arrivals(&mock), 2);
}

#[tokio::test]
async fn overrides_compose_and_share_the_client() {
    let mock = MockServer::builder()
        .clock_offset_secs(600)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint()).build().unwrap();
    let a = c.with_overrides(|o| o.timeout(Duration::from_secs(7)));
    let b = a.with_overrides(|o| o.retry(RetryConfig::disabled()));
    assert_eq!(
        b.overrides(),
        tcmpp_api::Overrides::default()
            .timeout(Duration::from_secs(7))
            .retry(RetryConfig::disabled())
    );
    assert_eq!(b.clone().overrides(), b.overrides());
    // The handle learns the clock for the client and its other handles.
    describe(&b).await.unwrap();
    assert!((598..=602).contains(&c.clock_offset_secs()));
    describe(&c).await.unwrap();
    assert_eq!(arrivals(&mock), 3, "2 for the first call, 1 for the second");

    // A zero timeout is refused before anything is sent.
    for zero in [
        c.with_overrides(|o| o.timeout(Duration::ZERO)),
        c.with_overrides(|o| o.attempt_timeout(Duration::ZERO)),
    ] {
        let e = describe(&zero).await.unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Build(_)), "{e:?}");
        assert!(
            e.to_string().contains("override must be greater than zero"),
            "{e}"
        );
        assert_eq!(e.attempts(), 0);
    }
    assert_eq!(arrivals(&mock), 3);
}

#[tokio::test]
async fn a_callers_http_client_sends_the_requests() {
    let server = TestServer::start(|_| {
        Reply::Json(json!({"Response": {"Data": [], "RequestId": "req-byo"}}))
    })
    .await
    .unwrap();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-byo", reqwest::header::HeaderValue::from_static("yes"));
    let http = tcmpp_api::config::reqwest_builder()
        .default_headers(headers)
        .user_agent("my-app/1.0")
        .no_proxy()
        .build()
        .unwrap();
    let c = client_builder(server.url())
        .http_client(http)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("x-byo"), "yes");
    assert_eq!(r.header("user-agent"), "my-app/1.0");
    assert!(r.header("authorization").starts_with("TC3-HMAC-SHA256 "));
    assert!(
        r.header("x-tc-requestclient")
            .starts_with("tcmpp-api-rust/")
    );

    // Against the mock, which checks the signature: the whole call works.
    let mock = MockServer::start().await.unwrap();
    let http = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .build()
        .unwrap();
    let c = client_builder(mock.endpoint())
        .http_client(http)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
}

#[tokio::test]
async fn the_attempt_timeout_holds_for_a_callers_client() {
    let server = TestServer::start(|_| Reply::Hang).await.unwrap();
    // No timeouts of its own.
    let http = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .build()
        .unwrap();
    let c = client_builder(server.url())
        .http_client(http)
        .attempt_timeout(Duration::from_millis(300))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let e = describe(&c).await.unwrap_err();
    assert_eq!(
        timeout_kind(&e),
        (TimeoutKind::Attempt, Duration::from_millis(300))
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    // And a per-call override of it too.
    let e = describe(&c.with_overrides(|o| o.attempt_timeout(Duration::from_millis(100))))
        .await
        .unwrap_err();
    assert_eq!(
        timeout_kind(&e),
        (TimeoutKind::Attempt, Duration::from_millis(100))
    );
}

#[tokio::test]
async fn a_callers_client_brings_its_own_trust() {
    let mock = MockServer::builder().https(true).start().await.unwrap();
    let pem = mock.ca_certificate_pem().unwrap();
    let root = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    let http = tcmpp_api::config::reqwest_builder()
        .tls_certs_merge([root])
        .build()
        .unwrap();
    let c = client_builder(mock.endpoint())
        .http_client(http)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
}

#[test]
fn options_a_callers_client_replaces_are_refused() {
    let http = || tcmpp_api::config::reqwest_builder().build().unwrap();
    let base = || client_builder("https://127.0.0.1:1").http_client(http());
    let cases = [
        (
            base().add_root_certificate_pem("x"),
            "add_root_certificate_pem",
        ),
        (base().platform_trust_store(false), "platform_trust_store"),
        (
            base().connect_timeout(Duration::from_secs(1)),
            "connect_timeout",
        ),
        (
            base().pool_idle_timeout(Duration::from_secs(1)),
            "pool_idle_timeout",
        ),
        (base().no_proxy(), "no_proxy"),
    ];
    for (builder, name) in cases {
        match builder.build() {
            Err(ConfigError::ConflictsWithHttpClient { option }) => {
                assert_eq!(option, name);
                let e = ConfigError::ConflictsWithHttpClient { option };
                assert!(
                    e.to_string().contains("set it on your reqwest::Client"),
                    "{e}"
                );
            }
            other => panic!("{name}: expected a conflict, got {other:?}"),
        }
    }
    // Everything the client does itself still applies.
    base()
        .timeout(Duration::from_secs(3))
        .attempt_timeout(Duration::from_secs(1))
        .retry(RetryConfig::disabled())
        .max_rate_limit_wait(Duration::from_secs(1))
        .build()
        .unwrap();
}
