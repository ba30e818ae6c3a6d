//! Trusting a private certificate authority: the mock behind HTTPS on
//! 127.0.0.1 with a root of the test's own. Refused without that root (in
//! words a user understands), accepted with it, with or without the
//! platform's trust store. Runs with the `rustls` feature by default; with
//! `--features tcmpp-api/native-tls` the same tests run over OpenSSL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use tcmpp_api::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsError;
use tcmpp_api::error::{ErrorKind, TransportErrorKind};
use tcmpp_api::mock::MockServer;
use tcmpp_api::{Client, ClientBuilder, ConfigError, RetryConfig, SdkError};
use tcmpp_tests::client_builder;
use tcmpp_tests::tls::{TestCa, TlsFront};

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";

struct Https {
    mock: MockServer,
    front: TlsFront,
    ca: TestCa,
}

async fn https() -> Https {
    let mock = MockServer::start().await.unwrap();
    let ca = TestCa::new("tcmpp private test CA").unwrap();
    let front = TlsFront::start(&ca, mock.addr()).await.unwrap();
    Https { mock, front, ca }
}

fn builder(h: &Https) -> ClientBuilder {
    client_builder(h.front.url()).retry(RetryConfig::standard().with_max_attempts(3))
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
        .add_root_certificate_pem(&h.ca.root_pem)
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
        .add_root_certificate_pem(h.ca.root_pem.as_bytes())
        .platform_trust_store(false)
        .build()
        .unwrap();
    describe(&c).await.unwrap();

    // Another authority's root, in a bundle with a second one: still refused.
    let other = TestCa::new("another CA").unwrap();
    let third = TestCa::new("a third CA").unwrap();
    let c = builder(&h)
        .add_root_certificate_pem(format!("{}\n{}", other.root_pem, third.root_pem))
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
        .add_root_certificate_pem(format!("{}\n{}", other.root_pem, h.ca.root_pem))
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

    let ca = TestCa::new("good").unwrap();
    let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let e = err(base()
        .add_root_certificate_pem(&ca.root_pem)
        .add_root_certificate_pem(format!("{}{broken}", ca.root_pem)));
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
