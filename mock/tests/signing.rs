//! What the mock accepts as the service does, signed by hand: canonical
//! header values lower-cased and trimmed, the host signed with or without
//! the port (and `strict_host`), TC3 over GET with the parameters in the
//! query string, v1 signatures (`HmacSHA1`, `HmacSHA256`) over GET and
//! form-encoded POST (also as the official Python SDK signs them), and what
//! it refuses.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tcmpp_tests::v1;
use tencentcloud_mock::MockServer;
use tencentcloud_runtime::signing;

const MNP: &str = "mpg9yjc0qbpkelik";
const PLATFORM: &str = "T04257DS9431720WTAG";
const DESCRIBE: &str = "DescribeMNPAllStageVersions";
const CREATE: &str = "CreateMNPVersion";

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
    /// A query string sent instead of the signed one.
    sent_query: Option<String>,
    /// Sign the hash of `UNSIGNED-PAYLOAD` instead of the body's.
    sign_unsigned_payload: bool,
    /// An `X-TC-Content-SHA256` header to send.
    content_sha256: Option<&'static str>,
}

impl Tc3 {
    fn get(mock: &MockServer, action: &'static str, query: &str) -> Self {
        Tc3 {
            method: "GET",
            query: query.to_owned(),
            action,
            content_type: Some("application/x-www-form-urlencoded"),
            signed_host: mock.addr().to_string(),
            body: String::new(),
            secret_key: None,
            sent_query: None,
            sign_unsigned_payload: false,
            content_sha256: None,
        }
    }

    fn post(mock: &MockServer, action: &'static str, body: Value) -> Self {
        Tc3 {
            method: "POST",
            query: String::new(),
            action,
            content_type: Some("application/json"),
            signed_host: mock.addr().to_string(),
            body: body.to_string(),
            secret_key: None,
            sent_query: None,
            sign_unsigned_payload: false,
            content_sha256: None,
        }
    }

    async fn send(self, mock: &MockServer) -> Value {
        deliver(self.request(mock)).await
    }

    /// The signed request, ready to send (or to send again).
    fn request(self, mock: &MockServer) -> reqwest::RequestBuilder {
        let creds = mock.credentials();
        let timestamp = now();
        let mut signed = Vec::new();
        if let Some(ct) = self.content_type {
            signed.push(("content-type", ct));
        }
        signed.push(("host", self.signed_host.as_str()));
        let payload = if self.sign_unsigned_payload {
            "UNSIGNED-PAYLOAD".as_bytes()
        } else {
            self.body.as_bytes()
        };
        let canonical = signing::canonical_request_with(self.method, &self.query, &signed, payload);
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
        let query = self.sent_query.as_deref().unwrap_or(&self.query);
        let url = if query.is_empty() {
            format!("{}/", mock.endpoint())
        } else {
            format!("{}/?{query}", mock.endpoint())
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
        if let Some(hash) = self.content_sha256 {
            req = req.header("x-tc-content-sha256", hash);
        }
        req
    }
}

/// Sends `req` and returns the answer's `Response`, which has a RequestId.
async fn deliver(req: reqwest::RequestBuilder) -> Value {
    let answer = req.send().await.unwrap().bytes().await.unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert!(answer["Response"]["RequestId"].is_string(), "{answer}");
    answer["Response"].clone()
}

fn code(answer: &Value) -> Option<&str> {
    answer["Error"]["Code"].as_str()
}

/// Asserts `answer` is error `want` and its message says `says`.
fn refused(answer: &Value, want: &str, says: &str) {
    assert_eq!(code(answer), Some(want), "{answer}");
    let message = answer["Error"]["Message"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{answer}");
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

/// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`, as the official Python, Go and
/// Java SDKs send it with `unsignedPayload` set: the signature covers the
/// hash of that text, not the body's; the parameters are still read.
#[tokio::test]
async fn an_unsigned_payload_is_accepted_as_the_sdks_sign_it() {
    let mock = MockServer::start().await.unwrap();
    let unsigned = |mut req: Tc3| {
        req.sign_unsigned_payload = true;
        req.content_sha256 = Some("UNSIGNED-PAYLOAD");
        req
    };
    let create = json!({
        "MNPId": MNP, "PlatformId": PLATFORM, "MNPVersion": "1.0.900",
        "FileUrl": "https://example.invalid/unsigned.zip", "MNPVersionIntro": "unsigned payload",
    });
    let answer = unsigned(Tc3::post(&mock, CREATE, create)).send(&mock).await;
    assert_eq!(code(&answer), None, "{answer}");
    let query = format!("MNPId={MNP}&PlatformId={PLATFORM}");
    let listed = unsigned(Tc3::get(&mock, DESCRIBE, &query))
        .send(&mock)
        .await;
    assert_eq!(code(&listed), None, "{listed}");
    let versions = listed["Data"].as_array().unwrap();
    assert!(
        versions.iter().any(|v| v["MNPVersion"] == "1.0.900"),
        "{listed}"
    );
    // Unsigned, the parameters are still checked.
    let answer = unsigned(Tc3::post(&mock, DESCRIBE, json!({"MNPId": MNP})))
        .send(&mock)
        .await;
    assert_eq!(code(&answer), Some("MissingParameter"), "{answer}");

    // Signed over UNSIGNED-PAYLOAD without the header, over the body with
    // it, or with a wrong key: refused.
    let mut no_header = Tc3::post(&mock, DESCRIBE, describe_body());
    no_header.sign_unsigned_payload = true;
    let mut body_signed = Tc3::post(&mock, DESCRIBE, describe_body());
    body_signed.content_sha256 = Some("UNSIGNED-PAYLOAD");
    let mut wrong_key = unsigned(Tc3::post(&mock, DESCRIBE, describe_body()));
    wrong_key.secret_key = Some("wrong".into());
    for req in [no_header, body_signed, wrong_key] {
        let answer = req.send(&mock).await;
        assert_eq!(
            code(&answer),
            Some("AuthFailure.SignatureFailure"),
            "{answer}"
        );
    }
    assert_eq!(mock.handled(CREATE), 1);
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

#[tokio::test]
async fn tc3_over_get_reads_the_query_string_and_shares_state_with_post() {
    let mock = MockServer::start().await.unwrap();
    let describe = format!("MNPId={MNP}&PlatformId={PLATFORM}");
    let seed = Tc3::get(&mock, DESCRIBE, &describe).send(&mock).await;
    assert_eq!(code(&seed), None, "{seed}");
    assert_eq!(seed["Data"].as_array().map(Vec::len), Some(5));

    // A Create over GET (with characters the query string must encode) ...
    let create = format!(
        "MNPId={MNP}&MNPVersion=1.0.400&FileUrl=https%3A%2F%2Ffiles.example.com%2Fa.zip\
         &PlatformId={PLATFORM}&MNPVersionIntro=via+GET%20%26+more"
    );
    let created = Tc3::get(&mock, CREATE, &create).send(&mock).await;
    assert_eq!(code(&created), None, "{created}");
    assert!(created["Data"]["TaskId"].is_string(), "{created}");

    // ... shows in a Describe over POST, and over GET without a Content-Type.
    let after = Tc3::post(&mock, DESCRIBE, describe_body())
        .send(&mock)
        .await;
    let data = after["Data"].as_array().unwrap();
    assert_eq!(data.len(), 6, "{after}");
    let new = data
        .iter()
        .find(|v| v["MNPVersion"] == "1.0.400")
        .unwrap_or_else(|| panic!("the GET-created version is missing: {after}"));
    assert_eq!(new["MNPVersionIntro"], "via GET & more");
    let mut bare = Tc3::get(&mock, DESCRIBE, &describe);
    bare.content_type = None;
    let again = bare.send(&mock).await;
    assert_eq!(code(&again), None, "{again}");
    assert_eq!(again["Data"], after["Data"]);
    assert_eq!(mock.handled(CREATE), 1);
}

#[tokio::test]
async fn get_parameters_are_flattened_and_read_by_their_type() {
    let mock = MockServer::start().await.unwrap();
    // A list of objects with an integer member.
    let add = format!(
        "TeamId=3686677859&PlatformId={PLATFORM}\
         &MemberList.0.UserId=U1&MemberList.0.UserRoleId=20070\
         &MemberList.1.UserId=U2&MemberList.1.UserRoleId=7"
    );
    let answer = Tc3::get(&mock, "AddTeamMember", &add).send(&mock).await;
    assert_eq!(code(&answer), None, "{answer}");
    // Integers and booleans arrive as strings.
    let list = format!("Offset=0&Limit=10&PlatformId={PLATFORM}&LoadAssistantApp=true");
    let answer = Tc3::get(&mock, "DescribeSimpleApplicationInfoList", &list)
        .send(&mock)
        .await;
    assert_eq!(code(&answer), None, "{answer}");
    assert_eq!(mock.handled("AddTeamMember"), 1);
    assert_eq!(mock.handled("DescribeSimpleApplicationInfoList"), 1);

    // The same checks, with the same codes, as a JSON body gets.
    let refused = [
        (
            format!("Offset=zero&Limit=10&PlatformId={PLATFORM}"),
            "InvalidParameter",
        ),
        (
            format!("Offset=0&Limit=10&PlatformId={PLATFORM}&LoadAssistantApp=yes"),
            "InvalidParameter",
        ),
        (
            format!("Offset=-1&Limit=10&PlatformId={PLATFORM}&Offset=2"),
            "InvalidParameter",
        ),
        (
            format!("Limit=10&PlatformId={PLATFORM}"),
            "MissingParameter",
        ),
        (
            format!("Offset=0&Limit=10&PlatformId={PLATFORM}&Extra=1"),
            "UnknownParameter",
        ),
        (
            format!("Offset=0&Limit=10&PlatformId={PLATFORM}&Keyword.Inner=1"),
            "UnknownParameter",
        ),
    ];
    for (query, want) in &refused {
        let answer = Tc3::get(&mock, "DescribeSimpleApplicationInfoList", query)
            .send(&mock)
            .await;
        assert_eq!(code(&answer), Some(*want), "{query}: {answer}");
    }
    let members = [
        (
            format!("TeamId=1&PlatformId={PLATFORM}&MemberList.0.UserId=U1&MemberList.0.Nope=1"),
            "UnknownParameter",
        ),
        (
            format!("TeamId=1&PlatformId={PLATFORM}&MemberList.x.UserId=U1"),
            "InvalidParameter",
        ),
        (
            format!("TeamId=1&PlatformId={PLATFORM}&MemberList.99999999999.UserId=U1"),
            "InvalidParameter",
        ),
        (
            format!("TeamId=1&PlatformId={PLATFORM}&MemberList.0.UserRoleId=1.5"),
            "InvalidParameter",
        ),
        // A hole in the list is an item of the wrong type.
        (
            format!("TeamId=1&PlatformId={PLATFORM}&MemberList.1.UserId=U1"),
            "InvalidParameter",
        ),
    ];
    for (query, want) in &members {
        let answer = Tc3::get(&mock, "AddTeamMember", query).send(&mock).await;
        assert_eq!(code(&answer), Some(*want), "{query}: {answer}");
    }
    assert_eq!(mock.handled("AddTeamMember"), 1);
    assert_eq!(mock.handled("DescribeSimpleApplicationInfoList"), 1);
}

#[tokio::test]
async fn a_wrong_get_signature_is_refused() {
    let mock = MockServer::start().await.unwrap();
    let describe = format!("MNPId={MNP}&PlatformId={PLATFORM}");
    let mut wrong_key = Tc3::get(&mock, DESCRIBE, &describe);
    wrong_key.secret_key = Some("wrong".into());
    assert_eq!(
        code(&wrong_key.send(&mock).await),
        Some("AuthFailure.SignatureFailure")
    );
    // Signed as a POST, sent as a GET.
    let answer = {
        // Sign a POST with an empty query, then send the same headers as GET.
        let creds = mock.credentials();
        let timestamp = now();
        let host = mock.addr().to_string();
        let canonical = signing::canonical_request_with(
            "POST",
            "",
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("host", &host),
            ],
            b"",
        );
        let date = signing::utc_date(timestamp);
        let sig = signing::signature_of_canonical(
            creds.secret_key(),
            timestamp,
            &date,
            "tcmpp",
            &canonical,
        );
        let bytes = tcmpp_api::config::reqwest_builder()
            .no_proxy()
            .build()
            .unwrap()
            .get(format!("{}/?{describe}", mock.endpoint()))
            .header("content-type", "application/x-www-form-urlencoded")
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
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()["Response"].clone()
    };
    assert_eq!(
        code(&answer),
        Some("AuthFailure.SignatureFailure"),
        "{answer}"
    );
    // The query string is signed: a parameter changed after signing fails.
    let mut tampered = Tc3::get(&mock, DESCRIBE, &describe);
    tampered.sent_query = Some(format!("MNPId=other&PlatformId={PLATFORM}"));
    assert_eq!(
        code(&tampered.send(&mock).await),
        Some("AuthFailure.SignatureFailure")
    );
    // The host without the port is accepted over GET too.
    let mut bare = Tc3::get(&mock, DESCRIBE, &describe);
    bare.signed_host = "127.0.0.1".into();
    assert_eq!(code(&bare.send(&mock).await), None);
    assert_eq!(mock.handled(DESCRIBE), 1);
}

#[tokio::test]
async fn content_types_and_paths_the_service_refuses() {
    let mock = MockServer::start().await.unwrap();
    let describe = format!("MNPId={MNP}&PlatformId={PLATFORM}");
    // TC3 POST takes JSON; form encoding is for v1 signatures.
    let mut form_post = Tc3::post(&mock, DESCRIBE, describe_body());
    form_post.content_type = Some("application/x-www-form-urlencoded");
    assert_eq!(code(&form_post.send(&mock).await), Some("InvalidParameter"));
    let mut json_get = Tc3::get(&mock, DESCRIBE, &describe);
    json_get.content_type = Some("application/json");
    assert_eq!(code(&json_get.send(&mock).await), Some("InvalidParameter"));
    // Only `/`.
    let answer = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/v3/", mock.endpoint()))
        .header("content-type", "application/json")
        .body(describe_body().to_string())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(
        code(&answer["Response"]),
        Some("UnsupportedProtocol"),
        "{answer}"
    );
    assert_eq!(mock.handled(DESCRIBE), 0);
}

/// One v1 request, signed by hand.
struct V1 {
    method: &'static str,
    /// `None`: no `SignatureMethod` parameter (HmacSHA1).
    signature_method: Option<&'static str>,
    params: Vec<(String, String)>,
    signed_host: String,
    secret_key: Option<String>,
    /// Leave this common parameter out.
    without: Option<&'static str>,
    /// Send this value for a common parameter.
    set: Option<(&'static str, String)>,
}

impl V1 {
    /// A v1 `GET` of the seeded Describe.
    fn describe(mock: &MockServer) -> Self {
        V1::new(
            mock,
            "GET",
            DESCRIBE,
            &[("MNPId", MNP), ("PlatformId", PLATFORM)],
        )
    }

    fn new(mock: &MockServer, method: &'static str, action: &str, params: &[(&str, &str)]) -> Self {
        let mut all: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        all.push(("Action".into(), action.into()));
        V1 {
            method,
            signature_method: Some("HmacSHA256"),
            params: all,
            signed_host: mock.addr().to_string(),
            secret_key: None,
            without: None,
            set: None,
        }
    }

    async fn send(self, mock: &MockServer) -> Value {
        let method = self.method;
        let encoded = self.sign(mock);
        deliver(v1_request(mock, method, encoded)).await
    }

    /// The encoded, signed parameters.
    fn sign(self, mock: &MockServer) -> String {
        let creds = mock.credentials();
        let mut params = self.params;
        let action = params
            .iter()
            .position(|(k, _)| k == "Action")
            .map(|i| params.remove(i).1)
            .unwrap_or_default();
        params.extend(v1::common(&action, creds.secret_id()));
        if let Some(m) = self.signature_method {
            params.push(("SignatureMethod".into(), m.into()));
        }
        if let Some(without) = self.without {
            params.retain(|(k, _)| k != without);
        }
        if let Some((name, value)) = self.set {
            for (k, v) in &mut params {
                if k == name {
                    v.clone_from(&value);
                }
            }
        }
        let key = self
            .secret_key
            .clone()
            .unwrap_or_else(|| creds.secret_key().to_owned());
        v1::signed(self.method, &self.signed_host, &key, params)
    }
}

/// A v1 request of `encoded` parameters: the query string of a `GET`, or
/// a form `POST`'s body.
fn v1_request(mock: &MockServer, method: &str, encoded: String) -> reqwest::RequestBuilder {
    let http = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .build()
        .unwrap();
    if method == "GET" {
        http.get(format!("{}/?{encoded}", mock.endpoint()))
    } else {
        http.post(format!("{}/", mock.endpoint()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded)
    }
}

#[tokio::test]
async fn v1_over_get_and_form_post_share_state() {
    let mock = MockServer::start().await.unwrap();
    let create = V1::new(
        &mock,
        "POST",
        CREATE,
        &[
            ("MNPId", MNP),
            ("MNPVersion", "1.0.500"),
            ("FileUrl", "https://files.example.com/a.zip?x=1&y=2"),
            ("PlatformId", PLATFORM),
            ("MNPVersionIntro", "v1 POST, 中文"),
        ],
    )
    .send(&mock)
    .await;
    assert_eq!(code(&create), None, "{create}");
    assert!(create["Data"]["TaskId"].is_string(), "{create}");

    for method in [None, Some("HmacSHA256")] {
        let mut describe = V1::new(
            &mock,
            "GET",
            DESCRIBE,
            &[("MNPId", MNP), ("PlatformId", PLATFORM)],
        );
        describe.signature_method = method;
        let answer = describe.send(&mock).await;
        let data = answer["Data"].as_array().unwrap();
        assert_eq!(data.len(), 6, "{answer}");
        let new = data
            .iter()
            .find(|v| v["MNPVersion"] == "1.0.500")
            .unwrap_or_else(|| panic!("the v1-created version is missing: {answer}"));
        assert_eq!(new["MNPVersionIntro"], "v1 POST, 中文");
        assert_eq!(new["Phase"], "Develop");
    }
    // Nested members, an integer and the host without the port.
    let mut add = V1::new(
        &mock,
        "GET",
        "AddTeamMember",
        &[
            ("TeamId", "1"),
            ("PlatformId", PLATFORM),
            ("MemberList.0.UserId", "U1"),
            ("MemberList.0.UserRoleId", "20070"),
        ],
    );
    add.signed_host = "127.0.0.1".into();
    let answer = add.send(&mock).await;
    assert_eq!(code(&answer), None, "{answer}");
    assert_eq!(mock.handled(CREATE), 1);
    assert_eq!(mock.handled(DESCRIBE), 2);
    assert_eq!(mock.handled("AddTeamMember"), 1);
}

#[tokio::test]
async fn v1_refusals() {
    let mock = MockServer::start().await.unwrap();
    let describe = || V1::describe(&mock);
    for method in ["GET", "POST"] {
        for sig in [None, Some("HmacSHA256")] {
            let mut wrong = describe();
            wrong.method = method;
            wrong.signature_method = sig;
            wrong.secret_key = Some("wrong".into());
            assert_eq!(
                code(&wrong.send(&mock).await),
                Some("AuthFailure.SignatureFailure"),
                "{method} {sig:?}"
            );
        }
    }
    let mut other_host = describe();
    other_host.signed_host = "localhost".into();
    assert_eq!(
        code(&other_host.send(&mock).await),
        Some("AuthFailure.SignatureFailure")
    );
    let mut md5 = describe();
    md5.signature_method = Some("HmacMD5");
    assert_eq!(code(&md5.send(&mock).await), Some("InvalidParameterValue"));
    for (without, want) in [
        ("SecretId", "MissingParameter"),
        ("Nonce", "MissingParameter"),
        ("Timestamp", "MissingParameter"),
        ("Action", "MissingParameter"),
        ("Region", "MissingParameter"),
    ] {
        let mut missing = describe();
        missing.without = Some(without);
        assert_eq!(code(&missing.send(&mock).await), Some(want), "{without}");
    }
    let mut extra = describe();
    extra.params.push(("Extra".into(), "1".into()));
    assert_eq!(code(&extra.send(&mock).await), Some("UnknownParameter"));
    let mut french = describe();
    french.params.push(("Language".into(), "fr-FR".into()));
    assert_eq!(
        code(&french.send(&mock).await),
        Some("InvalidParameterValue")
    );
    assert_eq!(mock.handled(DESCRIBE), 0);
    let mut chinese = describe();
    chinese.params.push(("Language".into(), "zh-CN".into()));
    assert_eq!(code(&chinese.send(&mock).await), None);
    assert_eq!(mock.handled(DESCRIBE), 1);

    // Strict about the host for v1 too.
    let strict = MockServer::builder()
        .strict_host(true)
        .start()
        .await
        .unwrap();
    let mut bare = V1::new(
        &strict,
        "GET",
        DESCRIBE,
        &[("MNPId", MNP), ("PlatformId", PLATFORM)],
    );
    bare.signed_host = "127.0.0.1".into();
    assert_eq!(
        code(&bare.send(&strict).await),
        Some("AuthFailure.SignatureFailure")
    );
}

/// Requests the official Python SDK (3.1.193) built and signed with v1 for
/// endpoint `127.0.0.1:8080` at 1724142147 (Nonce 11886): sent as they
/// are, with that `Host`, to a mock whose clock reads that time.
#[tokio::test]
async fn v1_requests_the_python_sdk_signed_are_accepted() {
    const PARAMS: &str = "TeamId=3686677859&PlatformId=T04257DS9431720WTAG\
        &MemberList.0.UserId=U+1&MemberList.0.UserRoleId=20070&Action=AddTeamMember\
        &RequestClient=SDK_PYTHON_3.1.193&Nonce=11886&Timestamp=1724142147\
        &Version=2024-08-01&Region=ap-singapore&SecretId=AKIDEXAMPLE";
    let get = format!(
        "{PARAMS}&SignatureMethod=HmacSHA1&Language=en-US&Signature=TfmZ0StAK02HhxH48fDTAuLCNF4%3D"
    );
    let post = format!(
        "{PARAMS}&SignatureMethod=HmacSHA256&Language=en-US\
         &Signature=kQptOWNVQkmHFnHMQyxSR62BRGAnSRV6zuZiis4aykk%3D"
    );
    let key = tcmpp_api::credentials::Credentials::new("AKIDEXAMPLE", "SECRETEXAMPLE").unwrap();
    let offset = 1_724_142_147 - i64::try_from(now()).unwrap();
    let mock = MockServer::builder()
        .credentials(&key)
        .clock_offset_secs(offset)
        .start()
        .await
        .unwrap();
    let http = tcmpp_api::config::reqwest_builder()
        .no_proxy()
        .build()
        .unwrap();
    let send = |method: &str, data: &str| {
        let req = if method == "GET" {
            http.get(format!("{}/?{data}", mock.endpoint()))
        } else {
            http.post(format!("{}/", mock.endpoint()))
                .body(data.to_owned())
        };
        let req = req
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/x-www-form-urlencoded");
        async move {
            let bytes = req.send().await.unwrap().bytes().await.unwrap();
            serde_json::from_slice::<Value>(&bytes).unwrap()["Response"].clone()
        }
    };
    let answer = send("GET", &get).await;
    assert_eq!(code(&answer), None, "{answer}");
    assert_eq!(answer["Data"]["Result"], true, "{answer}");
    let answer = send("POST", &post).await;
    assert_eq!(code(&answer), None, "{answer}");
    // Each signature is for its method and its parameters only.
    assert_eq!(
        code(&send("POST", &get).await),
        Some("AuthFailure.SignatureFailure")
    );
    assert_eq!(
        code(&send("GET", &post.replace("U+1", "U+2")).await),
        Some("AuthFailure.SignatureFailure")
    );
    assert_eq!(mock.handled("AddTeamMember"), 2);
}

#[tokio::test]
async fn v1_nonces_repeated_parameters_and_replayed_writes() {
    let mock = MockServer::start().await.unwrap();
    let describe = || V1::describe(&mock);
    // The Nonce is a positive integer of at most 64 bits.
    let digits = "9".repeat(100_000);
    for bad in [
        "-1",
        "abc",
        "1.5",
        " 7",
        "18446744073709551616",
        digits.as_str(),
    ] {
        let mut d = describe();
        d.method = "POST";
        d.set = Some(("Nonce", bad.to_owned()));
        let answer = d.send(&mock).await;
        assert_eq!(
            code(&answer),
            Some("InvalidParameterValue"),
            "{bad}: {answer}"
        );
        let m = answer["Error"]["Message"].as_str().unwrap();
        assert!(m.contains("Nonce") && m.len() < 300, "{m}");
    }
    for good in ["1", "0", "18446744073709551615"] {
        let mut d = describe();
        d.set = Some(("Nonce", good.to_owned()));
        assert_eq!(code(&d.send(&mock).await), None, "{good}");
    }

    // A parameter given twice is refused, whichever it is: before, the
    // first `Action` or `Signature` won silently.
    let mut twice = describe();
    twice
        .params
        .push(("Action".into(), "CreateMNPVersion".into()));
    let answer = twice.send(&mock).await;
    refused(
        &answer,
        "InvalidParameter",
        "`Action` is given more than once",
    );
    let mut member_twice = describe();
    member_twice.params.push(("MNPId".into(), "other".into()));
    assert_eq!(
        code(&member_twice.send(&mock).await),
        Some("InvalidParameter")
    );
    let signed = describe().sign(&mock);
    let answer = deliver(v1_request(&mock, "GET", format!("{signed}&Signature=x"))).await;
    assert_eq!(code(&answer), Some("InvalidParameter"), "{answer}");
    let handled = mock.handled(DESCRIBE);

    // The same signed write twice: acted on once, the replay refused.
    let create = V1::new(
        &mock,
        "POST",
        CREATE,
        &[
            ("MNPId", MNP),
            ("MNPVersion", "1.0.777"),
            ("FileUrl", "https://files.example.com/a.zip"),
            ("PlatformId", PLATFORM),
            ("MNPVersionIntro", "replayed"),
        ],
    )
    .sign(&mock);
    let first = deliver(v1_request(&mock, "POST", create.clone())).await;
    assert_eq!(code(&first), None, "{first}");
    let again = deliver(v1_request(&mock, "POST", create)).await;
    refused(&again, "InvalidParameterValue", "already acted on");
    assert_eq!(mock.handled(CREATE), 1);
    // A read may be sent again.
    let read = describe().sign(&mock);
    for _ in 0..2 {
        assert_eq!(
            code(&deliver(v1_request(&mock, "GET", read.clone())).await),
            None
        );
    }
    assert_eq!(mock.handled(DESCRIBE), handled + 2);
}

#[tokio::test]
async fn tc3_writes_sent_again_are_acted_on_and_json_members_given_twice_are_refused() {
    let mock = MockServer::start().await.unwrap();
    // TC3 has no nonce: a write sent twice within one second is signed
    // alike, whether replayed or called twice; both are acted on
    // (documented in the mock's replay module).
    let create = Tc3::post(
        &mock,
        CREATE,
        json!({
            "MNPId": MNP,
            "MNPVersion": "1.0.778",
            "FileUrl": "https://files.example.com/a.zip",
            "PlatformId": PLATFORM,
            "MNPVersionIntro": "sent twice",
        }),
    )
    .request(&mock);
    let again = create.try_clone().unwrap();
    assert_eq!(code(&deliver(create).await), None);
    assert_eq!(code(&deliver(again).await), None);
    assert_eq!(mock.handled(CREATE), 2);

    // A member named twice in a JSON body (serde_json keeps the last).
    let mut twice = Tc3::post(&mock, DESCRIBE, json!({}));
    twice.body = format!(r#"{{"MNPId":"{MNP}","PlatformId":"{PLATFORM}","MNPId":"other"}}"#);
    let answer = twice.send(&mock).await;
    refused(&answer, "InvalidParameter", "`MNPId` is given twice");
    let mut nested = Tc3::post(&mock, "AddTeamMember", json!({}));
    nested.body = format!(
        r#"{{"TeamId":1,"PlatformId":"{PLATFORM}","MemberList":[{{"UserId":"a","UserId":"b","UserRoleId":1}}]}}"#
    );
    assert_eq!(code(&nested.send(&mock).await), Some("InvalidParameter"));
    assert_eq!(mock.handled(DESCRIBE), 0);
}
