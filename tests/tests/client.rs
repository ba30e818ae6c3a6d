//! The client against a real HTTP server on 127.0.0.1: what it sends, how
//! it decodes the seed answers, and how each kind of failure surfaces.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::Duration;

use serde_json::{Value, json};
use tcmpp_api::actions::create_mnp_version::CreateMnpVersionErrorKind;
use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsErrorKind;
use tcmpp_api::credentials::Credentials;
use tcmpp_api::error::{ErrorKind, ResponseErrorKind, TimeoutKind, TransportErrorKind};
use tcmpp_api::models::{ApprovalStatus, Phase, ShowCase};
use tcmpp_api::{Client, ConfigError, Language, RetryConfig, SdkError};
use tcmpp_tests::server::{Recorded, Reply, TestServer};
use tcmpp_tests::workspace_root;
use tencentcloud_runtime::signing;

const SECRET_ID: &str = "AKIDTESTID123";
const SECRET_KEY: &str = "TopSecretKey-9f8e7d";
const TOKEN: &str = "SessionToken-abc-123";

fn spec() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("spec/tcmpp.json")).unwrap(),
    )
    .unwrap()
}

fn example(action: &str, part: &str) -> Value {
    spec()["actions"][action]["examples"][0][part].clone()
}

/// A builder for `endpoint` with the test key and no retries.
fn builder(endpoint: impl Into<String>) -> tcmpp_api::ClientBuilder {
    Client::builder()
        .retry(RetryConfig::disabled())
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(Credentials::new(SECRET_ID, SECRET_KEY).unwrap())
}

fn client(server: &TestServer) -> Client {
    builder(server.url())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn error_reply(code: &str, message: &str) -> Reply {
    Reply::Json(
        json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "req-err-1"}}),
    )
}

/// Recomputes the signature of a recorded request with the known key.
fn assert_signed(r: &Recorded, service: &str) {
    let timestamp: u64 = r.header("x-tc-timestamp").parse().unwrap();
    let req = signing::Request {
        service,
        host: r.header("host"),
        content_type: r.header("content-type"),
        payload: &r.body,
        timestamp,
    };
    let sig = signing::signature(SECRET_KEY, &req);
    assert_eq!(
        r.header("authorization"),
        signing::authorization(SECRET_ID, &sig, &req)
    );
}

#[tokio::test]
async fn describe_sends_a_signed_request_and_decodes_the_seed_answer() {
    let server =
        TestServer::start(|_| Reply::Json(example("DescribeMNPAllStageVersions", "response")))
            .await
            .unwrap();
    let out = client(&server)
        .describe_mnp_all_stage_versions()
        .mnp_id("mpg9yjc0qbpkelik")
        .platform_id("T04257DS9431720WTAG")
        .send()
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/");
    assert_eq!(r.json(), example("DescribeMNPAllStageVersions", "request"));
    assert_eq!(r.header("x-tc-action"), "DescribeMNPAllStageVersions");
    assert_eq!(r.header("x-tc-version"), "2024-08-01");
    assert_eq!(r.header("x-tc-region"), "ap-singapore");
    assert_eq!(r.header("x-tc-language"), "en-US");
    assert_eq!(r.header("content-type"), "application/json");
    assert_eq!(r.header("host"), server.url().trim_start_matches("http://"));
    assert!(
        r.header("x-tc-requestclient")
            .starts_with("tcmpp-api-rust/")
    );
    assert!(r.headers.get("x-tc-token").is_none());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let ts: u64 = r.header("x-tc-timestamp").parse().unwrap();
    assert!(now.abs_diff(ts) < 60);
    assert_signed(r, "tcmpp");

    assert_eq!(out.request_id, "2802e966-d4ab-4a91-8350-00b803e5a49c");
    let data = out.data.unwrap();
    assert_eq!(data.len(), 5);
    let v = &data[0];
    assert_eq!(v.mnp_id.as_deref(), Some("mpg9yjc0qbpkelik"));
    assert_eq!(v.mnp_version_id, Some(2596));
    assert_eq!(v.mnp_name.as_deref(), Some("autotest_miniapp"));
    assert_eq!(
        v.mnp_icon.as_deref(),
        Some("http://127.0.0.1/T04257DS9431720WTAG/console/20240820061043-30fc239971.png")
    );
    assert_eq!(
        v.mnp_type.as_deref(),
        Some("Logistics Services->1_Pickup/Delivery,Life Service->144_Lilliputian Services")
    );
    assert_eq!(v.mnp_intro.as_deref(), Some("test"));
    assert_eq!(v.mnp_desc.as_deref(), Some("test"));
    assert_eq!(v.create_user.as_deref(), Some("autotest_op"));
    // A string of Unix seconds on the wire, read as the instant it is.
    let created = v.create_time.unwrap();
    assert_eq!(created.as_i64(), 1_724_142_147);
    assert_eq!(created.to_string(), "2024-08-20T08:22:27Z");
    assert_eq!(v.mnp_version.as_deref(), Some("1.0.277"));
    assert_eq!(v.mnp_version_intro.as_deref(), Some("test"));
    assert_eq!(v.phase, Some(Phase::Platform));
    assert_eq!(v.approval_no.as_deref(), Some("aud7hnb70973ng51ca"));
    assert_eq!(v.approval_status, Some(ApprovalStatus::Approved));
    assert_eq!(v.version_current_status, Some(ApprovalStatus::Approved));
    assert_eq!(v.show_case, Some(ShowCase::Preview));
    assert_eq!(v.rollback_version, Some(0));
    assert_eq!(v.status, Some(1));
    let phases: Vec<_> = data.iter().map(|v| v.phase.clone().unwrap()).collect();
    assert_eq!(
        phases,
        [
            Phase::Platform,
            Phase::Online,
            Phase::Develop,
            Phase::Develop,
            Phase::Develop
        ]
    );
    assert_eq!(data[3].mnp_version_id, Some(2395));
    assert_eq!(data[3].approval_no.as_deref(), Some(""));
    assert_eq!(
        data[3].version_current_status,
        Some(ApprovalStatus::Pending)
    );
    assert_eq!(data[3].show_case, Some(ShowCase::NotPreview));
    assert_eq!(data[4].create_user.as_deref(), Some("800001208871"));
    assert_eq!(data[4].mnp_version_intro.as_deref(), Some("213123"));
}

#[tokio::test]
async fn create_sends_every_member_and_decodes_the_task_id() {
    let server = TestServer::start(|_| Reply::Json(example("CreateMNPVersion", "response")))
        .await
        .unwrap();
    let client = Client::builder()
        .retry(RetryConfig::disabled())
        .region("ap-singapore")
        .endpoint(server.url())
        .credentials(
            Credentials::new(SECRET_ID, SECRET_KEY)
                .unwrap()
                .with_token(TOKEN)
                .unwrap(),
        )
        .language(Language::ZhCn)
        .client_suffix("tests/1")
        .build()
        .unwrap();
    let req = example("CreateMNPVersion", "request");
    let out = client
        .create_mnp_version()
        .mnp_id(req["MNPId"].as_str().unwrap())
        .mnp_version(req["MNPVersion"].as_str().unwrap())
        .file_url(req["FileUrl"].as_str().unwrap())
        .platform_id(req["PlatformId"].as_str().unwrap())
        .mnp_version_intro(req["MNPVersionIntro"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.data.unwrap().task_id.as_deref(),
        Some("2024082016302581955")
    );
    assert_eq!(out.request_id, "b7bbff2d-fea5-471e-918f-c9684abf2fd3");
    let r = &server.requests()[0];
    assert_eq!(r.json(), req);
    assert_eq!(r.header("x-tc-action"), "CreateMNPVersion");
    assert_eq!(r.header("x-tc-token"), TOKEN);
    assert_eq!(r.header("x-tc-language"), "zh-CN");
    assert!(r.header("x-tc-requestclient").ends_with(" tests/1"));
    assert_signed(r, "tcmpp");
}

#[tokio::test]
async fn non_ascii_members_are_signed_over_the_exact_bytes() {
    let server = TestServer::start(|_| Reply::Json(example("CreateMNPVersion", "response")))
        .await
        .unwrap();
    client(&server)
        .create_mnp_version()
        .mnp_id("mpg9yjc0qbpkelik")
        .mnp_version("1.0.0")
        .file_url("https://files.example.com/包.zip")
        .platform_id("T04257DS9431720WTAG")
        .mnp_version_intro("版本介绍 — ünïcødé \"quoted\"")
        .send()
        .await
        .unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.json()["MNPVersionIntro"], "版本介绍 — ünïcødé \"quoted\"");
    assert_signed(r, "tcmpp");
}

#[tokio::test]
async fn every_business_error_code_decodes_to_its_own_variant() {
    let spec = spec();
    for action in ["DescribeMNPAllStageVersions", "CreateMNPVersion"] {
        let codes: Vec<String> = spec["actions"][action]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_owned())
            .collect();
        assert!(codes.len() >= 7);
        for code in codes {
            let c = code.clone();
            let server = TestServer::start(move |_| error_reply(&c, "business failure"))
                .await
                .unwrap();
            let client = client(&server);
            let (kind_code, unhandled, err_code, request_id) = if action == "CreateMNPVersion" {
                let e = client
                    .create_mnp_version()
                    .mnp_id("m")
                    .mnp_version("1")
                    .file_url("u")
                    .platform_id("p")
                    .mnp_version_intro("i")
                    .send()
                    .await
                    .unwrap_err();
                let s = e.as_service_error().unwrap();
                (
                    s.kind().code(),
                    s.kind() == CreateMnpVersionErrorKind::Unhandled,
                    e.code().map(str::to_owned),
                    e.request_id().map(str::to_owned),
                )
            } else {
                let e = client
                    .describe_mnp_all_stage_versions()
                    .mnp_id("m")
                    .platform_id("p")
                    .send()
                    .await
                    .unwrap_err();
                let s = e.as_service_error().unwrap();
                (
                    s.kind().code(),
                    s.kind() == DescribeMnpAllStageVersionsErrorKind::Unhandled,
                    e.code().map(str::to_owned),
                    e.request_id().map(str::to_owned),
                )
            };
            assert!(!unhandled, "{action} {code}");
            assert_eq!(kind_code, Some(code.as_str()), "{action}");
            assert_eq!(err_code.as_deref(), Some(code.as_str()));
            assert_eq!(request_id.as_deref(), Some("req-err-1"));
        }
    }
}

#[tokio::test]
async fn common_and_unknown_codes() {
    let server = TestServer::start(|r: &Recorded| {
        let id = r.json()["MNPId"].as_str().unwrap_or_default().to_owned();
        error_reply(&id, "said the server")
    })
    .await
    .unwrap();
    let client = client(&server);
    let call = |code: &'static str| {
        let client = client.clone();
        async move {
            client
                .describe_mnp_all_stage_versions()
                .mnp_id(code)
                .platform_id("p")
                .send()
                .await
                .unwrap_err()
        }
    };
    let e = call("AuthFailure.SignatureFailure").await;
    let s = e.as_service_error().unwrap();
    assert_eq!(
        s.kind(),
        DescribeMnpAllStageVersionsErrorKind::AuthFailureSignatureFailure
    );
    assert_eq!(
        e.to_string(),
        "AuthFailure.SignatureFailure: said the server (request id req-err-1)"
    );
    let e = call("RequestLimitExceeded.IPLimitExceeded").await;
    assert_eq!(
        e.as_service_error().unwrap().kind(),
        DescribeMnpAllStageVersionsErrorKind::RequestLimitExceededIpLimitExceeded
    );
    let e = call("Brand.New.Code").await;
    let s = e.as_service_error().unwrap();
    assert_eq!(s.kind(), DescribeMnpAllStageVersionsErrorKind::Unhandled);
    assert_eq!(s.code(), "Brand.New.Code");
    assert_eq!(s.message(), "said the server");
    assert_eq!(s.request_id(), Some("req-err-1"));
}

async fn describe(
    server: &TestServer,
) -> SdkError<tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsError>
{
    failed_describe(&client(server)).await
}

/// A Describe through `client` that must fail.
async fn failed_describe(
    client: &Client,
) -> SdkError<tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsError>
{
    client
        .describe_mnp_all_stage_versions()
        .mnp_id("m")
        .platform_id("p")
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_html_502_is_an_unexpected_answer_with_its_details() {
    let page = format!(
        "<html><body><h1>502 Bad Gateway</h1>{}</body></html>",
        "x".repeat(3000)
    );
    let server = TestServer::start(move |_| Reply::Raw {
        status: 502,
        content_type: "text/html",
        body: page.clone(),
    })
    .await
    .unwrap();
    match describe(&server).await.into_kind() {
        ErrorKind::Response(r) => {
            assert_eq!(r.kind(), &ResponseErrorKind::Unexpected);
            assert_eq!(r.status(), 502);
            assert_eq!(r.content_type(), Some("text/html"));
            assert_eq!(r.body_head().len(), 1024);
            assert!(
                r.body_head()
                    .starts_with(b"<html><body><h1>502 Bad Gateway")
            );
            let shown = r.to_string();
            assert!(
                shown.starts_with(
                    "unexpected answer: HTTP 502, content type text/html, body: \"<html>"
                ),
                "{shown}"
            );
            assert!(shown.len() < 1200, "Display shows only the first KiB");
        }
        other => panic!("expected an unexpected answer, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_json_body_is_an_unexpected_answer() {
    let server = TestServer::start(|_| Reply::Raw {
        status: 200,
        content_type: "application/json",
        body: r#"{"Response": {"Data": [{"MNPId": "mpg"#.to_owned(),
    })
    .await
    .unwrap();
    match describe(&server).await.into_kind() {
        ErrorKind::Response(r) => {
            assert_eq!(r.kind(), &ResponseErrorKind::Unexpected);
            assert_eq!(r.status(), 200);
            assert_eq!(
                r.body().as_ref(),
                br#"{"Response": {"Data": [{"MNPId": "mpg"#
            );
        }
        other => panic!("expected an unexpected answer, got {other:?}"),
    }
}

#[tokio::test]
async fn an_envelope_that_does_not_fit_keeps_request_id_and_body() {
    let server = TestServer::start(|_| {
        Reply::Json(json!({"Response": {"Data": "oops", "RequestId": "req-bad"}}))
    })
    .await
    .unwrap();
    match describe(&server).await.into_kind() {
        ErrorKind::Response(r) => {
            assert!(
                matches!(r.kind(), ResponseErrorKind::Decode { .. }),
                "{r:?}"
            );
            assert_eq!(r.request_id(), Some("req-bad"));
            assert_eq!(
                r.body().as_ref(),
                br#"{"Response":{"Data":"oops","RequestId":"req-bad"}}"#
            );
            assert!(r.to_string().contains("(request id req-bad)"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = TestServer::start(|_| Reply::Hang).await.unwrap();
    let client = builder(server.url())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = failed_describe(&client).await;
    match e.into_kind() {
        ErrorKind::Timeout(t) => {
            assert!(!t.while_connecting());
            assert_eq!(t.kind(), TimeoutKind::Attempt);
            assert_eq!(t.after(), Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_dropped_connection_and_a_refused_one_are_transport_errors() {
    let server = TestServer::start(|_| Reply::Drop).await.unwrap();
    match describe(&server).await.into_kind() {
        ErrorKind::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Io),
        other => panic!("expected a transport error, got {other:?}"),
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = builder(format!("http://127.0.0.1:{port}")).build().unwrap();
    match failed_describe(&client).await.into_kind() {
        ErrorKind::Transport(t) => {
            assert_eq!(t.kind(), TransportErrorKind::Connect);
            assert!(t.to_string().starts_with("cannot connect"), "{t}");
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_envelope_is_found_whatever_the_content_type_says() {
    for content_type in [
        "application/json; charset=utf-8",
        "text/plain",
        "application/json;charset=UTF-8",
    ] {
        let server = TestServer::start(move |_| Reply::Raw {
            status: 200,
            content_type,
            body: json!({"Response": {"Error": {"Code": "InvalidParameterValue.InvalidMNPId", "Message": "bad"}, "RequestId": "r"}}).to_string(),
        })
        .await
        .unwrap();
        let e = describe(&server).await;
        assert_eq!(
            e.as_service_error().map(|s| s.kind()),
            Some(DescribeMnpAllStageVersionsErrorKind::InvalidParameterValueInvalidMnpId),
            "{content_type}"
        );
    }
}

#[tokio::test]
async fn drifted_answers_decode() {
    let server = TestServer::start(|r: &Recorded| {
        if r.json()["MNPId"] == "null" {
            Reply::Json(json!({"Response": {"Data": null, "RequestId": "r1"}}))
        } else {
            Reply::Json(json!({"Response": {"Data": [{"MNPVersionId": "2596", "ApprovalStatus": "3", "Phase": "Canary",
                "ShowCase": 1.0, "Unknown": {"x": 1}}], "Extra": true, "RequestId": "r2"}}))
        }
    })
    .await
    .unwrap();
    let client = client(&server);
    let out = client
        .describe_mnp_all_stage_versions()
        .mnp_id("null")
        .platform_id("p")
        .send()
        .await
        .unwrap();
    assert_eq!(out.data, None);
    let out = client
        .describe_mnp_all_stage_versions()
        .mnp_id("x")
        .platform_id("p")
        .send()
        .await
        .unwrap();
    let v = &out.data.unwrap()[0];
    assert_eq!(v.mnp_version_id, Some(2596));
    assert_eq!(v.approval_status, Some(ApprovalStatus::Approved));
    assert_eq!(v.phase, Some(Phase::from("Canary")));
    assert!(matches!(&v.phase, Some(p @ Phase::Unknown(_)) if p.as_str() == "Canary"));
    assert_eq!(v.show_case, Some(ShowCase::Preview));
    assert_eq!(v.mnp_name, None);
}

#[tokio::test]
async fn connections_are_pooled_and_clones_share_them() {
    let server =
        TestServer::start(|_| Reply::Json(example("DescribeMNPAllStageVersions", "response")))
            .await
            .unwrap();
    let client = client(&server);
    for _ in 0..3 {
        client
            .describe_mnp_all_stage_versions()
            .mnp_id("m")
            .platform_id("p")
            .send()
            .await
            .unwrap();
        let clone = client.clone();
        clone
            .describe_mnp_all_stage_versions()
            .mnp_id("m")
            .platform_id("p")
            .send()
            .await
            .unwrap();
    }
    assert_eq!(server.requests().len(), 6);
    assert_eq!(server.connections(), 1);
}

#[test]
fn bad_configuration_is_a_typed_error() {
    let build = |b: tcmpp_api::ClientBuilder| {
        b.credentials(Credentials::new(SECRET_ID, SECRET_KEY).unwrap())
            .build()
    };
    let err = build(Client::builder().region("ap singapore")).unwrap_err();
    assert!(matches!(err, ConfigError::InvalidRegion { .. }), "{err}");
    for endpoint in [
        "tcmpp.tencentcloudapi.com",
        "ftp://x",
        "http://h/prefix",
        "http://",
    ] {
        let err = build(Client::builder().region("ap-singapore").endpoint(endpoint)).unwrap_err();
        assert!(
            matches!(err, ConfigError::InvalidEndpoint { .. }),
            "{endpoint}: {err}"
        );
        assert!(err.to_string().contains(endpoint), "{err}");
    }
    let err = build(
        Client::builder()
            .retry(RetryConfig::disabled())
            .region("ap-singapore")
            .timeout(Duration::ZERO),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "the timeout must be greater than zero");
    let err = build(
        Client::builder()
            .retry(RetryConfig::disabled())
            .region("ap-singapore")
            .client_suffix("a b"),
    )
    .unwrap_err();
    assert!(matches!(err, ConfigError::InvalidClientSuffix { .. }));
    let ok = build(Client::builder().region("ap-singapore")).unwrap();
    assert_eq!(ok.endpoint(), "https://tcmpp.tencentcloudapi.com/");
    assert_eq!(ok.region(), "ap-singapore");
}

/// Loopback by address, however the endpoint spells it: the localhost
/// names are resolved to 127.0.0.1 and ::1 by the client itself (no DNS
/// question, which for `localhost.` would leave the machine), and an
/// IPv4-mapped IPv6 address reaches the IPv4 listener.
#[tokio::test]
async fn loopback_spellings_reach_this_machine() {
    let server = TestServer::start(|_| error_reply("InvalidParameter", "answered"))
        .await
        .unwrap();
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    for host in ["localhost.", "LocalHost", "[::ffff:127.0.0.1]"] {
        let endpoint = format!("http://{host}:{port}");
        let client = builder(&endpoint)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        // The server's own answer: the request reached it.
        let e = failed_describe(&client).await;
        assert_eq!(e.code(), Some("InvalidParameter"), "{endpoint}: {e}");
    }
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn the_client_is_cheap_to_share() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<Client>();
}

#[tokio::test]
async fn the_call_timeout_bounds_every_attempt_and_backoff_together() {
    let server = TestServer::start(|_| Reply::Hang).await.unwrap();
    let client = builder(server.url())
        .retry(
            RetryConfig::standard()
                .with_max_attempts(10)
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
        .attempt_timeout(Duration::from_millis(150))
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = failed_describe(&client).await;
    let elapsed = started.elapsed();
    match e.kind() {
        ErrorKind::Timeout(t) => {
            assert_eq!(t.kind(), TimeoutKind::Call);
            assert_eq!(t.after(), Duration::from_millis(500));
        }
        other => panic!("expected the call's timeout, got {other:?}"),
    }
    // Describe is retry-safe: attempts timed out and were retried until
    // the call's own timeout ended it, well before 10 attempts' worth.
    assert!((2..=4).contains(&e.attempts()), "{} attempts", e.attempts());
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1400), "{elapsed:?}");
    assert!(server.requests().len() >= 2);
}

#[tokio::test]
async fn request_ids_survive_non_200_answers_and_malformed_errors() {
    let answers = [
        // A non-200 status around a well-formed, successful-looking envelope.
        (
            500,
            r#"{"Response":{"Data":[],"RequestId":"req-500"}}"#,
            "req-500",
        ),
        // A non-200 status around an envelope the typed body rejects.
        (
            503,
            r#"{"Response":{"Data":"nope","RequestId":"req-503"}}"#,
            "req-503",
        ),
        // An `Error` that is not an object.
        (
            200,
            r#"{"Response":{"Error":"boom","RequestId":"req-str"}}"#,
            "req-str",
        ),
        // An `Error` without a usable code.
        (
            200,
            r#"{"Response":{"Error":{"Code":{"x":1}},"RequestId":"req-code"}}"#,
            "req-code",
        ),
    ];
    for (status, body, id) in answers {
        let server = TestServer::start(move |_| Reply::Raw {
            status,
            content_type: "application/json",
            body: body.to_owned(),
        })
        .await
        .unwrap();
        let e = describe(&server).await;
        assert_eq!(e.request_id(), Some(id), "{status} {body}: {e:?}");
        match e.kind() {
            ErrorKind::Response(r) => {
                assert_eq!(r.status(), status);
                assert_eq!(r.body().as_ref(), body.as_bytes());
            }
            other => panic!("{body}: expected a response error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_successful_call_records_its_request_id_on_the_span() {
    let (logs, _guard) = tcmpp_tests::logs::capture();
    let server = TestServer::start(|_| {
        Reply::Json(json!({"Response": {"Data": [], "RequestId": "req-ok-span"}}))
    })
    .await
    .unwrap();
    let out = client(&server)
        .describe_mnp_all_stage_versions()
        .mnp_id("m")
        .platform_id("p")
        .send()
        .await
        .unwrap();
    assert_eq!(out.request_id, "req-ok-span");
    let text = logs.text();
    assert!(
        text.contains("request_id=\"req-ok-span\"") || text.contains("request_id=req-ok-span"),
        "{text}"
    );
    assert!(
        text.contains("outcome=\"ok\"") || text.contains("outcome=ok"),
        "{text}"
    );
}

/// Each level says its own part once: the `Display` of an error never
/// repeats what its `source()` chain says.
#[tokio::test]
async fn error_messages_appear_once_in_the_whole_chain() {
    fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut out = vec![e.to_string()];
        let mut cur = e.source();
        while let Some(c) = cur {
            out.push(c.to_string());
            cur = c.source();
        }
        out
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused =
        failed_describe(&builder(format!("http://127.0.0.1:{port}")).build().unwrap()).await;
    let levels = chain(&refused);
    assert!(levels.len() >= 2, "{levels:?}");
    assert_eq!(levels[0], "cannot connect to the endpoint");
    for (i, outer) in levels.iter().enumerate() {
        for inner in &levels[i + 1..] {
            assert!(
                !outer.contains(inner.as_str()),
                "{outer:?} repeats its source {inner:?}"
            );
        }
    }
}

#[tokio::test]
async fn untyped_calls_send_json_and_return_the_response_object() {
    let server = TestServer::start(|r| {
        if r.header("x-tc-action") == "DescribeMNPAllStageVersions" {
            Reply::Json(json!({"Response": {"Data": [{"MNPId": "m"}], "RequestId": "req-json"}}))
        } else {
            Reply::Json(json!({"Response": {
                "Error": {"Code": "FailedOperation", "Message": "no"},
                "RequestId": "req-json-err"
            }}))
        }
    })
    .await
    .unwrap();
    let c = client(&server);
    let out = c
        .call_json(
            "DescribeMNPAllStageVersions",
            &json!({"MNPId": "m", "PlatformId": "p"}),
        )
        .await
        .unwrap();
    assert_eq!(out["Data"][0]["MNPId"], "m");
    assert_eq!(out["RequestId"], "req-json");
    let sent = &server.requests()[0];
    assert_eq!(sent.json(), json!({"MNPId": "m", "PlatformId": "p"}));
    assert!(sent.header("authorization").starts_with("TC3-HMAC-SHA256 "));

    let e = c
        .call_json("CreateMNPVersion", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("FailedOperation"));
    assert_eq!(e.request_id(), Some("req-json-err"));

    // Unknown actions and non-object parameters never leave the client.
    for (action, params) in [
        ("NoSuchAction", json!({})),
        ("CreateMNPVersion", json!([1])),
    ] {
        let e = c.call_json(action, &params).await.unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Build(_)), "{e:?}");
    }
    assert_eq!(server.requests().len(), 2);
}

/// A required setter works in any state: called again, it replaces the
/// value (it used to fail to compile, with "field, not a method").
#[test]
fn a_required_setter_called_twice_keeps_the_second_value() {
    use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsInput;
    let input = DescribeMnpAllStageVersionsInput::builder()
        .mnp_id("first")
        .platform_id("T04257DS9431720WTAG")
        .mnp_id("second")
        .build();
    assert_eq!(input.mnp_id(), "second");
    assert_eq!(input.platform_id(), "T04257DS9431720WTAG");
}
