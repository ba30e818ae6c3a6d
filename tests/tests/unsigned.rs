//! A client built `unsigned()` (for the actions a service takes without a
//! signature, such as STS's AssumeRoleWithWebIdentity) against a recording
//! server on 127.0.0.1: `Authorization: SKIP`, no token, the usual headers,
//! and the one execute path (a throttled attempt is retried and re-sent
//! unsigned).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;
use tcmpp_api::credentials::Credentials;
use tcmpp_api::{ConfigError, RetryConfig};
use tcmpp_tests::server::{Reply, TestServer};
use tencentcloud_runtime::ClientBuilder;

#[tokio::test]
async fn unsigned_calls_send_skip_and_no_token_and_are_retried_alike() {
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    let server = TestServer::start(move |_| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::Json(json!({"Response": {
                "Error": {"Code": "RequestLimitExceeded", "Message": "slow down"},
                "RequestId": "r1"
            }}));
        }
        Reply::Json(json!({"Response": {"RequestId": "r2"}}))
    })
    .await
    .unwrap();
    let client = ClientBuilder::<tencentcloud_runtime::Client>::new(tcmpp_api::SERVICE)
        .region("ap-singapore")
        .endpoint(server.url())
        .retry(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .unsigned()
        .build()
        .unwrap();
    let answer = client
        .call_json(
            "DescribeMNPAllStageVersions",
            &json!({"MNPId": "m", "PlatformId": "p"}),
        )
        .await
        .unwrap();
    assert_eq!(answer["RequestId"], "r2");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the throttled attempt was retried");
    for r in &requests {
        assert_eq!(r.header("authorization"), "SKIP");
        assert!(!r.headers.contains_key("x-tc-token"));
        assert_eq!(r.header("x-tc-action"), "DescribeMNPAllStageVersions");
        assert_eq!(r.header("x-tc-version"), tcmpp_api::SERVICE.version);
        assert_eq!(r.header("x-tc-region"), "ap-singapore");
        assert!(r.header("x-tc-timestamp").parse::<u64>().is_ok());
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(r.json(), json!({"MNPId": "m", "PlatformId": "p"}));
    }
    assert!(
        format!("{client:?}").contains("credentials: None"),
        "{client:?}"
    );
}

#[test]
fn unsigned_with_credentials_is_a_config_error() {
    let err = ClientBuilder::<tencentcloud_runtime::Client>::new(tcmpp_api::SERVICE)
        .region("ap-singapore")
        .credentials(Credentials::new("AKID", "key").unwrap())
        .unsigned()
        .build()
        .unwrap_err();
    assert!(
        matches!(err, ConfigError::CredentialsWithUnsigned),
        "{err:?}"
    );
    assert!(err.to_string().contains("set one or the other"), "{err}");
}
