//! What the mock accepts as the service does, signed by hand: canonical
//! header values lower-cased and trimmed, the host signed with or without
//! the port (and `strict_host`), and what it refuses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tcmpp_api::mock::MockServer;
use tcmpp_api::signing;

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";
const DESCRIBE: &str = "DescribeMNPAllStageVersions";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// One TC3 request, signed by hand.
struct Tc3 {
    method: &'static str,
    query: String,
    action: &'static str,
    /// `None`: no Content-Type header at all.
    content_type: Option<&'static str>,
    /// The `host` the signature covers (the header sent is always `127.0.0.1:PORT`).
    signed_host: String,
    body: String,
    secret_key: Option<String>,
}

impl Tc3 {
    fn post(mock: &MockServer, action: &'static str, body: Value) -> Self {
        Tc3 {
            method: "POST",
            query: String::new(),
            action,
            content_type: Some("application/json"),
            signed_host: mock.addr().to_string(),
            body: body.to_string(),
            secret_key: None,
        }
    }

    async fn send(self, mock: &MockServer) -> Value {
        let creds = mock.credentials();
        let timestamp = now();
        let mut signed = Vec::new();
        if let Some(ct) = self.content_type {
            signed.push(("content-type", ct));
        }
        signed.push(("host", self.signed_host.as_str()));
        let canonical = signing::canonical_request_with(
            self.method,
            &self.query,
            &signed,
            self.body.as_bytes(),
        );
        let date = signing::utc_date(timestamp);
        let key = self
            .secret_key
            .clone()
            .unwrap_or_else(|| creds.secret_key().to_owned());
        let signature =
            signing::signature_of_canonical(&key, timestamp, &date, "tcmpp", &canonical);
        let names: Vec<&str> = signed.iter().map(|(n, _)| *n).collect();
        let auth = format!(
            "TC3-HMAC-SHA256 Credential={}/{date}/tcmpp/tc3_request, SignedHeaders={}, Signature={signature}",
            creds.secret_id(),
            names.join(";")
        );
        let http = tcmpp_api::config::reqwest_builder()
            .no_proxy()
            .build()
            .unwrap();
        let url = if self.query.is_empty() {
            format!("{}/", mock.endpoint())
        } else {
            format!("{}/?{}", mock.endpoint(), self.query)
        };
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut req = http
            .request(method, url)
            .header("authorization", auth)
            .header("x-tc-action", self.action)
            .header("x-tc-version", "2024-08-01")
            .header("x-tc-timestamp", timestamp.to_string())
            .header("x-tc-region", "ap-singapore")
            .body(self.body);
        if let Some(ct) = self.content_type {
            req = req.header("content-type", ct);
        }
        let answer = req.send().await.unwrap().bytes().await.unwrap();
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert!(answer["Response"]["RequestId"].is_string(), "{answer}");
        answer["Response"].clone()
    }
}

fn code(answer: &Value) -> Option<&str> {
    answer["Error"]["Code"].as_str()
}

fn describe_body() -> Value {
    json!({"MNPId": MNP, "PlatformId": PLATFORM})
}

#[tokio::test]
async fn canonical_header_values_are_lower_cased_and_trimmed() {
    let mock = MockServer::start().await.unwrap();
    // Sent as `application/json; charset=UTF-8`, signed as Tencent documents:
    // lower-cased. The signature helper lower-cases, so sign the canonical
    // line by hand to be sure what is signed.
    let sent = "application/json; charset=UTF-8";
    let mut req = Tc3::post(&mock, DESCRIBE, describe_body());
    req.content_type = Some(sent);
    let answer = req.send(&mock).await;
    assert_eq!(code(&answer), None, "{answer}");
    assert_eq!(answer["Data"].as_array().map(Vec::len), Some(5));

    // The same request signed with the value as sent (not lower-cased) is
    // refused: the canonical form is not the raw header.
    let timestamp = now();
    let host = mock.addr().to_string();
    let body = describe_body().to_string();
    let raw_canonical = format!(
        "POST\n/\n\ncontent-type:{sent}\nhost:{host}\n\ncontent-type;host\n{}",
        signing::sha256_hex(body.as_bytes())
    );
    let lower_canonical = signing::canonical_request_with(
        "POST",
        "",
        &[("content-type", sent), ("host", &host)],
        body.as_bytes(),
    );
    assert_ne!(raw_canonical, lower_canonical);
    assert!(lower_canonical.contains("content-type:application/json; charset=utf-8\n"));
    let creds = mock.credentials();
    let date = signing::utc_date(timestamp);
    let sig = signing::signature_of_canonical(
        creds.secret_key(),
        timestamp,
        &date,
        "tcmpp",
        &raw_canonical,
    );
    let answer = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(mock.endpoint())
        .header("content-type", sent)
        .header(
            "authorization",
            format!(
                "TC3-HMAC-SHA256 Credential={}/{date}/tcmpp/tc3_request, SignedHeaders=content-type;host, Signature={sig}",
                creds.secret_id()
            ),
        )
        .header("x-tc-action", DESCRIBE)
        .header("x-tc-version", "2024-08-01")
        .header("x-tc-timestamp", timestamp.to_string())
        .header("x-tc-region", "ap-singapore")
        .body(body)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        code(&answer["Response"]),
        Some("AuthFailure.SignatureFailure"),
        "{answer}"
    );
    assert_eq!(mock.handled(DESCRIBE), 1);
}

#[tokio::test]
async fn the_host_may_be_signed_without_the_port() {
    let mock = MockServer::start().await.unwrap();
    let mut bare = Tc3::post(&mock, DESCRIBE, describe_body());
    bare.signed_host = "127.0.0.1".into();
    let answer = bare.send(&mock).await;
    assert_eq!(code(&answer), None, "{answer}");

    let with_port = Tc3::post(&mock, DESCRIBE, describe_body())
        .send(&mock)
        .await;
    assert_eq!(code(&with_port), None, "{with_port}");

    // Another host, or another port, is not the same host.
    for other in ["127.0.0.2", "localhost", "127.0.0.1:1"] {
        let mut req = Tc3::post(&mock, DESCRIBE, describe_body());
        req.signed_host = other.into();
        let answer = req.send(&mock).await;
        assert_eq!(
            code(&answer),
            Some("AuthFailure.SignatureFailure"),
            "{other}: {answer}"
        );
    }
    // A wrong key fails for the bare host too.
    let mut wrong = Tc3::post(&mock, DESCRIBE, describe_body());
    wrong.signed_host = "127.0.0.1".into();
    wrong.secret_key = Some("wrong".into());
    assert_eq!(
        code(&wrong.send(&mock).await),
        Some("AuthFailure.SignatureFailure")
    );
    assert_eq!(mock.handled(DESCRIBE), 2);
}

#[tokio::test]
async fn strict_host_demands_the_host_header_exactly() {
    let mock = MockServer::builder()
        .strict_host(true)
        .start()
        .await
        .unwrap();
    let mut bare = Tc3::post(&mock, DESCRIBE, describe_body());
    bare.signed_host = "127.0.0.1".into();
    assert_eq!(
        code(&bare.send(&mock).await),
        Some("AuthFailure.SignatureFailure")
    );
    let exact = Tc3::post(&mock, DESCRIBE, describe_body())
        .send(&mock)
        .await;
    assert_eq!(code(&exact), None, "{exact}");
    assert_eq!(mock.handled(DESCRIBE), 1);
}
