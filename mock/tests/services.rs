//! One server, two services: TCMPP and TCSAS on one port, each request
//! routed by its Host, credential scope or version and checked against the
//! service it reached, each service with its own store and rate limits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tcmpp_tests::calls::{MNP, PLATFORM};
use tcmpp_tests::v1;
use tencentcloud_mock::{MockServer, MockServerBuilder};
use tencentcloud_runtime::operation::ServiceInfo;
use tencentcloud_runtime::{RateLimit, RetryConfig};

async fn both() -> MockServer {
    MockServerBuilder::new(tcmpp_api::SERVICE)
        .service(tcsas_api::SERVICE)
        .start()
        .await
        .unwrap()
}

fn tcmpp_at(mock: &MockServer, endpoint: &str, http: Option<reqwest::Client>) -> tcmpp_api::Client {
    let mut b = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(mock.credentials())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off);
    if let Some(http) = http {
        b = b.http_client(http);
    }
    b.build().unwrap()
}

fn tcsas_at(mock: &MockServer, endpoint: &str, http: Option<reqwest::Client>) -> tcsas_api::Client {
    let mut b = tcsas_api::Client::builder()
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(mock.credentials())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off);
    if let Some(http) = http {
        b = b.http_client(http);
    }
    b.build().unwrap()
}

fn tcmpp(mock: &MockServer) -> tcmpp_api::Client {
    tcmpp_at(mock, &mock.endpoint(), None)
}

fn tcsas(mock: &MockServer) -> tcsas_api::Client {
    tcsas_at(mock, &mock.endpoint(), None)
}

/// An HTTP client that reaches the mock under `name` (a `Host` that names
/// a service), without asking DNS.
fn reaching_as(mock: &MockServer, name: &str) -> (String, reqwest::Client) {
    let http = tencentcloud_runtime::config::reqwest_builder()
        .no_proxy()
        .resolve(name, mock.addr())
        .build()
        .unwrap();
    (format!("http://{name}:{}", mock.addr().port()), http)
}

/// A runtime client for `service` (any `ServiceInfo`, also a made-up one).
fn runtime_for(mock: &MockServer, service: ServiceInfo) -> tencentcloud_runtime::Client {
    tcmpp_tests::builder_for(service, mock.endpoint())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off)
        .build()
        .unwrap()
}

async fn tcmpp_versions(mock: &MockServer) -> usize {
    tcmpp_tests::calls::describe(&tcmpp(mock))
        .await
        .unwrap()
        .data
        .unwrap()
        .len()
}

async fn tcsas_versions(
    c: &tcsas_api::Client,
) -> Vec<tcsas_api::models::DescribeMpAllStageVersionsResp> {
    c.describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .unwrap()
        .data
        .unwrap()
}

#[tokio::test]
async fn one_port_answers_typed_calls_of_both_services() {
    let mock = both().await;
    let names: Vec<&str> = mock.services().iter().map(|s| s.name).collect();
    assert_eq!(names, ["tcmpp", "tcsas"]);

    // Each seeded from its own spec's example: 5 versions for TCMPP, 2 for TCSAS.
    assert_eq!(tcmpp_versions(&mock).await, 5);
    let t = tcsas(&mock);
    let seeded = tcsas_versions(&t).await;
    assert_eq!(seeded.len(), 2);
    assert_eq!(seeded[0].mnp_desc.as_deref(), Some("mini program desc"));

    // An action only TCSAS has, answered with its own example.
    let list = t
        .describe_mnp_list()
        .platform_id(PLATFORM)
        .limit(10)
        .offset(0)
        .send()
        .await
        .unwrap();
    assert_eq!(list.data.unwrap().total_count, Some(1));
    assert!(tcsas_api::SERVICE.operation("DescribeMNPList").is_some());

    let calls = mock.calls();
    let services: Vec<&str> = calls.iter().map(|c| c.service.as_str()).collect();
    assert_eq!(services, ["tcmpp", "tcsas", "tcsas"]);
    assert!(
        calls.iter().all(|c| c.handled && c.code.is_none()),
        "{calls:?}"
    );
    assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 2);
    assert_eq!(mock.handled_by("tcsas", "DescribeMNPAllStageVersions"), 1);
    assert_eq!(mock.handled_by("tcmpp", "DescribeMNPAllStageVersions"), 1);
    assert_eq!(mock.handled_by("tcmpp", "DescribeMNPList"), 0);

    // v1 signatures carry no scope: the Version routes them.
    let v1_count = |version: &'static str| {
        let mock = &mock;
        async move {
            let mut params = v1::common(
                "DescribeMNPAllStageVersions",
                mock.credentials().secret_id(),
            );
            params.retain(|(k, _)| k != "Version");
            params.push(("Version".into(), version.into()));
            params.push(("MNPId".into(), MNP.into()));
            params.push(("PlatformId".into(), PLATFORM.into()));
            let host = mock.addr().to_string();
            let key = mock.credentials().secret_key().to_owned();
            let answer = v1::get(&mock.endpoint(), &host, &key, params)
                .await
                .unwrap();
            answer["Response"].clone()
        }
    };
    assert_eq!(
        v1_count("2024-08-01").await["Data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        v1_count("2025-01-06").await["Data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let refused = v1_count("2020-01-01").await;
    assert_eq!(refused["Error"]["Code"], "NoSuchVersion", "{refused}");
    let message = refused["Error"]["Message"].as_str().unwrap();
    assert!(
        message.contains("`tcmpp` 2024-08-01") && message.contains("`tcsas` 2025-01-06"),
        "{message}"
    );
    assert_eq!(mock.calls().last().unwrap().service, "");
}

#[tokio::test]
async fn tcsas_creates_into_its_own_store_with_its_extra_members() {
    let mock = both().await;
    let t = tcsas(&mock);
    let out = t
        .create_mnp_version()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .mnp_version("2.0.0")
        .file_url("https://files.example.com/a.zip")
        .mnp_version_intro("tcsas build")
        .version_type(tcsas_api::models::MnpVersionType::Debug)
        .compile_condition("condition")
        .compile_config("config")
        .pipeline_id("202606111556252306706926")
        .file_inner_url("https://inner.example.com/a.zip")
        .send()
        .await
        .unwrap();
    let task = out.data.unwrap().task_id.unwrap();
    assert!(
        !task.is_empty() && task.bytes().all(|b| b.is_ascii_digit()),
        "{task}"
    );

    let listed = tcsas_versions(&t).await;
    assert_eq!(listed.len(), 3);
    let new = listed.last().unwrap();
    assert_eq!(new.mnp_version.as_deref(), Some("2.0.0"));
    assert_eq!(new.mnp_version_intro.as_deref(), Some("tcsas build"));
    // TCMPP's store did not see it.
    assert_eq!(tcmpp_versions(&mock).await, 5);
    assert_eq!(mock.stored_versions_of("tcsas"), 3);
    assert_eq!(mock.stored_versions_of("tcmpp"), 5);
    assert_eq!(mock.stored_versions(), 8);
    assert_eq!(mock.handled_by("tcsas", "CreateMNPVersion"), 1);
    assert_eq!(mock.handled_by("tcmpp", "CreateMNPVersion"), 0);

    // The extra members' values are checked; nothing is stored when refused.
    let refused = |e: tcsas_api::SdkError<_>| e.code().map(str::to_owned);
    let create = || {
        t.create_mnp_version()
            .mnp_id(MNP)
            .platform_id(PLATFORM)
            .mnp_version("2.0.1")
            .file_url("https://files.example.com/a.zip")
            .mnp_version_intro("refused")
    };
    let r = create()
        .version_type(tcsas_api::models::MnpVersionType::from(3))
        .send()
        .await;
    assert_eq!(
        r.map_err(refused).unwrap_err().as_deref(),
        Some("InvalidParameterValue")
    );
    let r = create()
        .file_inner_url("ftp://inner.example.com/a.zip")
        .send()
        .await;
    assert_eq!(
        r.map_err(refused).unwrap_err().as_deref(),
        Some("FailedOperation.FileDownloadFailed")
    );
    let r = create().pipeline_id("  ").send().await;
    assert_eq!(
        r.map_err(refused).unwrap_err().as_deref(),
        Some("InvalidParameterValue")
    );
    assert_eq!(mock.stored_versions_of("tcsas"), 3);

    // TCMPP has no such member: its table refuses it.
    let err = tcmpp(&mock)
        .call_json(
            "CreateMNPVersion",
            &json!({"MNPId": MNP, "PlatformId": PLATFORM, "MNPVersion": "2.0.2",
                    "FileUrl": "https://files.example.com/a.zip", "MNPVersionIntro": "x",
                    "VersionType": 2}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnknownParameter"), "{err}");

    // TCSAS's own create example names another program on another
    // platform: both exist, as its examples say.
    let example: Value = serde_json::from_str(
        tcsas_api::SERVICE
            .operation("CreateMNPVersion")
            .unwrap()
            .example_request
            .unwrap(),
    )
    .unwrap();
    let answer = t.call_json("CreateMNPVersion", &example).await.unwrap();
    assert!(answer["Data"]["TaskId"].is_string(), "{answer}");
    assert_eq!(mock.stored_versions_of("tcsas"), 4);
}

#[tokio::test]
async fn another_services_version_is_no_such_version() {
    let mock = both().await;
    // Signed for TCSAS (scope and Host's service), with TCMPP's version.
    const MIXED: ServiceInfo = ServiceInfo {
        version: tcmpp_api::SERVICE.version,
        ..tcsas_api::SERVICE
    };
    let err = runtime_for(&mock, MIXED)
        .call_json(
            "DescribeMNPAllStageVersions",
            &json!({"MNPId": MNP, "PlatformId": PLATFORM}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchVersion"), "{err}");
    let message = err.message().unwrap_or_default();
    assert!(
        message.contains("`2024-08-01`") && message.contains("`tcsas`"),
        "{message}"
    );
    let last = mock.calls().pop().unwrap();
    assert_eq!((last.service.as_str(), last.handled), ("tcsas", false));

    // The same through a Host naming TCSAS.
    let (endpoint, http) = reaching_as(&mock, "tcsas.localhost");
    let err = tcbuilder(&mock, MIXED, &endpoint, http)
        .call_json(
            "DescribeMNPAllStageVersions",
            &json!({"MNPId": MNP, "PlatformId": PLATFORM}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoSuchVersion"), "{err}");
}

fn tcbuilder(
    mock: &MockServer,
    service: ServiceInfo,
    endpoint: &str,
    http: reqwest::Client,
) -> tencentcloud_runtime::Client {
    tencentcloud_runtime::ClientBuilder::new(service)
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(mock.credentials())
        .retry(RetryConfig::disabled())
        .rate_limit(RateLimit::Off)
        .http_client(http)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_host_routes_and_a_scope_for_another_service_is_refused() {
    let mock = both().await;
    let (endpoint, http) = reaching_as(&mock, "tcsas.localhost");
    // TCSAS's client through its Host: served.
    let t = tcsas_at(&mock, &endpoint, Some(http.clone()));
    assert_eq!(tcsas_versions(&t).await.len(), 2);
    // TCMPP's client (scope `tcmpp`) through a Host naming TCSAS: refused.
    let err = tcmpp_tests::calls::describe(&tcmpp_at(&mock, &endpoint, Some(http)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{err}");
    let message = err.message().unwrap_or_default();
    assert!(
        message.contains("names the service `tcmpp`")
            && message.contains("reached the service `tcsas`"),
        "{message}"
    );
    let last = mock.calls().pop().unwrap();
    assert_eq!((last.service.as_str(), last.handled), ("tcsas", false));

    // A Host naming no service served leaves it to the scope.
    let (endpoint, http) = reaching_as(&mock, "mock.localhost");
    let c = tcmpp_at(&mock, &endpoint, Some(http));
    assert_eq!(
        tcmpp_tests::calls::describe(&c)
            .await
            .unwrap()
            .data
            .unwrap()
            .len(),
        5
    );
    // A scope naming no service served, with no other hint: refused by name.
    const ELSEWHERE: ServiceInfo = ServiceInfo {
        name: "cvm",
        signing_service: "cvm",
        version: "2017-03-12",
        ..tcsas_api::SERVICE
    };
    let err = runtime_for(&mock, ELSEWHERE)
        .call_json("DescribeMNPAllStageVersions", &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{err}");
    let message = err.message().unwrap_or_default();
    assert!(
        message.contains("`cvm`, which this server does not serve"),
        "{message}"
    );
}

#[tokio::test]
async fn each_service_has_its_own_rate_limits() {
    // 20 a second per action; a try whose arrivals spread over more than a
    // second (a loaded machine) proves nothing and is made again.
    for _ in 0..5 {
        let mock = both().await;
        let (mpp, sas) = (tcmpp(&mock), tcsas(&mock));
        let started = Instant::now();
        let mpp_calls = (0..20).map(|i| {
            let c = mpp.clone();
            async move {
                tcmpp_tests::calls::create(&c, &format!("3.0.{i}"), "limits")
                    .await
                    .map(|_| ())
            }
        });
        let sas_calls = (0..20).map(|i| {
            let c = sas.clone();
            async move {
                c.create_mnp_version()
                    .mnp_id(MNP)
                    .platform_id(PLATFORM)
                    .mnp_version(format!("3.0.{i}"))
                    .file_url("https://files.example.com/a.zip")
                    .mnp_version_intro("limits")
                    .send()
                    .await
                    .map(|_| ())
            }
        });
        let (a, b) = tokio::join!(all(mpp_calls), all(sas_calls));
        let extra_mpp = tcmpp_tests::calls::create(&mpp, "3.1.0", "one too many").await;
        let extra_sas = sas
            .create_mnp_version()
            .mnp_id(MNP)
            .platform_id(PLATFORM)
            .mnp_version("3.1.0")
            .file_url("https://files.example.com/a.zip")
            .mnp_version_intro("one too many")
            .send()
            .await;
        if started.elapsed() >= Duration::from_millis(900) {
            continue;
        }
        assert!(a.iter().all(Result::is_ok), "{a:?}");
        assert!(b.iter().all(Result::is_ok), "{b:?}");
        assert_eq!(extra_mpp.unwrap_err().code(), Some("RequestLimitExceeded"));
        assert_eq!(extra_sas.unwrap_err().code(), Some("RequestLimitExceeded"));
        assert_eq!(mock.handled_by("tcmpp", "CreateMNPVersion"), 20);
        assert_eq!(mock.handled_by("tcsas", "CreateMNPVersion"), 20);
        assert_eq!(mock.handled("CreateMNPVersion"), 40);
        return;
    }
    panic!("five tries each took over 0.9 s: the machine is too loaded to tell");
}

/// Runs the calls at once, results in order.
async fn all<T: Send + 'static>(
    calls: impl Iterator<Item = impl std::future::Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let tasks: Vec<_> = calls.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(tasks.len());
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_service_given_twice_is_served_once_and_alone_takes_every_request() {
    // `new` then a service of the same name: replaced, not added.
    let mock = MockServerBuilder::new(tcsas_api::SERVICE)
        .service(tcsas_api::SERVICE)
        .start()
        .await
        .unwrap();
    assert_eq!(mock.services().len(), 1);
    // One service served takes every request as its own, as before.
    let err = tcmpp_tests::calls::describe(&tcmpp(&mock))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{err}");
    assert_eq!(mock.calls()[0].service, "tcsas");
}
