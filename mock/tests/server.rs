//! The client against the embedded mock: both actions, state across calls,
//! every error the mock produces mapped to its variant, scripted faults,
//! concurrency, and an action the mock only knows from a spec.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tcmpp_api::actions::create_mnp_version::CreateMnpVersionErrorKind as CreateKind;
use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsErrorKind as DescribeKind;
use tcmpp_api::credentials::Credentials;
use tcmpp_api::error::{ErrorKind, ResponseErrorKind, TransportErrorKind};
use tcmpp_api::models::{ApprovalStatus, Phase};
use tcmpp_api::{Client, RetryConfig, SdkError};
use tcmpp_tests::calls::{MNP, PLATFORM, describe};
use tcmpp_tests::client_builder;
use tencentcloud_mock::{Fault, MockServer};
use tencentcloud_runtime::signing;

fn client_with(mock: &MockServer, creds: Credentials) -> Client {
    Client::builder()
        .retry(RetryConfig::disabled())
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(creds)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn client(mock: &MockServer) -> Client {
    client_with(mock, mock.credentials())
}

fn describe_kind<T: std::fmt::Debug>(
    r: Result<
        T,
        SdkError<
            tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsError,
        >,
    >,
) -> DescribeKind {
    r.unwrap_err()
        .as_service_error()
        .expect("a service error")
        .kind()
}

#[tokio::test]
async fn both_actions_and_state_across_calls() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let seed = describe(&client).await.unwrap().data.unwrap();
    assert_eq!(seed.len(), 5);
    assert_eq!(seed[0].mnp_version_id, Some(2596));

    let created = client
        .create_mnp_version()
        .mnp_id(MNP)
        .mnp_version("1.0.300")
        .file_url("https://files.example.com/a.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro("e2e")
        .send()
        .await
        .unwrap();
    assert!(!created.data.unwrap().task_id.unwrap().is_empty());
    assert_eq!(created.request_id.len(), 36);

    // Another client (another connection) sees the new version.
    let other = client_with(&mock, mock.credentials());
    let after = describe(&other).await.unwrap().data.unwrap();
    assert_eq!(after.len(), 6);
    let new = after.last().unwrap();
    assert_eq!(new.mnp_version.as_deref(), Some("1.0.300"));
    assert_eq!(new.mnp_version_intro.as_deref(), Some("e2e"));
    assert_eq!(new.phase, Some(Phase::Develop));
    assert_eq!(new.approval_status, Some(ApprovalStatus::Pending));
    assert_eq!(new.mnp_version_id, Some(2597));
    assert_eq!(mock.handled("CreateMNPVersion"), 1);
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 2);
}

#[tokio::test]
async fn business_errors_map_to_their_variants() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let r = client
        .describe_mnp_all_stage_versions()
        .mnp_id("nope")
        .platform_id(PLATFORM)
        .send()
        .await;
    assert_eq!(
        describe_kind(r),
        DescribeKind::InvalidParameterValueInvalidMnpId
    );
    let r = client
        .describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id("nope")
        .send()
        .await;
    assert_eq!(
        describe_kind(r),
        DescribeKind::InvalidParameterValueInvalidPlatformId
    );

    let create = |version: &'static str, url: &'static str, intro: String| {
        let client = client.clone();
        async move {
            client
                .create_mnp_version()
                .mnp_id(MNP)
                .mnp_version(version)
                .file_url(url)
                .platform_id(PLATFORM)
                .mnp_version_intro(intro)
                .send()
                .await
                .unwrap_err()
                .as_service_error()
                .unwrap()
                .kind()
        }
    };
    assert_eq!(
        create("1.x", "https://f/a.zip", "i".into()).await,
        CreateKind::InvalidParameterValueInvalidMnpVersion
    );
    assert_eq!(
        create("1.0.1", "https://f/a.zip", " ".into()).await,
        CreateKind::InvalidParameterValueInvalidMnpVersionIntro
    );
    assert_eq!(
        create("1.0.1", "https://f/a.zip", "x".repeat(201)).await,
        CreateKind::InvalidParameterValueInvalidMnpVersionIntro
    );
    assert_eq!(
        create("1.0.1", "ftp://f/a.zip", "i".into()).await,
        CreateKind::FailedOperationFileDownloadFailed
    );
    assert_eq!(mock.handled("CreateMNPVersion"), 0);
}

#[tokio::test]
async fn authentication_errors_map_to_their_variants() {
    let mock = MockServer::builder()
        .credentials(
            &Credentials::new("AKIDWITHTOKEN", "key-with-token")
                .unwrap()
                .with_token("tok")
                .unwrap(),
        )
        .credentials(&Credentials::new("AKIDPLAIN", "plain-key").unwrap())
        .start()
        .await
        .unwrap();
    let kind = |creds: Credentials| {
        let c = client_with(&mock, creds);
        async move { describe_kind(describe(&c).await) }
    };
    assert!(
        describe(&client_with(
            &mock,
            Credentials::new("AKIDPLAIN", "plain-key").unwrap()
        ))
        .await
        .is_ok()
    );
    let with_token = Credentials::new("AKIDWITHTOKEN", "key-with-token")
        .unwrap()
        .with_token("tok")
        .unwrap();
    assert!(describe(&client_with(&mock, with_token)).await.is_ok());
    assert_eq!(
        kind(Credentials::new("AKIDPLAIN", "wrong-key").unwrap()).await,
        DescribeKind::AuthFailureSignatureFailure
    );
    assert_eq!(
        kind(Credentials::new("AKIDUNKNOWN", "plain-key").unwrap()).await,
        DescribeKind::AuthFailureSecretIdNotFound
    );
    assert_eq!(
        kind(Credentials::new("AKIDWITHTOKEN", "key-with-token").unwrap()).await,
        DescribeKind::AuthFailureTokenFailure
    );
    let bad_token = Credentials::new("AKIDWITHTOKEN", "key-with-token")
        .unwrap()
        .with_token("other")
        .unwrap();
    assert_eq!(kind(bad_token).await, DescribeKind::AuthFailureTokenFailure);
}

/// Sends a hand-made request (what the typed client cannot produce) and
/// classifies the answer's code as the client would.
async fn raw(mock: &MockServer, edit: impl FnOnce(&mut RawRequest)) -> DescribeKind {
    let answer = raw_answer(mock, edit).await;
    match answer["Response"]["Error"]["Code"].as_str() {
        Some(code) => DescribeKind::from_code(code),
        None => panic!("expected an error, got {answer}"),
    }
}

/// Sends a hand-made request; the answer's JSON.
async fn raw_answer(mock: &MockServer, edit: impl FnOnce(&mut RawRequest)) -> Value {
    let creds = mock.credentials();
    let mut r = RawRequest {
        action: "DescribeMNPAllStageVersions".into(),
        version: "2024-08-01".into(),
        body: json!({"MNPId": MNP, "PlatformId": PLATFORM}).to_string(),
        timestamp: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        secret_key: creds.secret_key().to_owned(),
        authorization: None,
        timestamp_header: None,
        extra_headers: Vec::new(),
    };
    edit(&mut r);
    let host = mock.endpoint().trim_start_matches("http://").to_owned();
    let req = signing::Request {
        service: "tcmpp",
        host: &host,
        content_type: "application/json",
        payload: r.body.as_bytes(),
        timestamp: r.timestamp,
    };
    let auth = r.authorization.clone().unwrap_or_else(|| {
        signing::authorization(
            creds.secret_id(),
            &signing::signature(&r.secret_key, &req),
            &req,
        )
    });
    let mut request = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(mock.endpoint())
        .header("content-type", "application/json")
        .header("authorization", auth)
        .header("x-tc-action", r.action)
        .header("x-tc-version", r.version)
        .header(
            "x-tc-timestamp",
            r.timestamp_header.unwrap_or(r.timestamp.to_string()),
        )
        .header("x-tc-region", "ap-singapore");
    for (name, value) in r.extra_headers {
        request = request.header(name, value);
    }
    let answer = request
        .body(r.body)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert!(answer["Response"]["RequestId"].is_string(), "{answer}");
    answer
}

struct RawRequest {
    action: String,
    version: String,
    body: String,
    timestamp: u64,
    secret_key: String,
    authorization: Option<String>,
    /// Sent as `X-TC-Timestamp` instead of `timestamp` (which is signed).
    timestamp_header: Option<String>,
    /// Sent besides the usual headers (a name already sent is sent twice).
    extra_headers: Vec<(&'static str, String)>,
}

#[tokio::test]
async fn protocol_errors_map_to_their_variants() {
    let mock = MockServer::start().await.unwrap();
    assert_eq!(
        raw(&mock, |r| r.timestamp -= 600).await,
        DescribeKind::AuthFailureSignatureExpire
    );
    assert_eq!(
        raw(&mock, |r| r.timestamp += 600).await,
        DescribeKind::AuthFailureSignatureExpire
    );
    assert_eq!(
        raw(&mock, |r| r.authorization = Some("Bearer nothing".into())).await,
        DescribeKind::AuthFailureInvalidAuthorization
    );
    assert_eq!(
        raw(&mock, |r| r.secret_key = "wrong".into()).await,
        DescribeKind::AuthFailureSignatureFailure
    );
    assert_eq!(
        raw(&mock, |r| r.action = "DescribeNothing".into()).await,
        DescribeKind::InvalidAction
    );
    assert_eq!(
        raw(&mock, |r| r.version = "2020-01-01".into()).await,
        DescribeKind::NoSuchVersion
    );
    assert_eq!(
        raw(&mock, |r| r.body = json!({"MNPId": MNP}).to_string()).await,
        DescribeKind::MissingParameter
    );
    assert_eq!(
        raw(&mock, |r| r.body =
            json!({"MNPId": MNP, "PlatformId": PLATFORM, "Extra": 1})
                .to_string())
        .await,
        DescribeKind::UnknownParameter
    );
    assert_eq!(
        raw(&mock, |r| r.body =
            json!({"MNPId": 5, "PlatformId": PLATFORM}).to_string())
        .await,
        DescribeKind::InvalidParameter
    );
    assert_eq!(
        raw(&mock, |r| r.body = "[1,2".into()).await,
        DescribeKind::InvalidParameter
    );
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 0);
}

#[tokio::test]
async fn repeated_headers_odd_timestamps_and_languages_are_refused_by_name() {
    let mock = MockServer::start().await.unwrap();
    for name in [
        "x-tc-action",
        "x-tc-region",
        "content-type",
        "authorization",
    ] {
        let kind = raw(&mock, |r| {
            let value = match name {
                "x-tc-action" => "DescribeMNPAllStageVersions",
                "content-type" => "application/json",
                "authorization" => "TC3-HMAC-SHA256 Credential=x",
                _ => "ap-singapore",
            };
            r.extra_headers.push((name, value.to_owned()));
        })
        .await;
        assert_eq!(kind, DescribeKind::InvalidParameter, "{name} twice");
    }
    // A negative or non-numeric timestamp is there, just not valid.
    for bad in ["-5", "soon", "1.5e9"] {
        let kind = raw(&mock, |r| r.timestamp_header = Some(bad.to_owned())).await;
        assert_eq!(kind, DescribeKind::InvalidParameterValue, "{bad}");
    }
    let kind = raw(&mock, |r| r.timestamp_header = Some(" ".to_owned())).await;
    assert_eq!(kind, DescribeKind::MissingParameter);
    // The two languages the service speaks pass; another is refused.
    for lang in ["fr-FR", "en-us", &"x".repeat(10_000)] {
        let kind = raw(&mock, |r| {
            r.extra_headers.push(("x-tc-language", lang.to_owned()))
        })
        .await;
        assert_eq!(kind, DescribeKind::InvalidParameterValue, "{lang:.10}");
    }
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 0);
    for lang in ["en-US", "zh-CN"] {
        let answer = raw_answer(&mock, |r| {
            r.extra_headers.push(("x-tc-language", lang.to_owned()))
        })
        .await;
        assert!(answer["Response"]["Data"].is_array(), "{lang}: {answer}");
    }
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 2);
}

#[tokio::test]
async fn missing_headers_and_other_methods_are_rejected_as_the_service_does() {
    let mock = MockServer::start().await.unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let code = |resp: bytes::Bytes| {
        let v: Value = serde_json::from_slice(&resp).unwrap();
        DescribeKind::from_code(v["Response"]["Error"]["Code"].as_str().unwrap())
    };
    let put = http
        .put(mock.endpoint())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(code(put), DescribeKind::UnsupportedProtocol);
    // GET is a method the service takes (TC3 with the query string), so an
    // unsigned one is refused for its signature.
    let get = http
        .get(mock.endpoint())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(code(get), DescribeKind::AuthFailureInvalidAuthorization);
    let unsigned = http
        .post(mock.endpoint())
        .body("{}")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        code(unsigned),
        DescribeKind::AuthFailureInvalidAuthorization
    );
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 0);
}

#[tokio::test]
async fn scripted_faults() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);

    mock.inject(Fault::error("RequestLimitExceeded", "slow down"), 2);
    assert_eq!(
        describe_kind(describe(&client).await),
        DescribeKind::RequestLimitExceeded
    );
    assert_eq!(
        describe_kind(describe(&client).await),
        DescribeKind::RequestLimitExceeded
    );
    assert!(
        describe(&client).await.is_ok(),
        "a fault applies to the next N calls only"
    );

    mock.inject(Fault::Html502, 1);
    match describe(&client).await.unwrap_err().into_kind() {
        ErrorKind::Response(r) => {
            assert_eq!(r.status(), 502);
            assert_eq!(r.kind(), &ResponseErrorKind::Unexpected);
            assert_eq!(r.content_type(), Some("text/html"));
        }
        other => panic!("{other:?}"),
    }

    mock.inject(
        Fault::Status {
            status: 503,
            body: "busy".into(),
        },
        1,
    );
    match describe(&client).await.unwrap_err().into_kind() {
        ErrorKind::Response(r) => assert_eq!((r.status(), r.body().as_ref()), (503, &b"busy"[..])),
        other => panic!("{other:?}"),
    }

    mock.inject(Fault::Drop, 1);
    match describe(&client).await.unwrap_err().into_kind() {
        ErrorKind::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Io),
        other => panic!("{other:?}"),
    }

    mock.inject(Fault::Delay(Duration::from_millis(200)), 1);
    let started = std::time::Instant::now();
    assert!(describe(&client).await.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(200));

    let impatient = client_builder(mock.endpoint())
        .retry(RetryConfig::disabled())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    mock.inject(Fault::Delay(Duration::from_millis(500)), 1);
    assert!(matches!(
        describe(&impatient).await.unwrap_err().kind(),
        ErrorKind::Timeout(_)
    ));

    // Faults can target one action.
    mock.inject_for(
        "CreateMNPVersion",
        Fault::error("FailedOperation", "only create"),
        1,
    );
    assert!(describe(&client).await.is_ok());
    let e = client
        .create_mnp_version()
        .mnp_id(MNP)
        .mnp_version("1.0.301")
        .file_url("https://f/a.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro("i")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.as_service_error().unwrap().kind(),
        CreateKind::FailedOperation
    );

    // A dropped answer is ambiguous: the mock did act.
    mock.inject(Fault::Drop, 1);
    let e = client
        .create_mnp_version()
        .mnp_id(MNP)
        .mnp_version("1.0.302")
        .file_url("https://f/a.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro("i")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Transport(_)), "{e:?}");
    assert_eq!(mock.handled("CreateMNPVersion"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_over_one_client() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { describe(&client).await.map(|o| o.data.map(|d| d.len())) })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), Some(5));
    }
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 100);
    assert_eq!(mock.calls().len(), 100);
}

/// Another service, generated the same way (the fixture spec): its own
/// client, fluent calls, served by the test server from its table.
#[tokio::test]
async fn another_generated_service_is_called_fluently_and_served_from_its_table() {
    use tcmpp_tests::fixture;
    let mock = tencentcloud_mock::MockServerBuilder::new(fixture::SERVICE)
        .start()
        .await
        .unwrap();
    let widgets: fixture::Client = tcmpp_tests::builder_for(fixture::SERVICE, mock.endpoint())
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let out = widgets
        .put_widget()
        .name("gear")
        .count(3)
        .enabled(true)
        .send()
        .await
        .unwrap();
    let widget = out.widget.unwrap();
    assert_eq!(widget.id, Some(7));
    assert_eq!(widget.name.as_deref(), Some("gear"));
    assert_eq!(out.warnings, None);
    assert_ne!(
        out.request_id, "req-1",
        "the mock gives each answer its own request id"
    );
    let out = widgets.list_widgets().limit(1u32).send().await.unwrap();
    assert_eq!((out.total, out.widgets), (Some(0), Some(vec![])));
    // Signed for the fixture's service and version, which the server checks.
    assert_eq!(mock.calls().len(), 2);
    assert!(mock.calls().iter().all(|c| c.code.is_none()));
    // A TCMPP client is refused: this server serves another service.
    let err = client(&mock)
        .call_json("DescribeMNPAllStageVersions", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{err}");
}
