//! The providers end to end against the test server on 127.0.0.1 playing
//! STS and TCMPP on one port: keys assumed, used for TCMPP, expired and
//! refreshed without a failed call; the token file rotated; one STS call
//! for concurrent first calls; the default chain's order; and no secret or
//! token in any error, `Debug` or log line.
//!
//! Every long-lived secret and token the tests make contains `s3cr3t`; the
//! keys the test server issues are random, and are searched for by value.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tcmpp_api::actions::describe_mnp_all_stage_versions::DescribeMnpAllStageVersionsError;
use tcmpp_tests::server::{Reply, TestServer};
use tcmpp_tests::{calls, logs};
use tencentcloud_credentials::{AssumeRoleProvider, WebIdentityProvider};
use tencentcloud_mock::{Answer, MockServer, MockServerBuilder};
use tencentcloud_runtime::credentials::{
    Credentials, CredentialsError, CvmRoleProvider, DefaultCredentialsChain, EnvironmentProvider,
    ProfileFileProvider, ProvideCredentials,
};

const MARKER: &str = "s3cr3t";
const ROLE: &str = "qcs::cam::uin/100015158414:roleName/readOnlyRole";
const PROVIDER: &str = "OIDC-tke";
const TOKEN_ONE: &str = "eyJ.token-one-s3cr3t";
const TOKEN_TWO: &str = "eyJ.token-two-s3cr3t";

fn source_key() -> Credentials {
    Credentials::new("AKIDSOURCE0000000000000000000000", "source-s3cr3t-key").unwrap()
}

/// STS (keys lasting down to 1 s) and TCMPP, accepting [`source_key`] and
/// the two web identity tokens.
async fn mock() -> MockServer {
    MockServerBuilder::new(tcmpp_api::SERVICE)
        .service(sts_api::SERVICE)
        .credentials(&source_key())
        .web_identity_token(PROVIDER, TOKEN_ONE)
        .web_identity_token(PROVIDER, TOKEN_TWO)
        .sts_min_duration(Duration::from_secs(1))
        .start()
        .await
        .unwrap()
}

fn assume_role(mock: &MockServer, duration: Duration) -> AssumeRoleProvider {
    AssumeRoleProvider::builder(ROLE, source_key())
        .endpoint(mock.endpoint())
        .session_name("e2e-test")
        .duration(duration)
        .build()
        .unwrap()
}

fn tcmpp(mock: &MockServer, provider: impl ProvideCredentials + 'static) -> tcmpp_api::Client {
    tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials(provider)
        .build()
        .unwrap()
}

fn tcmpp_shared(mock: &MockServer, provider: Arc<dyn ProvideCredentials>) -> tcmpp_api::Client {
    tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .credentials_provider(provider)
        .build()
        .unwrap()
}

async fn describe(
    client: &tcmpp_api::Client,
) -> Result<(), tcmpp_api::SdkError<DescribeMnpAllStageVersionsError>> {
    calls::describe(client).await.map(|_| ())
}

/// Waits (at most 10 s) until the mock's clock has passed `unix_seconds`.
async fn wait_past(unix_seconds: u64) {
    for _ in 0..200 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        if now >= unix_seconds {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the clock did not pass {unix_seconds} within 10 s");
}

fn token_file(dir: &Path, token: &str) -> PathBuf {
    let path = dir.join("token");
    std::fs::write(&path, token).unwrap();
    path
}

fn tke_vars(token_file: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("TKE_REGION", "ap-singapore".to_owned()),
        ("TKE_PROVIDER_ID", PROVIDER.to_owned()),
        (
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            token_file.display().to_string(),
        ),
        ("TKE_ROLE_ARN", ROLE.to_owned()),
    ]
}

fn lookup(
    pairs: Vec<(&'static str, String)>,
) -> impl Fn(&str) -> Option<String> + Send + Sync + Clone + 'static {
    let pairs = Arc::new(pairs);
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }
}

fn web_identity(
    mock: &MockServer,
    vars: Vec<(&'static str, String)>,
    duration: Duration,
) -> WebIdentityProvider {
    WebIdentityProvider::tke_builder_from_lookup(lookup(vars))
        .endpoint(mock.endpoint())
        .duration(duration)
        .build()
        .unwrap()
}

/// The `WebIdentityToken` of every `AssumeRoleWithWebIdentity` the mock saw.
fn tokens_seen(mock: &MockServer) -> Vec<String> {
    mock.calls()
        .iter()
        .filter(|c| c.action == "AssumeRoleWithWebIdentity")
        .map(|c| {
            c.param("WebIdentityToken")
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

fn messages(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string(), format!("{err:?}")];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(" | ")
}

/// `shown` holds neither the marker nor any of `secrets`.
fn assert_clean(shown: &str, secrets: &[String]) {
    assert!(!shown.contains(MARKER), "a secret leaked: {shown}");
    for s in secrets {
        assert!(
            !shown.contains(s.as_str()),
            "an issued secret leaked: {shown}"
        );
    }
}

fn secrets_of(creds: &Credentials) -> Vec<String> {
    let mut s = vec![creds.secret_key().to_owned()];
    s.extend(creds.token().map(str::to_owned));
    s
}

// ------------------------------------------------------------- AssumeRole

#[tokio::test]
async fn assumed_keys_call_tcmpp_and_are_refreshed_before_they_fail() {
    let mock = mock().await;
    let provider = Arc::new(assume_role(&mock, Duration::from_secs(2)));
    let client = tcmpp_shared(&mock, provider.clone());
    describe(&client).await.unwrap();
    let first = mock.issued_keys();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].role_arn, ROLE);
    assert_eq!(first[0].role_session_name, "e2e-test");
    assert_eq!(first[0].action, "AssumeRole");
    let old = provider.provide_credentials().await.unwrap();
    assert_eq!(old.secret_id(), first[0].secret_id);
    assert!(old.token().is_some());

    // The first key expires at the server; the provider refreshed ahead.
    wait_past(first[0].expired_time).await;
    describe(&client).await.unwrap();
    let issued = mock.issued_keys();
    assert_eq!(issued.len(), 2, "{issued:?}");
    assert_ne!(issued[1].secret_id, issued[0].secret_id);
    assert_eq!(mock.handled_by("sts", "AssumeRole"), 2);
    assert!(
        mock.calls().iter().all(|c| c.code.is_none()),
        "a call failed: {:?}",
        mock.calls()
    );

    // The old key is refused now, as the service refuses an expired one.
    let stale = tcmpp(&mock, old);
    let err = describe(&stale).await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"));
}

#[tokio::test]
async fn twenty_concurrent_first_calls_make_one_sts_call() {
    let mock = mock().await;
    let client = tcmpp(&mock, assume_role(&mock, Duration::from_secs(900)));
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { describe(&client).await.map_err(|e| e.to_string()) })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap().unwrap();
    }
    assert_eq!(mock.handled_by("sts", "AssumeRole"), 1);
    assert_eq!(mock.handled_by("tcmpp", "DescribeMNPAllStageVersions"), 20);
}

#[tokio::test]
async fn sts_refusals_name_the_role_and_the_code() {
    let mock = mock().await;
    let bad = AssumeRoleProvider::builder("not-an-arn", source_key())
        .endpoint(mock.endpoint())
        .build()
        .unwrap();
    let err = bad.provide_credentials().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("AssumeRole not-an-arn"), "{text}");
    assert!(text.contains("InvalidParameter.ResouceError"), "{text}");
    assert_clean(&messages(&err), &[]);
    // A source key STS does not know.
    let unknown = AssumeRoleProvider::builder(
        ROLE,
        Credentials::new("AKIDUNKNOWN", "other-s3cr3t").unwrap(),
    )
    .endpoint(mock.endpoint())
    .build()
    .unwrap();
    let err = unknown.provide_credentials().await.unwrap_err();
    assert!(
        err.to_string().contains("AuthFailure.SecretIdNotFound"),
        "{err}"
    );
    assert_clean(&messages(&err), &[]);
}

#[tokio::test]
async fn durations_outside_what_sts_grants_are_refused_at_build() {
    for d in [Duration::ZERO, Duration::from_secs(43_201)] {
        let err = AssumeRoleProvider::builder(ROLE, source_key())
            .duration(d)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("outside what STS grants"), "{err}");
    }
}

// ------------------------------------------------------------- web identity

#[tokio::test]
async fn web_identity_rereads_the_rotated_token_file() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), TOKEN_ONE);
    let provider = Arc::new(web_identity(&mock, tke_vars(&file), Duration::from_secs(2)));
    let client = tcmpp_shared(&mock, provider.clone());
    describe(&client).await.unwrap();
    assert_eq!(tokens_seen(&mock), [TOKEN_ONE]);
    // Unsigned, as the official SDKs send it.
    let sts_call = mock
        .calls()
        .into_iter()
        .find(|c| c.action == "AssumeRoleWithWebIdentity")
        .unwrap();
    assert_eq!(sts_call.service, "sts");
    assert_eq!(sts_call.param("ProviderId"), &json!(PROVIDER));
    assert_eq!(sts_call.param("RoleArn"), &json!(ROLE));

    // The kubelet rotates the token; the next refresh sends the new one.
    std::fs::write(&file, format!("{TOKEN_TWO}\n")).unwrap();
    let first = mock.issued_keys()[0].expired_time;
    wait_past(first).await;
    describe(&client).await.unwrap();
    assert_eq!(tokens_seen(&mock), [TOKEN_ONE, TOKEN_TWO]);
    assert!(
        mock.calls().iter().all(|c| c.code.is_none()),
        "{:?}",
        mock.calls()
    );
}

#[tokio::test]
async fn twenty_concurrent_first_calls_make_one_web_identity_exchange() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), TOKEN_ONE);
    let client = tcmpp(
        &mock,
        web_identity(&mock, tke_vars(&file), Duration::from_secs(900)),
    );
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { describe(&client).await.map_err(|e| e.to_string()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(mock.handled_by("sts", "AssumeRoleWithWebIdentity"), 1);
}

#[tokio::test]
async fn a_refused_token_is_an_error_that_never_shows_it() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), "eyJ.revoked-s3cr3t");
    let provider = web_identity(&mock, tke_vars(&file), Duration::from_secs(900));
    let err = provider.provide_credentials().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("TKE OIDC role"), "{text}");
    assert!(
        text.contains("InvalidParameter.WebIdentityTokenError"),
        "{text}"
    );
    assert_clean(&messages(&err), &[]);
    assert_clean(&format!("{provider:?}"), &[]);
}

#[tokio::test]
async fn token_files_are_bounded_and_must_be_regular() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge");
    std::fs::write(&huge, vec![b'a'; 70 * 1024]).unwrap();
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").unwrap();
    let missing = dir.path().join("missing");
    for (path, want) in [
        (huge, "larger than 65536 bytes"),
        (empty, "is empty"),
        (missing, "cannot read the token file"),
        (PathBuf::from("/dev/zero"), "not a regular file"),
    ] {
        let provider = web_identity(&mock, tke_vars(&path), Duration::from_secs(900));
        let err = provider.provide_credentials().await.unwrap_err();
        let text = messages(&err);
        assert!(text.contains(want), "{text}");
        assert!(text.contains("TKE_WEB_IDENTITY_TOKEN_FILE"), "{text}");
    }
    assert_eq!(mock.handled_by("sts", "AssumeRoleWithWebIdentity"), 0);
}

#[tokio::test]
async fn only_the_web_identity_action_is_taken_unsigned() {
    let mock = mock().await;
    let unsigned = tcmpp_api::Client::builder()
        .region("ap-singapore")
        .endpoint(mock.endpoint())
        .unsigned()
        .build()
        .unwrap();
    let err = describe(&unsigned).await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.InvalidAuthorization"));
    // And an unsigned client takes no credentials.
    let both = sts_api::Client::builder()
        .region("ap-singapore")
        .credentials(source_key())
        .unsigned()
        .build()
        .unwrap_err();
    assert!(both.to_string().contains("unsigned"), "{both}");
}

// ------------------------------------------------------------- the chain

/// A fake CVM metadata service whose role answers the node's keys.
async fn node_metadata() -> TestServer {
    TestServer::start(|r| {
        if r.path.ends_with("/security-credentials/") {
            return Reply::Raw {
                status: 200,
                content_type: "text/plain",
                body: "NodeRole".to_owned(),
            };
        }
        let expires = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() + 3600;
        Reply::Json(json!({
            "TmpSecretId": "AKIDNODE", "TmpSecretKey": "node-s3cr3t-key", "Token": "node-s3cr3t-token",
            "ExpiredTime": expires, "Expiration": "2030-01-01T00:00:00Z", "Code": "Success"
        }))
    })
    .await
    .unwrap()
}

fn chain(
    vars: Vec<(&'static str, String)>,
    metadata: &TestServer,
    web_identity: Option<WebIdentityProvider>,
) -> DefaultCredentialsChain {
    let mut all = vars;
    all.push((
        "TENCENTCLOUD_CREDENTIALS_FILE",
        "/nonexistent/credentials".to_owned(),
    ));
    all.push(("HOME", "/nonexistent".to_owned()));
    let l = lookup(all);
    let chain = DefaultCredentialsChain::from_providers(
        EnvironmentProvider::from_lookup(l.clone()),
        ProfileFileProvider::from_lookup(l),
        CvmRoleProvider::new().endpoint(format!(
            "{}/latest/meta-data/cam/security-credentials/",
            metadata.url()
        )),
    );
    match web_identity {
        Some(p) => chain.with_web_identity(Arc::new(p)),
        None => chain,
    }
}

#[tokio::test]
async fn in_a_pod_the_chain_uses_the_pods_role_not_the_nodes() {
    let mock = mock().await;
    let node = node_metadata().await;
    let dir = tempfile::tempdir().unwrap();
    let vars = tke_vars(&token_file(dir.path(), TOKEN_ONE));
    let pod = web_identity(&mock, vars.clone(), Duration::from_secs(900));
    let chain = Arc::new(chain(vars, &node, Some(pod)));
    let creds = chain.provide_credentials().await.unwrap();
    assert_eq!(creds.secret_id(), mock.issued_keys()[0].secret_id);
    assert!(format!("{chain:?}").contains("web identity"), "{chain:?}");
    // The node's role was never asked for.
    assert_eq!(node.requests().len(), 0);
    // And TCMPP accepts the pod's keys.
    describe(&tcmpp_shared(&mock, chain.clone())).await.unwrap();
    assert_clean(&format!("{chain:?}"), &secrets_of(&creds));
}

#[tokio::test]
async fn without_tke_variables_the_chain_goes_on_to_the_cvm_role() {
    let mock = mock().await;
    let node = node_metadata().await;
    let pod = web_identity(&mock, Vec::new(), Duration::from_secs(900));
    let creds = chain(Vec::new(), &node, Some(pod))
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.secret_id(), "AKIDNODE");
    assert_eq!(mock.handled_by("sts", "AssumeRoleWithWebIdentity"), 0);
}

#[tokio::test]
async fn a_partial_tke_set_stops_the_chain_naming_what_is_missing() {
    let mock = mock().await;
    let node = node_metadata().await;
    let dir = tempfile::tempdir().unwrap();
    let all = tke_vars(&token_file(dir.path(), TOKEN_ONE));
    for missing in [
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
    ] {
        let mut vars: Vec<_> = all.iter().filter(|(k, _)| *k != missing).cloned().collect();
        // An empty value counts as unset.
        if missing == "TKE_ROLE_ARN" {
            vars.push(("TKE_ROLE_ARN", String::new()));
        }
        let pod = web_identity(&mock, vars.clone(), Duration::from_secs(900));
        let err = chain(vars, &node, Some(pod))
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(matches!(err, CredentialsError::Provider { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(&format!("{missing} not set")), "{text}");
        assert_clean(&messages(&err), &[]);
    }
    // An unreadable token file stops it too.
    let vars = tke_vars(&dir.path().join("gone"));
    let pod = web_identity(&mock, vars.clone(), Duration::from_secs(900));
    let err = chain(vars, &node, Some(pod))
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot read the token file"),
        "{err}"
    );
    assert_eq!(node.requests().len(), 0, "the node's role was asked for");
}

#[tokio::test]
async fn the_runtimes_own_chain_refuses_tke_variables_naming_this_crate() {
    let node = node_metadata().await;
    let vars = vec![("TKE_ROLE_ARN", ROLE.to_owned())];
    let err = chain(vars, &node, None)
        .provide_credentials()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("TKE_ROLE_ARN is set"), "{text}");
    assert!(text.contains("tencentcloud-credentials"), "{text}");
    assert_eq!(node.requests().len(), 0, "the node's role was asked for");
}

// ------------------------------------------------------------- no secrets shown

#[test]
fn no_secret_in_any_error_debug_or_log_line() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (logs, _guard) = logs::capture();
    let mut shown = Vec::new();
    let mut issued_secrets = Vec::new();
    runtime.block_on(async {
        let mock = mock().await;
        let dir = tempfile::tempdir().unwrap();
        // Success: both providers, and TCMPP with their keys.
        let role = Arc::new(assume_role(&mock, Duration::from_secs(900)));
        describe(&tcmpp_shared(&mock, role.clone())).await.unwrap();
        issued_secrets.extend(secrets_of(&role.provide_credentials().await.unwrap()));
        let pod = Arc::new(web_identity(
            &mock,
            tke_vars(&token_file(dir.path(), TOKEN_ONE)),
            Duration::from_secs(900),
        ));
        describe(&tcmpp_shared(&mock, pod.clone())).await.unwrap();
        issued_secrets.extend(secrets_of(&pod.provide_credentials().await.unwrap()));
        shown.push(format!("{role:?} {pod:?}"));

        // Answers that hold secrets but cannot be used.
        let leaky = json!({"Credentials": {"TmpSecretId": "AKIDX", "TmpSecretKey": "key-s3cr3t", "Token": ["tok-s3cr3t"]}, "ExpiredTime": 4_102_444_800_u64});
        let missing = json!({"Credentials": {"TmpSecretId": "AKIDX", "TmpSecretKey": "key-s3cr3t"}, "ExpiredTime": 4_102_444_800_u64});
        let expired = json!({"Credentials": {"TmpSecretId": "AKIDX", "TmpSecretKey": "key-s3cr3t", "Token": "tok-s3cr3t"}, "ExpiredTime": 1});
        mock.script_for("sts", "AssumeRole", [
            Answer::ok(leaky),
            Answer::ok(missing),
            Answer::ok(expired),
            Answer::error("InternalError.SystemError", "try later"),
        ]);
        for _ in 0..4 {
            let fresh = assume_role(&mock, Duration::from_secs(900));
            let err = fresh.provide_credentials().await.unwrap_err();
            shown.push(messages(&err));
            // The same error through a client's call.
        }
        let fresh = assume_role(&mock, Duration::from_secs(900));
        mock.script_for("sts", "AssumeRole", [Answer::error("InternalError.SystemError", "down")]);
        let err = describe(&tcmpp(&mock, fresh)).await.unwrap_err();
        shown.push(messages(&err));
        // A refused token.
        let bad = web_identity(
            &mock,
            tke_vars(&token_file(dir.path(), "eyJ.revoked-s3cr3t")),
            Duration::from_secs(900),
        );
        shown.push(messages(&bad.provide_credentials().await.unwrap_err()));
    });
    let all = format!("{}\n{}", shown.join("\n"), logs.text());
    assert!(
        all.contains("AssumeRole"),
        "nothing was logged or shown: {all}"
    );
    assert!(all.contains("could not be decoded"), "{all}");
    assert!(all.contains("has no Credentials.Token"), "{all}");
    assert!(all.contains("expired already"), "{all}");
    assert_clean(&all, &issued_secrets);
}

/// STS's generated types mark their secrets `sensitive` (curated): their
/// `Debug` redacts them, a builder holding one shows no value.
#[test]
fn generated_sts_types_redact_secrets_in_debug() {
    let mut creds = sts_api::models::Credentials::default();
    creds.tmp_secret_id = Some("AKIDSHOWN".to_owned());
    creds.tmp_secret_key = Some("key-s3cr3t".to_owned());
    creds.token = Some("tok-s3cr3t".to_owned());
    let mut out = sts_api::actions::assume_role::AssumeRoleOutput::default();
    out.credentials = Some(creds.clone());
    let request =
        sts_api::actions::assume_role_with_web_identity::AssumeRoleWithWebIdentityInput::builder()
            .provider_id("OIDC")
            .web_identity_token("eyJ.s3cr3t")
            .role_arn(ROLE)
            .role_session_name("s");
    let input = request.clone().build();
    let shown = format!("{creds:?} {out:?} {request:?} {input:?}");
    assert!(shown.contains("AKIDSHOWN"), "{shown}");
    assert!(shown.contains("** redacted **"), "{shown}");
    assert!(shown.contains(ROLE), "{shown}");
    assert_clean(&shown, &[]);
}

#[tokio::test]
async fn a_failed_refresh_serves_the_cached_keys_until_they_expire() {
    let mock = mock().await;
    // 8 s: refreshed from about 4 s on; the failed refresh at 5 s leaves
    // 3 s of margin before the cached keys expire, for a loaded machine.
    let provider = Arc::new(assume_role(&mock, Duration::from_secs(8)));
    let client = tcmpp_shared(&mock, provider.clone());
    describe(&client).await.unwrap();
    let first = mock.issued_keys()[0].clone();
    // Past the refresh point (half the life), STS fails once: the call
    // still succeeds with the cached, still valid, keys.
    mock.script_for(
        "sts",
        "AssumeRole",
        [Answer::error(
            "InternalError.SystemError",
            "down for a moment",
        )],
    );
    wait_past(first.expired_time - 3).await;
    describe(&client).await.unwrap();
    let tried: Vec<Option<String>> = mock
        .calls()
        .into_iter()
        .filter(|c| c.action == "AssumeRole")
        .map(|c| c.code)
        .collect();
    assert_eq!(
        tried,
        [None, Some("InternalError.SystemError".to_owned())],
        "the refresh was tried"
    );
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_id(),
        first.secret_id
    );
    // Once they expire, the next call gets new keys.
    wait_past(first.expired_time).await;
    describe(&client).await.unwrap();
    let issued = mock.issued_keys();
    assert_eq!(issued.len(), 2, "{issued:?}");
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_id(),
        issued[1].secret_id
    );
}

#[tokio::test]
async fn twenty_concurrent_first_calls_through_the_chain_make_one_exchange() {
    let mock = mock().await;
    let node = node_metadata().await;
    let dir = tempfile::tempdir().unwrap();
    let vars = tke_vars(&token_file(dir.path(), TOKEN_ONE));
    let pod = web_identity(&mock, vars.clone(), Duration::from_secs(900));
    let client = tcmpp(&mock, chain(vars, &node, Some(pod)));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { describe(&client).await.map_err(|e| e.to_string()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(mock.handled_by("sts", "AssumeRoleWithWebIdentity"), 1);
    assert_eq!(node.requests().len(), 0);
}

/// Assuming a role again only issues another key, so the STS spec marks
/// both exchanges retry-safe (curated): a transient `InternalError` is
/// retried within the one refresh.
#[tokio::test]
async fn a_transient_sts_error_is_retried() {
    let mock = mock().await;
    mock.script_for(
        "sts",
        "AssumeRole",
        [Answer::error("InternalError", "a moment")],
    );
    let provider = AssumeRoleProvider::builder(ROLE, source_key())
        .endpoint(mock.endpoint())
        .configure_client(|b| {
            b.retry(
                tencentcloud_runtime::RetryConfig::standard()
                    .with_initial_backoff(Duration::from_millis(10)),
            )
        })
        .build()
        .unwrap();
    provider.provide_credentials().await.unwrap();
    assert_eq!(mock.calls().len(), 2);
    assert_eq!(mock.handled_by("sts", "AssumeRole"), 1);
}
