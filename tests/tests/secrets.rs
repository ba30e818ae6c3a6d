//! The secret key and the session token appear in no `Debug` or `Display`
//! output of the client, credentials, requests or errors, and in no tracing
//! output, even at TRACE level with the HTTP stack's own logs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::time::Duration;

use serde_json::json;
use tcmpp_api::Client;
use tcmpp_api::credentials::Credentials;
use tcmpp_tests::server::{Reply, TestServer};

const SECRET_KEY: &str = "Sup3rSecretKeyValue";
const TOKEN: &str = "Sess1onTokenValue";

fn assert_clean(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET_KEY),
        "{what} shows the secret key:\n{text}"
    );
    assert!(!text.contains(TOKEN), "{what} shows the token:\n{text}");
}

#[tokio::test]
async fn no_secret_in_debug_display_or_traces() {
    let (logs, _guard) = tcmpp_tests::logs::capture();

    let server = TestServer::start(|r| {
        if r.json()["MNPId"] == "ok" {
            Reply::Json(json!({"Response": {"Data": [], "RequestId": "req-ok"}}))
        } else if r.json()["MNPId"] == "html" {
            Reply::Raw { status: 502, content_type: "text/html", body: "<html>bad gateway</html>".to_owned() }
        } else {
            Reply::Json(json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "no"}, "RequestId": "req-err"}}))
        }
    })
    .await
    .unwrap();
    let creds = Credentials::new("AKIDVISIBLE", SECRET_KEY)
        .unwrap()
        .with_token(TOKEN)
        .unwrap();
    let client = Client::builder()
        .region("ap-singapore")
        .endpoint(server.url())
        .credentials(creds.clone())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    assert_clean("Credentials Debug", &format!("{creds:?}"));
    assert_clean("Client Debug", &format!("{client:?}"));
    assert!(
        format!("{client:?}").contains("AKIDVISIBLE"),
        "the secret id is not a secret"
    );
    let request = client
        .describe_mnp_all_stage_versions()
        .mnp_id("ok")
        .platform_id("p");
    assert_clean("request Debug", &format!("{request:?}"));
    request.send().await.unwrap();

    for id in ["err", "html"] {
        let err = client
            .describe_mnp_all_stage_versions()
            .mnp_id(id)
            .platform_id("p")
            .send()
            .await
            .unwrap_err();
        assert_clean("error Debug", &format!("{err:?}"));
        assert_clean("error Display", &err.to_string());
    }
    let bad = Credentials::new("AKIDVISIBLE", format!("{SECRET_KEY}\n")).unwrap_err();
    assert_clean("credentials error", &format!("{bad} {bad:?}"));

    // The token did travel, so its absence from the logs means something.
    assert_eq!(server.requests()[0].header("x-tc-token"), TOKEN);
    let logs = logs.text();
    assert_clean("tracing output", &logs);
    assert!(logs.contains("tencentcloud.call"), "{logs}");
    assert!(
        logs.contains("action=\"DescribeMNPAllStageVersions\"")
            || logs.contains("action=DescribeMNPAllStageVersions"),
        "{logs}"
    );
    assert!(
        logs.contains("outcome=\"ok\"") || logs.contains("outcome=ok"),
        "{logs}"
    );
    assert!(
        logs.contains("request_id=\"req-err\"") || logs.contains("request_id=req-err"),
        "{logs}"
    );
    assert!(logs.contains("latency_ms="), "{logs}");
    assert!(logs.contains("region=ap-singapore"), "{logs}");
}

/// An error and every cause under it, with its `Debug`.
fn everything(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{e} {e:?}");
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(" / {c} {c:?}"));
        cause = c.source();
    }
    text
}

/// A password in an endpoint URL is refused without being repeated: not in
/// the error's `Display` or `Debug`, nor in the `Debug` of the builder that
/// holds it, whether or not the rest of the value parses as a URL.
#[test]
fn no_endpoint_password_in_errors_or_debug() {
    let builder = Client::builder()
        .region("ap-singapore")
        .endpoint("http://u:hunter2@example.com");
    let shown = format!("{builder:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("u:"),
        "{shown}"
    );
    assert!(shown.contains("example.com"), "{shown}");
    let err = builder.build().unwrap_err();
    let text = everything(&err);
    assert!(!text.contains("hunter2") && !text.contains("u:"), "{text}");
    assert!(
        err.to_string()
            .contains("\"http://***@example.com\": credentials do not belong in the URL"),
        "{err}"
    );
    for bad in [
        "http://u:hunter2@",
        "u:hunter2@example.com",
        "http://u:pa/hunter2@example.com",
        "http://u:hunter2?@example.com",
        "http://u:hunter2@example.com:99999",
        "ftp://u:hunter2@example.com",
        "http:/\\u:hunter2@example.com",
    ] {
        let err = Client::builder()
            .region("ap-singapore")
            .endpoint(bad)
            .build()
            .unwrap_err();
        let text = everything(&err);
        assert!(!text.contains("hunter2"), "{bad}: {text}");
        assert!(text.contains("invalid endpoint"), "{bad}: {text}");
    }
}

/// The CVM role provider's metadata URL may carry a user name and password
/// (a proxy's): they appear in no `Debug`, message or cause (reqwest's own
/// errors quote the URL they were given).
#[tokio::test]
async fn no_metadata_password_in_cvm_errors_or_debug() {
    use tcmpp_api::credentials::{CvmRoleProvider, ProvideCredentials};

    let failing = TestServer::start(|_| Reply::Raw {
        status: 500,
        content_type: "text/plain",
        body: "down".to_owned(),
    })
    .await
    .unwrap();
    let silent = TestServer::start(|_| Reply::Hang).await.unwrap();
    for server in [&failing, &silent] {
        let with_password = server.url().replace("http://", "http://meta:hunter2@");
        let provider = CvmRoleProvider::new()
            .endpoint(with_password)
            .timeout(Duration::from_millis(300));
        let shown = format!("{provider:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let err = provider.provide_credentials().await.unwrap_err();
        let text = everything(&err);
        assert!(
            !text.contains("hunter2") && !text.contains("meta:"),
            "{text}"
        );
        // It still says where it asked.
        let at = server.url().replace("http://", "http://***@");
        assert!(text.contains(&at), "{text}");
        assert_eq!(server.requests().len(), 1);
    }
}
