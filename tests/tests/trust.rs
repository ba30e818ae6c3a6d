//! Trusting a private certificate authority: the mock serving HTTPS on
//! 127.0.0.1 with a root it generated (`MockServerBuilder::https`). Refused without that root (in
//! words a user understands), accepted with it, with or without the
//! platform's trust store; plain HTTP sent to it is answered in the
//! service's envelope. Runs with the `rustls` feature by default; with
//! `--features tcmpp-api/native-tls` the same tests run over OpenSSL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsError;
use tcmpp_api::error::{ErrorKind, TransportErrorKind};
use tcmpp_api::{Client, ClientBuilder, ConfigError, RetryConfig, SdkError};
use tcmpp_tests::client_builder;
use tencentcloud_mock::{LoopbackCa, MockServer};

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";

struct Https {
    mock: MockServer,
    root_pem: String,
}

async fn https() -> Https {
    let mock = MockServer::builder().https(true).start().await.unwrap();
    assert!(
        mock.endpoint().starts_with("https://127.0.0.1:"),
        "{}",
        mock.endpoint()
    );
    let root_pem = mock.ca_certificate_pem().unwrap().to_owned();
    Https { mock, root_pem }
}

fn builder(h: &Https) -> ClientBuilder {
    client_builder(h.mock.endpoint()).retry(RetryConfig::standard().with_max_attempts(3))
}

fn other_root(name: &str) -> String {
    LoopbackCa::generate(name).unwrap().root_pem().to_owned()
}

async fn describe(c: &Client) -> Result<(), SdkError<DescribeMnpAllStageVersionsError>> {
    c.describe_mnp_all_stage_versions()
        .mnp_id(MNP)
        .platform_id(PLATFORM)
        .send()
        .await
        .map(|_| ())
}

/// The whole chain of an error, as a reporter prints it.
fn report(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        text.push_str(": ");
        text.push_str(&s.to_string());
        next = s.source();
    }
    text
}

#[tokio::test]
async fn an_unknown_authority_is_refused_in_words() {
    let h = https().await;
    let c = builder(&h).build().unwrap();
    let e = describe(&c).await.unwrap_err();
    match e.kind() {
        ErrorKind::Transport(t) => assert_eq!(t.kind(), TransportErrorKind::Certificate, "{e:?}"),
        other => panic!("expected a certificate error, got {other:?}"),
    }
    let text = e.to_string();
    assert!(
        text.starts_with("the endpoint's TLS certificate is not trusted: it was issued by a certificate authority this client does not trust"),
        "{text}"
    );
    assert!(text.contains("add_root_certificate_pem"), "{text}");
    assert_eq!(e.attempts(), 1, "a refused certificate is not retried");
    assert!(h.mock.calls().is_empty(), "nothing reached the service");
    println!("{}", report(&e));
}

#[tokio::test]
async fn the_added_root_is_trusted() {
    let h = https().await;
    let c = builder(&h)
        .add_root_certificate_pem(&h.root_pem)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
    let created = c
        .create_mnp_version()
        .mnp_id(MNP)
        .mnp_version("1.0.601")
        .file_url("https://files.example.com/a.zip")
        .platform_id(PLATFORM)
        .mnp_version_intro("over https")
        .send()
        .await
        .unwrap();
    assert!(created.data.and_then(|d| d.task_id).is_some());
    assert_eq!(h.mock.handled("CreateMNPVersion"), 1);
}

#[tokio::test]
async fn only_the_added_roots_without_the_platform_store() {
    let h = https().await;
    let c = builder(&h)
        .add_root_certificate_pem(h.root_pem.as_bytes())
        .platform_trust_store(false)
        .build()
        .unwrap();
    describe(&c).await.unwrap();

    // Another authority's root, in a bundle with a second one: still refused.
    let other = other_root("another CA");
    let third = other_root("a third CA");
    let c = builder(&h)
        .add_root_certificate_pem(format!("{other}\n{third}"))
        .platform_trust_store(false)
        .build()
        .unwrap();
    let e = describe(&c).await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transport(t) if t.kind() == TransportErrorKind::Certificate),
        "{e:?}"
    );
    // A bundle holding the right root among others is enough.
    let c = builder(&h)
        .add_root_certificate_pem(format!("{other}\n{}", h.root_pem))
        .platform_trust_store(false)
        .build()
        .unwrap();
    describe(&c).await.unwrap();
}

#[test]
fn unusable_roots_are_named_at_build() {
    let base = || client_builder("https://127.0.0.1:1");
    let err = |b: ClientBuilder| b.build().unwrap_err();

    let e = err(base().platform_trust_store(false));
    assert!(matches!(e, ConfigError::NoTrustedRoots), "{e:?}");
    assert!(e.to_string().contains("add_root_certificate_pem"), "{e}");

    let e = err(base().add_root_certificate_pem("not a certificate"));
    assert!(
        matches!(e, ConfigError::InvalidRootCertificate { .. }),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "invalid root certificate: PEM bundle 1: no -----BEGIN CERTIFICATE----- block"
    );

    let good = other_root("good");
    let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let e = err(base()
        .add_root_certificate_pem(&good)
        .add_root_certificate_pem(format!("{good}{broken}")));
    assert!(
        matches!(e, ConfigError::InvalidRootCertificate { .. }),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("invalid root certificate: PEM bundle 2: certificate 2"),
        "{e}"
    );
}

#[tokio::test]
async fn the_mock_certificate_names_localhost_and_one_root_serves_two_mocks() {
    let ca = LoopbackCa::generate("shared root").unwrap();
    let first = MockServer::builder()
        .https_with(ca.clone())
        .start()
        .await
        .unwrap();
    let second = MockServer::builder()
        .https_with(ca.clone())
        .start()
        .await
        .unwrap();
    for mock in [&first, &second] {
        assert_eq!(mock.ca_certificate_pem(), Some(ca.root_pem()));
        let localhost = format!("https://localhost:{}", mock.addr().port());
        let c = client_builder(localhost)
            .add_root_certificate_pem(ca.root_pem())
            .platform_trust_store(false)
            .build()
            .unwrap();
        describe(&c).await.unwrap();
        assert_eq!(mock.handled("DescribeMNPAllStageVersions"), 1);
    }
}

#[tokio::test]
async fn plain_http_to_the_https_mock_and_a_stalled_handshake_end_promptly() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let mock = MockServer::builder()
        .https(true)
        .header_read_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();

    // Plain HTTP where TLS is expected: answered in plain text with the
    // service's envelope, which says what to use, not hung.
    let c = client_builder(format!("http://{}", mock.addr()))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = describe(&c).await.unwrap_err();
    assert_eq!(e.code(), Some("UnsupportedProtocol"), "{e:?}");
    let https = format!("https://{}", mock.addr());
    assert!(e.message().is_some_and(|m| m.contains(&https)), "{e:?}");

    // A client that connects and never says hello is closed after the
    // head's deadline, like a slow head over HTTP.
    let mut stalled = tokio::net::TcpStream::connect(mock.addr()).await.unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), stalled.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    let _ = stalled.shutdown().await;
    assert!(mock.calls().is_empty(), "nothing reached the service");
}
