//! Clock skew correction, the whole story on 127.0.0.1: the mock's clock
//! runs ten minutes ahead of or behind this machine's, the first call is
//! refused with `AuthFailure.SignatureExpire`, re-signed by the answer's
//! `Date` and re-sent once; later calls (clones too) sign right the first
//! time. And what a wrong `Date` cannot do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{Duration, SystemTime};

use serde_json::json;
use tcmpp_api::actions::create_mnp_version::{CreateMnpVersionError, CreateMnpVersionOutput};
use tcmpp_api::{Client, RetryConfig, SdkError};
use tcmpp_tests::calls::{self, describe};
use tcmpp_tests::client_builder;
use tcmpp_tests::logs::Captured;
use tcmpp_tests::server::RawServer;
use tencentcloud_mock::MockServer;

const CREATE: &str = "CreateMNPVersion";
const DESCRIBE: &str = "DescribeMNPAllStageVersions";
const EXPIRED: &str = "AuthFailure.SignatureExpire";
const TEN_MINUTES: i64 = 600;

async fn create(
    c: &Client,
    version: &str,
) -> Result<CreateMnpVersionOutput, SdkError<CreateMnpVersionError>> {
    calls::create(c, version, "skew").await
}

/// What each `tencentcloud.call` span said when it closed: its last `attempt`
/// and `clock_skew_s` (`None` when not recorded), in order.
fn spans(logs: &Captured) -> Vec<(u32, Option<i64>)> {
    fn last<T: std::str::FromStr>(line: &str, key: &str) -> Option<T> {
        let at = line.rfind(key)? + key.len();
        let rest = &line[at..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(rest.len());
        rest[..end].parse().ok()
    }
    logs.text()
        .lines()
        .filter(|l| l.contains("tencentcloud.call{") && l.contains(" close"))
        .map(|l| {
            (
                last(l, " attempt=").expect("every span records its attempts"),
                last(l, " clock_skew_s="),
            )
        })
        .collect()
}

/// Requests of `action` the mock received, and the codes it answered.
fn arrivals(mock: &MockServer, action: &str) -> Vec<Option<String>> {
    mock.calls()
        .into_iter()
        .filter(|c| c.action == action)
        .map(|c| c.code)
        .collect()
}

fn assert_near(offset: i64, want: i64) {
    // `Date` has whole seconds and is stamped before the answer leaves.
    assert!(
        (want - 2..=want + 2).contains(&offset),
        "learned {offset} s, expected about {want} s"
    );
}

/// The done-when story for one offset: the first call is refused, learns
/// and re-sends (2 attempts); Create acts exactly once; later calls, and
/// clones, take 1 attempt.
async fn the_story(offset: i64) {
    let (logs, _guard) = tcmpp_tests::logs::capture();
    let mock = MockServer::builder()
        .clock_offset_secs(offset)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint()).build().unwrap();
    assert_eq!(c.clock_offset_secs(), 0);

    // First call: Create, refused once, then acted on exactly once.
    let out = create(&c, "1.0.501").await.unwrap();
    assert!(out.data.and_then(|d| d.task_id).is_some());
    assert_eq!(arrivals(&mock, CREATE), [Some(EXPIRED.to_owned()), None]);
    assert_eq!(mock.handled(CREATE), 1);
    assert_near(c.clock_offset_secs(), offset);

    // Later calls, and a clone: one attempt each. The state has the version once.
    let listed = describe(&c).await.unwrap();
    let versions: Vec<_> = listed
        .data
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.mnp_version)
        .filter(|v| v == "1.0.501")
        .collect();
    assert_eq!(versions.len(), 1, "the version was created once");
    create(&c.clone(), "1.0.502").await.unwrap();
    describe(&c.clone()).await.unwrap();
    assert_eq!(arrivals(&mock, DESCRIBE), [None, None]);
    assert_eq!(arrivals(&mock, CREATE).len(), 3);
    assert_eq!(mock.handled(CREATE), 2);

    // A client built separately learns for itself: Describe first this time.
    let other = client_builder(mock.endpoint()).build().unwrap();
    describe(&other).await.unwrap();
    describe(&other).await.unwrap();
    assert_eq!(
        arrivals(&mock, DESCRIBE),
        [None, None, Some(EXPIRED.to_owned()), None, None]
    );

    // The span of each call: attempts, and the offset it signed with.
    let spans = spans(&logs);
    let attempts: Vec<u32> = spans.iter().map(|s| s.0).collect();
    assert_eq!(attempts, [2, 1, 1, 1, 2, 1], "{}", logs.text());
    for (_, skew) in &spans {
        assert_near(
            skew.expect("every call signed with the learned offset"),
            offset,
        );
    }
    let text = logs.text();
    assert_eq!(
        text.matches("re-signing with the service's time").count(),
        2,
        "{text}"
    );
}

#[tokio::test]
async fn the_service_ten_minutes_ahead() {
    the_story(TEN_MINUTES).await;
}

#[tokio::test]
async fn the_service_ten_minutes_behind() {
    the_story(-TEN_MINUTES).await;
}

#[tokio::test]
async fn without_correction_every_call_fails() {
    let mock = MockServer::builder()
        .clock_offset_secs(TEN_MINUTES)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint())
        .max_clock_correction(Duration::ZERO)
        .build()
        .unwrap();
    for _ in 0..2 {
        let e = create(&c, "1.0.510").await.unwrap_err();
        assert_eq!(e.code(), Some(EXPIRED));
        assert_eq!(e.attempts(), 1);
    }
    assert_eq!(mock.handled(CREATE), 0);
    assert_eq!(c.clock_offset_secs(), 0);
}

#[tokio::test]
async fn the_resend_is_not_a_retry() {
    // Retries off: the re-send still happens, and counts as an attempt.
    let mock = MockServer::builder()
        .clock_offset_secs(-TEN_MINUTES)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    create(&c, "1.0.520").await.unwrap();
    assert_eq!(arrivals(&mock, CREATE).len(), 2);
    assert_eq!(mock.handled(CREATE), 1);
}

#[tokio::test]
async fn a_clock_fixed_later_is_learned_again() {
    let mock = MockServer::builder()
        .clock_offset_secs(TEN_MINUTES)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint()).build().unwrap();
    describe(&c).await.unwrap();
    assert_near(c.clock_offset_secs(), TEN_MINUTES);
    // This machine's clock is set right (as seen from here: the service's
    // clock now agrees with ours): one more refused attempt, then none.
    mock.set_clock_offset_secs(0);
    describe(&c).await.unwrap();
    describe(&c).await.unwrap();
    assert_near(c.clock_offset_secs(), 0);
    let codes = arrivals(&mock, DESCRIBE);
    assert_eq!(
        codes,
        [
            Some(EXPIRED.to_owned()),
            None,
            Some(EXPIRED.to_owned()),
            None,
            None
        ]
    );
}

#[tokio::test]
async fn beyond_the_bound_nothing_is_corrected() {
    let mock = MockServer::builder()
        .clock_offset_secs(2 * 86_400)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint()).build().unwrap();
    let e = describe(&c).await.unwrap_err();
    assert_eq!(e.code(), Some(EXPIRED));
    assert_eq!(e.attempts(), 1);
    assert_eq!(c.clock_offset_secs(), 0);

    // A smaller bound refuses ten minutes; a larger one accepts two days.
    let c = client_builder(mock.endpoint())
        .max_clock_correction(Duration::from_secs(3 * 86_400))
        .build()
        .unwrap();
    describe(&c).await.unwrap();
    assert_near(c.clock_offset_secs(), 2 * 86_400);
    let mock = MockServer::builder()
        .clock_offset_secs(TEN_MINUTES)
        .start()
        .await
        .unwrap();
    let c = client_builder(mock.endpoint())
        .max_clock_correction(Duration::from_secs(300))
        .build()
        .unwrap();
    assert_eq!(describe(&c).await.unwrap_err().attempts(), 1);
}

fn http_date(offset: i64) -> String {
    let now = SystemTime::now();
    let at = if offset >= 0 {
        now + Duration::from_secs(offset.unsigned_abs())
    } else {
        now - Duration::from_secs(offset.unsigned_abs())
    };
    httpdate::fmt_http_date(at)
}

/// A raw answer with this `Date` line (or none) and this JSON body.
fn answer(date: Option<&str>, body: &serde_json::Value) -> Vec<u8> {
    let body = body.to_string();
    let date = date.map(|d| format!("date: {d}\r\n")).unwrap_or_default();
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{date}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn expired() -> serde_json::Value {
    json!({"Response": {"Error": {"Code": EXPIRED, "Message": "Signature expired."}, "RequestId": "r-1"}})
}

/// Dates that must not move the clock: a refusal whose `Date` is absent,
/// unreadable, absurd, beyond the bound, or agrees with the time used gets
/// no re-send; a success's `Date` is never taken.
#[tokio::test]
async fn a_wrong_date_cannot_move_the_clock() {
    for date in [
        None,
        Some("yesterday".to_owned()),
        Some("Thu, 01 Jan 1970 00:00:00 GMT".to_owned()),
        Some("Sunday, 06-Nov-94 08:49:37 GMT".to_owned()),
        Some(http_date(3 * 86_400)),
        Some(http_date(0)),
    ] {
        let server = RawServer::start(answer(date.as_deref(), &expired()), false)
            .await
            .unwrap();
        let c = client_builder(server.url()).build().unwrap();
        let e = describe(&c).await.unwrap_err();
        assert_eq!(e.code(), Some(EXPIRED), "{date:?}");
        assert_eq!(e.attempts(), 1, "{date:?}: no re-send");
        assert_eq!(server.requests(), 1, "{date:?}");
        assert_eq!(c.clock_offset_secs(), 0, "{date:?}");
    }

    let ok = json!({"Response": {"Data": [], "RequestId": "r-2"}});
    let server = RawServer::start(answer(Some(&http_date(3600)), &ok), false)
        .await
        .unwrap();
    let c = client_builder(server.url()).build().unwrap();
    describe(&c).await.unwrap();
    assert_eq!(c.clock_offset_secs(), 0, "a success teaches nothing");
}

/// A refusal that comes back after the re-send too ends the call: one
/// re-send per call, whatever the retry settings.
#[tokio::test]
async fn at_most_one_resend_per_call() {
    let server = RawServer::start(answer(Some(&http_date(TEN_MINUTES)), &expired()), false)
        .await
        .unwrap();
    let c = client_builder(server.url())
        .retry(RetryConfig::standard().with_max_attempts(5))
        .build()
        .unwrap();
    let e = create(&c, "1.0.530").await.unwrap_err();
    assert_eq!(e.code(), Some(EXPIRED));
    assert_eq!(e.attempts(), 2);
    assert_eq!(server.requests(), 2);
    assert!(e.to_string().ends_with("(after 2 attempts)"), "{e}");
}
