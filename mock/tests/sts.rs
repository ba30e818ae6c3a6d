//! The test server playing STS on the port it serves TCMPP and TCSAS on:
//! keys issued by AssumeRole and AssumeRoleWithWebIdentity, accepted with
//! their token by every served service until they expire; what it refuses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::Duration;

use tencentcloud_mock::{MockServer, MockServerBuilder};
use tencentcloud_runtime::credentials::Credentials;

const ROLE: &str = "qcs::cam::uin/1:roleName/test";

async fn mock(max_issued: usize) -> MockServer {
    MockServerBuilder::new(tcmpp_api::SERVICE)
        .service(tcsas_api::SERVICE)
        .service(sts_api::SERVICE)
        .web_identity_token("OIDC", "good-token")
        .max_issued_keys(max_issued)
        .start()
        .await
        .unwrap()
}

fn sts(mock: &MockServer) -> sts_api::Client {
    sts_api::Client::builder()
        .region("ap-guangzhou")
        .endpoint(mock.endpoint())
        .credentials(mock.credentials())
        .build()
        .unwrap()
}

async fn assume(mock: &MockServer) -> Result<Credentials, String> {
    let out = sts(mock)
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("s1")
        .duration_seconds(900_u64)
        .send()
        .await
        .map_err(|e| e.code().unwrap_or("").to_owned())?;
    let c = out.credentials.unwrap();
    Ok(
        Credentials::new(c.tmp_secret_id.unwrap(), c.tmp_secret_key.unwrap())
            .unwrap()
            .with_token(c.token.unwrap())
            .unwrap(),
    )
}

async fn describe_tcsas(mock: &MockServer, creds: Credentials) -> Result<(), String> {
    tcsas_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(creds)
        .build()
        .unwrap()
        .describe_mnp_all_stage_versions()
        .mnp_id("mpg9yjc0qbpkelik")
        .platform_id("T04257DS9431720WTAG")
        .send()
        .await
        .map(|_| ())
        .map_err(|e| e.code().unwrap_or("").to_owned())
}

#[tokio::test]
async fn issued_keys_work_for_every_service_with_their_token_only() {
    let mock = mock(10).await;
    let creds = assume(&mock).await.unwrap();
    assert!(creds.secret_id().starts_with("AKIDSTS"));
    describe_tcsas(&mock, creds.clone()).await.unwrap();
    // Without its token, or with another, the key is refused.
    let bare = Credentials::new(creds.secret_id(), creds.secret_key()).unwrap();
    assert_eq!(
        describe_tcsas(&mock, bare.clone()).await.unwrap_err(),
        "AuthFailure.TokenFailure"
    );
    let other = bare.with_token("another-token").unwrap();
    assert_eq!(
        describe_tcsas(&mock, other).await.unwrap_err(),
        "AuthFailure.TokenFailure"
    );
    let issued = mock.issued_keys();
    assert_eq!(issued.len(), 1);
    let shown = format!("{issued:?}");
    assert!(!shown.contains(creds.secret_key()), "{shown}");
    assert!(!shown.contains(creds.token().unwrap()), "{shown}");
}

#[tokio::test]
async fn issued_keys_are_capped() {
    let mock = mock(2).await;
    assume(&mock).await.unwrap();
    assume(&mock).await.unwrap();
    assert_eq!(assume(&mock).await.unwrap_err(), "LimitExceeded");
    assert_eq!(mock.issued_keys().len(), 2);
}

#[tokio::test]
async fn durations_below_the_minimum_are_refused_unless_relaxed() {
    let mock = mock(10).await;
    let short = sts(&mock)
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("s1")
        .duration_seconds(60_u64)
        .send()
        .await
        .unwrap_err();
    assert_eq!(short.code(), Some("InvalidParameter.ParamError"));
    let relaxed = MockServerBuilder::new(sts_api::SERVICE)
        .sts_min_duration(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let out = sts(&relaxed)
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("s1")
        .duration_seconds(60_u64)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.expired_time.map(|t| t.as_i64()),
        relaxed.issued_keys().first().map(|k| k.expired_time as i64)
    );
}

#[tokio::test]
async fn only_the_web_identity_exchange_is_taken_unsigned() {
    let mock = mock(10).await;
    let unsigned = sts_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .unsigned()
        .build()
        .unwrap();
    let out = unsigned
        .assume_role_with_web_identity()
        .provider_id("OIDC")
        .web_identity_token("good-token")
        .role_arn(ROLE)
        .role_session_name("pod")
        .send()
        .await
        .unwrap();
    assert!(out.credentials.is_some());
    let err = unsigned
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("s1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.InvalidAuthorization"));
    let err = unsigned
        .assume_role_with_web_identity()
        .provider_id("OIDC")
        .web_identity_token("bad-token")
        .role_arn(ROLE)
        .role_session_name("pod")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter.WebIdentityTokenError"));
    assert!(!err.to_string().contains("bad-token"), "{err}");
}
