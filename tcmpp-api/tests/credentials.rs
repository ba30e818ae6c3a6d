//! Credentials sources: environment, profile file, CVM role (against a fake
//! metadata service on 127.0.0.1) and the default chain.
//!
//! Every secret key and token used here contains `s3cr3t`, so a leak into
//! an error message or `Debug` output is caught by one substring check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tcmpp_api::credentials::{
    Credentials, CredentialsError, CvmRoleProvider, DefaultCredentialsChain, EnvironmentProvider,
    ProfileFileProvider, ProvideCredentials,
};

/// In every secret value used by these tests.
const MARKER: &str = "s3cr3t";

fn assert_no_secrets(shown: &str) {
    assert!(!shown.contains(MARKER), "a secret leaked: {shown}");
}

fn assert_error_clean(err: &CredentialsError) {
    assert_no_secrets(&err.to_string());
    assert_no_secrets(&format!("{err:?}"));
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        assert_no_secrets(&s.to_string());
        source = s.source();
    }
}

/// A variable lookup over fixed values.
fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

async fn env_result(pairs: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
    EnvironmentProvider::from_lookup(vars(pairs))
        .provide_credentials()
        .await
}

fn invalid_parts(err: &CredentialsError) -> (&str, &'static str, &'static str) {
    match err {
        CredentialsError::Invalid {
            origin,
            field,
            problem,
        } => (origin, field, problem),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn not_found_detail(err: &CredentialsError) -> &str {
    match err {
        CredentialsError::NotFound { detail } => detail,
        other => panic!("expected NotFound, got {other:?}"),
    }
}

fn provider_message(err: &CredentialsError) -> &str {
    match err {
        CredentialsError::Provider { message, .. } => message,
        other => panic!("expected Provider, got {other:?}"),
    }
}

// ---------------------------------------------------------------- environment

#[tokio::test]
async fn env_found() {
    let creds = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
    ])
    .await
    .unwrap();
    assert_eq!(creds.secret_id(), "AKIDENV");
    assert_eq!(creds.secret_key(), "env-s3cr3t-key");
    assert_eq!(creds.token(), None);
    assert_eq!(creds.expires_at(), None);
}

#[tokio::test]
async fn env_with_token() {
    let creds = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", "env-s3cr3t-token"),
    ])
    .await
    .unwrap();
    assert_eq!(creds.token(), Some("env-s3cr3t-token"));
}

#[tokio::test]
async fn env_not_found() {
    let err = env_result(&[("TENCENTCLOUD_REGION", "ap-guangzhou")])
        .await
        .unwrap_err();
    let detail = not_found_detail(&err);
    assert!(detail.contains("TENCENTCLOUD_SECRET_ID"), "{detail}");
    assert!(detail.contains("TENCENTCLOUD_SECRET_KEY"), "{detail}");
}

#[tokio::test]
async fn env_only_id_is_invalid() {
    let err = env_result(&[("TENCENTCLOUD_SECRET_ID", "AKIDENV")])
        .await
        .unwrap_err();
    let (origin, field, _) = invalid_parts(&err);
    assert_eq!(origin, "environment variable TENCENTCLOUD_SECRET_KEY");
    assert_eq!(field, "secret_key");

    let err = env_result(&[("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key")])
        .await
        .unwrap_err();
    let (origin, field, _) = invalid_parts(&err);
    assert_eq!(origin, "environment variable TENCENTCLOUD_SECRET_ID");
    assert_eq!(field, "secret_id");
    assert_error_clean(&err);
}

#[tokio::test]
async fn env_empty_key_is_invalid() {
    let err = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", ""),
    ])
    .await
    .unwrap_err();
    assert_eq!(
        invalid_parts(&err),
        (
            "environment variable TENCENTCLOUD_SECRET_KEY",
            "secret_key",
            "is empty"
        )
    );
}

#[tokio::test]
async fn env_key_with_trailing_newline_is_invalid_and_not_echoed() {
    let err = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key\n"),
    ])
    .await
    .unwrap_err();
    let (origin, field, problem) = invalid_parts(&err);
    assert_eq!(origin, "environment variable TENCENTCLOUD_SECRET_KEY");
    assert_eq!(field, "secret_key");
    assert_eq!(problem, "has leading or trailing whitespace");
    assert!(!err.to_string().contains("env-s3cr3t-key"));
    assert_error_clean(&err);
}

// ---------------------------------------------------------------- profile file

const PROFILES: &str = "\
# written by tccli
[default]
secret_id = AKIDDEFAULT
secret_key = default-s3cr3t-key

[other]
secret_id=AKIDOTHER
secret_key=\"other-s3cr3t-key\"
token = other-s3cr3t-token
";

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A profile provider that reads only `file` (through the variable).
fn profile_via_env(file: &Path, extra: &[(&str, &str)]) -> ProfileFileProvider {
    let file = file.to_str().unwrap().to_owned();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("TENCENTCLOUD_CREDENTIALS_FILE", &file),
        ("HOME", "/nonexistent-home"),
    ];
    pairs.extend_from_slice(extra);
    ProfileFileProvider::from_lookup(vars(&pairs))
}

#[tokio::test]
async fn profile_default_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "credentials", PROFILES);

    let creds = profile_via_env(&file, &[])
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.secret_id(), "AKIDDEFAULT");
    assert_eq!(creds.secret_key(), "default-s3cr3t-key");
    assert_eq!(creds.token(), None);

    let creds = profile_via_env(&file, &[])
        .profile("other")
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.secret_id(), "AKIDOTHER");
    assert_eq!(
        creds.secret_key(),
        "other-s3cr3t-key",
        "quotes are stripped"
    );
    assert_eq!(creds.token(), Some("other-s3cr3t-token"));

    // TENCENTCLOUD_PROFILE names the profile, unless one is set explicitly.
    let provider = profile_via_env(&file, &[("TENCENTCLOUD_PROFILE", "other")]);
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_id(),
        "AKIDOTHER"
    );
    let provider = profile_via_env(&file, &[("TENCENTCLOUD_PROFILE", "other")]).profile("default");
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_id(),
        "AKIDDEFAULT"
    );
}

#[tokio::test]
async fn profile_missing_is_not_found_naming_profile_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "credentials", PROFILES);
    let err = profile_via_env(&file, &[])
        .profile("prod")
        .provide_credentials()
        .await
        .unwrap_err();
    let detail = not_found_detail(&err);
    assert!(detail.contains("[prod]"), "{detail}");
    assert!(detail.contains(file.to_str().unwrap()), "{detail}");
}

#[tokio::test]
async fn profile_missing_file_lists_paths() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let home = dir.path().join("home");
    let provider = ProfileFileProvider::from_lookup(vars(&[
        ("TENCENTCLOUD_CREDENTIALS_FILE", missing.to_str().unwrap()),
        ("HOME", home.to_str().unwrap()),
    ]));
    let err = provider.provide_credentials().await.unwrap_err();
    let detail = not_found_detail(&err);
    assert!(detail.contains(missing.to_str().unwrap()), "{detail}");
    assert!(
        detail.contains(home.join(".tencentcloud/credentials").to_str().unwrap()),
        "{detail}"
    );
    assert!(detail.contains("/etc/tencentcloud/credentials"), "{detail}");

    // Without the variables, the notes say so.
    let err = ProfileFileProvider::from_lookup(vars(&[]))
        .provide_credentials()
        .await
        .unwrap_err();
    let detail = not_found_detail(&err);
    assert!(
        detail.contains("TENCENTCLOUD_CREDENTIALS_FILE is not set"),
        "{detail}"
    );
    assert!(detail.contains("HOME is not set"), "{detail}");

    // An explicit path is the only place looked at.
    let err = ProfileFileProvider::from_lookup(vars(&[]))
        .path(&missing)
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        not_found_detail(&err),
        format!("profile file: no credentials file at {}", missing.display())
    );
}

#[tokio::test]
async fn profile_unparsable_or_unreadable_file_is_a_provider_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "credentials",
        "[default\nsecret_key = broken-s3cr3t-key\n",
    );
    let err = profile_via_env(&file, &[])
        .provide_credentials()
        .await
        .unwrap_err();
    let message = provider_message(&err);
    assert!(message.contains("cannot parse"), "{message}");
    assert!(message.contains(file.to_str().unwrap()), "{message}");
    assert!(std::error::Error::source(&err).is_some());
    assert_error_clean(&err);

    // A directory where the file should be: exists, but cannot be read.
    let err = ProfileFileProvider::new()
        .path(dir.path())
        .provide_credentials()
        .await
        .unwrap_err();
    let message = provider_message(&err);
    assert!(message.contains("cannot read"), "{message}");
    assert!(message.contains(dir.path().to_str().unwrap()), "{message}");
}

#[tokio::test]
async fn profile_path_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let from_var = write(
        dir.path(),
        "from-var",
        "[default]\nsecret_id=AKIDVAR\nsecret_key=var-s3cr3t\n",
    );
    let explicit = write(
        dir.path(),
        "explicit",
        "[default]\nsecret_id=AKIDEXPLICIT\nsecret_key=explicit-s3cr3t\n",
    );
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".tencentcloud")).unwrap();
    write(
        &home.join(".tencentcloud"),
        "credentials",
        "[default]\nsecret_id=AKIDHOME\nsecret_key=home-s3cr3t\n",
    );
    let home = home.to_str().unwrap();
    let from_var = from_var.to_str().unwrap();

    let with_var = || {
        ProfileFileProvider::from_lookup(vars(&[
            ("TENCENTCLOUD_CREDENTIALS_FILE", from_var),
            ("HOME", home),
        ]))
    };
    assert_eq!(
        with_var().provide_credentials().await.unwrap().secret_id(),
        "AKIDVAR"
    );
    assert_eq!(
        with_var()
            .path(&explicit)
            .provide_credentials()
            .await
            .unwrap()
            .secret_id(),
        "AKIDEXPLICIT"
    );

    // Without the variable, $HOME/.tencentcloud/credentials.
    let home_only = ProfileFileProvider::from_lookup(vars(&[("HOME", home)]));
    assert_eq!(
        home_only.provide_credentials().await.unwrap().secret_id(),
        "AKIDHOME"
    );

    // A variable naming a file that does not exist falls back to $HOME.
    let missing = dir.path().join("missing");
    let provider = ProfileFileProvider::from_lookup(vars(&[
        ("TENCENTCLOUD_CREDENTIALS_FILE", missing.to_str().unwrap()),
        ("HOME", home),
    ]));
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_id(),
        "AKIDHOME"
    );
}

#[tokio::test]
async fn profile_bad_values_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "credentials",
        "[default]\nsecret_id = AKIDPAD\nsecret_key = \" padded-s3cr3t-key\"\n\
         [nokey]\nsecret_id = AKIDNOKEY\n\
         [emptytoken]\nsecret_id = AKID\nsecret_key = ok-s3cr3t\ntoken =\n",
    );
    let origin = format!("profile default in {}", file.display());
    let err = profile_via_env(&file, &[])
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        invalid_parts(&err),
        (
            origin.as_str(),
            "secret_key",
            "has leading or trailing whitespace"
        )
    );
    assert_error_clean(&err);

    let err = profile_via_env(&file, &[])
        .profile("nokey")
        .provide_credentials()
        .await
        .unwrap_err();
    let (origin, field, problem) = invalid_parts(&err);
    assert!(origin.starts_with("profile nokey in "), "{origin}");
    assert_eq!((field, problem), ("secret_key", "is missing"));

    let err = profile_via_env(&file, &[])
        .profile("emptytoken")
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(invalid_parts(&err).1, "token");
}

// ---------------------------------------------------------------- CVM role

const BASE_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// A fake metadata service: lists `role` at the base path (404 when
/// empty) and serves numbered credentials for it, counting requests.
struct Metadata {
    role: Mutex<String>,
    /// `ExpiredTime` = now + this many seconds.
    lifetime: Mutex<u64>,
    code: Mutex<String>,
    delay: Mutex<Duration>,
    role_hits: AtomicUsize,
    cred_hits: AtomicUsize,
}

impl Metadata {
    fn new(lifetime: u64) -> Arc<Self> {
        Arc::new(Metadata {
            role: Mutex::new("TestRole".to_owned()),
            lifetime: Mutex::new(lifetime),
            code: Mutex::new("Success".to_owned()),
            delay: Mutex::new(Duration::ZERO),
            role_hits: AtomicUsize::new(0),
            cred_hits: AtomicUsize::new(0),
        })
    }

    fn role_hits(&self) -> usize {
        self.role_hits.load(Ordering::SeqCst)
    }

    fn cred_hits(&self) -> usize {
        self.cred_hits.load(Ordering::SeqCst)
    }

    async fn answer(&self, path: &str) -> Response<Full<Bytes>> {
        let role = self.role.lock().unwrap().clone();
        if path == BASE_PATH {
            self.role_hits.fetch_add(1, Ordering::SeqCst);
            if role.is_empty() {
                return respond(StatusCode::NOT_FOUND, "not found".to_owned());
            }
            return respond(StatusCode::OK, format!("\n{role}\n"));
        }
        if path.strip_prefix(BASE_PATH) != Some(role.as_str()) || role.is_empty() {
            return respond(StatusCode::NOT_FOUND, "not found".to_owned());
        }
        let n = self.cred_hits.fetch_add(1, Ordering::SeqCst) + 1;
        let delay = *self.delay.lock().unwrap();
        tokio::time::sleep(delay).await;
        let expires = now_secs() + *self.lifetime.lock().unwrap();
        let code = self.code.lock().unwrap().clone();
        let body = format!(
            r#"{{"TmpSecretId":"AKIDTMP{n}","TmpSecretKey":"tmp-s3cr3t-key-{n}","Token":"tmp-s3cr3t-token-{n}","ExpiredTime":{expires},"Expiration":"2030-01-01T00:00:00Z","Code":"{code}"}}"#
        );
        respond(StatusCode::OK, body)
    }
}

fn respond(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Serves `meta` on 127.0.0.1; returns the base URL.
async fn serve(meta: Arc<Metadata>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let meta = meta.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<Incoming>| {
                    let meta = meta.clone();
                    async move { Ok::<_, Infallible>(meta.answer(request.uri().path()).await) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{addr}{BASE_PATH}")
}

/// A local port with nothing listening.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}{BASE_PATH}")
}

#[tokio::test]
async fn cvm_discovers_role() {
    let meta = Metadata::new(3600);
    let provider = CvmRoleProvider::new().endpoint(serve(meta.clone()).await);
    let creds = provider.provide_credentials().await.unwrap();
    assert_eq!(creds.secret_id(), "AKIDTMP1");
    assert_eq!(creds.secret_key(), "tmp-s3cr3t-key-1");
    assert_eq!(creds.token(), Some("tmp-s3cr3t-token-1"));
    let expires = creds
        .expires_at()
        .unwrap()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(expires.abs_diff(now_secs() + 3600) <= 5, "{expires}");
    assert_eq!((meta.role_hits(), meta.cred_hits()), (1, 1));
}

#[tokio::test]
async fn cvm_explicit_role_skips_discovery() {
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;
    let creds = CvmRoleProvider::new()
        .endpoint(&url)
        .role("TestRole")
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.secret_id(), "AKIDTMP1");
    assert_eq!((meta.role_hits(), meta.cred_hits()), (0, 1));

    // The endpoint works without its trailing slash too.
    let trimmed = url.trim_end_matches('/').to_owned();
    let creds = CvmRoleProvider::new()
        .endpoint(trimmed)
        .role("TestRole")
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.secret_id(), "AKIDTMP2");

    let err = CvmRoleProvider::new()
        .endpoint(&url)
        .role("OtherRole")
        .provide_credentials()
        .await
        .unwrap_err();
    let message = provider_message(&err);
    assert!(message.contains("404"), "{message}");
    assert!(message.contains("OtherRole"), "{message}");
}

#[tokio::test]
async fn cvm_without_role_is_not_found() {
    let meta = Metadata::new(3600);
    *meta.role.lock().unwrap() = String::new();
    let err = CvmRoleProvider::new()
        .endpoint(serve(meta).await)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(not_found_detail(&err).contains("no role attached"), "{err}");
}

#[tokio::test]
async fn cvm_refreshes_within_window() {
    // Lives 60 s; the default window is 5 minutes: always "about to expire".
    let meta = Metadata::new(60);
    let provider = CvmRoleProvider::new().endpoint(serve(meta.clone()).await);
    let first = provider.provide_credentials().await.unwrap();
    let second = provider.provide_credentials().await.unwrap();
    assert_eq!(first.secret_key(), "tmp-s3cr3t-key-1");
    assert_eq!(second.secret_key(), "tmp-s3cr3t-key-2");
    assert_eq!(meta.cred_hits(), 2);
}

#[tokio::test]
async fn cvm_caches_far_from_expiry() {
    let meta = Metadata::new(3600);
    let provider = CvmRoleProvider::new().endpoint(serve(meta.clone()).await);
    for _ in 0..5 {
        assert_eq!(
            provider.provide_credentials().await.unwrap().secret_key(),
            "tmp-s3cr3t-key-1"
        );
    }
    assert_eq!((meta.role_hits(), meta.cred_hits()), (1, 1));

    // The window is configurable: 60 s credentials are fine with a 30 s window.
    let meta = Metadata::new(60);
    let provider = CvmRoleProvider::new()
        .endpoint(serve(meta.clone()).await)
        .refresh_window(Duration::from_secs(30));
    for _ in 0..3 {
        provider.provide_credentials().await.unwrap();
    }
    assert_eq!(meta.cred_hits(), 1);
}

async fn call_concurrently(
    provider: Arc<CvmRoleProvider>,
    n: usize,
) -> Vec<Result<Credentials, CredentialsError>> {
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let provider = provider.clone();
            tokio::spawn(async move { provider.provide_credentials().await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.unwrap());
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cvm_concurrent_callers_share_one_refresh() {
    for lifetime in [3600, 60] {
        let meta = Metadata::new(lifetime);
        *meta.delay.lock().unwrap() = Duration::from_millis(200);
        let provider = Arc::new(CvmRoleProvider::new().endpoint(serve(meta.clone()).await));
        for result in call_concurrently(provider, 20).await {
            assert_eq!(result.unwrap().secret_key(), "tmp-s3cr3t-key-1");
        }
        assert_eq!(meta.cred_hits(), 1, "lifetime {lifetime}");
        assert_eq!(meta.role_hits(), 1, "lifetime {lifetime}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cvm_concurrent_callers_share_one_failure() {
    let meta = Metadata::new(3600);
    *meta.code.lock().unwrap() = "InternalError".to_owned();
    *meta.delay.lock().unwrap() = Duration::from_millis(200);
    let provider = Arc::new(CvmRoleProvider::new().endpoint(serve(meta.clone()).await));
    for result in call_concurrently(provider, 10).await {
        let err = result.unwrap_err();
        assert!(provider_message(&err).contains("InternalError"), "{err}");
    }
    assert_eq!(meta.cred_hits(), 1);
}

#[tokio::test]
async fn cvm_error_code_is_a_provider_error() {
    let meta = Metadata::new(3600);
    *meta.code.lock().unwrap() = "InternalError".to_owned();
    let err = CvmRoleProvider::new()
        .endpoint(serve(meta).await)
        .provide_credentials()
        .await
        .unwrap_err();
    let message = provider_message(&err);
    assert!(message.contains("\"InternalError\""), "{message}");
    assert!(message.contains("TestRole"), "{message}");
    assert_error_clean(&err);
}

#[tokio::test]
async fn cvm_failed_refresh_serves_unexpired_cache() {
    let meta = Metadata::new(60);
    let provider = CvmRoleProvider::new().endpoint(serve(meta.clone()).await);
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_key(),
        "tmp-s3cr3t-key-1"
    );
    *meta.code.lock().unwrap() = "InternalError".to_owned();
    // The refresh fails; the cached credentials still have a minute.
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_key(),
        "tmp-s3cr3t-key-1"
    );
    assert_eq!(meta.cred_hits(), 2);
    // Right after a failure, the metadata service is left alone for a while.
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_key(),
        "tmp-s3cr3t-key-1"
    );
    assert_eq!(meta.cred_hits(), 2);
}

#[tokio::test]
async fn cvm_unreachable_is_not_found() {
    let url = closed_port_url().await;
    let err = CvmRoleProvider::new()
        .endpoint(&url)
        .provide_credentials()
        .await
        .unwrap_err();
    let detail = not_found_detail(&err);
    assert!(
        detail.starts_with(&format!("CVM role: metadata service unreachable at {url}")),
        "{detail}"
    );
}

#[tokio::test]
async fn cvm_timeout_is_not_found() {
    let meta = Metadata::new(3600);
    *meta.delay.lock().unwrap() = Duration::from_secs(3);
    let provider = CvmRoleProvider::new()
        .endpoint(serve(meta).await)
        .role("TestRole")
        .timeout(Duration::from_millis(200));
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(not_found_detail(&err).contains("unreachable"), "{err}");
}

// ---------------------------------------------------------------- chain

fn profile_file(dir: &Path) -> String {
    write(dir, "credentials", PROFILES)
        .to_str()
        .unwrap()
        .to_owned()
}

/// A chain whose environment and profile read `pairs`, and whose CVM
/// provider asks `metadata_url`.
fn chain(pairs: &[(&str, &str)], metadata_url: &str) -> DefaultCredentialsChain {
    DefaultCredentialsChain::from_providers(
        EnvironmentProvider::from_lookup(vars(pairs)),
        ProfileFileProvider::from_lookup(vars(pairs)),
        CvmRoleProvider::new().endpoint(metadata_url),
    )
}

#[tokio::test]
async fn chain_environment_wins() {
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let chain = chain(
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
            ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
            ("TENCENTCLOUD_CREDENTIALS_FILE", &file),
        ],
        &serve(meta.clone()).await,
    );
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDENV"
    );
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
}

#[tokio::test]
async fn chain_falls_through_to_profile_then_cvm() {
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;

    let with_file = chain(
        &[
            ("TENCENTCLOUD_CREDENTIALS_FILE", &file),
            ("HOME", "/nonexistent-home"),
        ],
        &url,
    );
    assert_eq!(
        with_file.provide_credentials().await.unwrap().secret_id(),
        "AKIDDEFAULT"
    );
    assert_eq!(meta.cred_hits(), 0);

    let nothing_local = chain(&[("HOME", "/nonexistent-home")], &url);
    assert_eq!(
        nothing_local
            .provide_credentials()
            .await
            .unwrap()
            .secret_id(),
        "AKIDTMP1"
    );
}

#[tokio::test]
async fn chain_all_missing_lists_every_source() {
    let url = closed_port_url().await;
    let err = chain(&[("HOME", "/nonexistent-home")], &url)
        .provide_credentials()
        .await
        .unwrap_err();
    let detail = not_found_detail(&err);
    assert!(
        detail.contains("environment: neither TENCENTCLOUD_SECRET_ID"),
        "{detail}"
    );
    assert!(
        detail.contains("profile file: no credentials file at"),
        "{detail}"
    );
    assert!(
        detail.contains("/nonexistent-home/.tencentcloud/credentials"),
        "{detail}"
    );
    assert!(
        detail.contains(&format!("CVM role: metadata service unreachable at {url}")),
        "{detail}"
    );
}

#[tokio::test]
async fn chain_stops_at_broken_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;

    // A key without an id must not fall through to the profile file.
    let err = chain(
        &[
            ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
            ("TENCENTCLOUD_CREDENTIALS_FILE", &file),
        ],
        &url,
    )
    .provide_credentials()
    .await
    .unwrap_err();
    assert_eq!(
        invalid_parts(&err).0,
        "environment variable TENCENTCLOUD_SECRET_ID"
    );

    // An unparsable profile file must not fall through to the CVM role.
    let broken = write(dir.path(), "broken", "[default\n");
    let err = chain(
        &[("TENCENTCLOUD_CREDENTIALS_FILE", broken.to_str().unwrap())],
        &url,
    )
    .provide_credentials()
    .await
    .unwrap_err();
    assert!(provider_message(&err).contains("cannot parse"), "{err}");
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
}

// ---------------------------------------------------------------- no secrets shown

#[tokio::test]
async fn debug_and_display_show_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;
    let env_pairs = [
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", "env-s3cr3t-token"),
        ("TENCENTCLOUD_CREDENTIALS_FILE", file.as_str()),
    ];

    // Providers, after they have handed out credentials.
    let env = EnvironmentProvider::from_lookup(vars(&env_pairs));
    let profile = ProfileFileProvider::from_lookup(vars(&env_pairs)).profile("other");
    let cvm = CvmRoleProvider::new().endpoint(&url);
    let full_chain = chain(&env_pairs, &url);
    let mut shown = Vec::new();
    for creds in [
        env.provide_credentials().await.unwrap(),
        profile.provide_credentials().await.unwrap(),
        cvm.provide_credentials().await.unwrap(),
        full_chain.provide_credentials().await.unwrap(),
    ] {
        assert!(creds.secret_key().contains(MARKER));
        shown.push(format!("{creds:?}"));
    }
    shown.push(format!("{env:?}"));
    shown.push(format!("{profile:?}"));
    shown.push(format!("{cvm:?}"));
    shown.push(format!("{full_chain:?}"));
    assert!(
        shown.iter().any(|s| s.contains("cached_until: Some")),
        "{shown:?}"
    );
    for s in &shown {
        assert_no_secrets(s);
    }

    // Errors of every kind, built from secret-bearing inputs.
    let padded = [
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", " env-s3cr3t-key"),
    ];
    let padded_token = [
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", "env-s3cr3t-token\n"),
    ];
    let broken = write(
        dir.path(),
        "broken",
        "[default]\nsecret_key = a-s3cr3t\n[oops\n",
    );
    let bad_profile = write(
        dir.path(),
        "bad",
        "[default]\nsecret_id = AKID\nsecret_key = 'x-s3cr3t '\n",
    );
    *meta.code.lock().unwrap() = "InternalError".to_owned();
    let errors = [
        env_result(&padded).await.unwrap_err(),
        env_result(&padded_token).await.unwrap_err(),
        env_result(&padded[1..]).await.unwrap_err(),
        ProfileFileProvider::new()
            .path(&broken)
            .provide_credentials()
            .await
            .unwrap_err(),
        ProfileFileProvider::new()
            .path(&bad_profile)
            .provide_credentials()
            .await
            .unwrap_err(),
        CvmRoleProvider::new()
            .endpoint(&url)
            .provide_credentials()
            .await
            .unwrap_err(),
        CvmRoleProvider::new()
            .endpoint(closed_port_url().await)
            .provide_credentials()
            .await
            .unwrap_err(),
        Credentials::new("AKID", "static-s3cr3t\n").unwrap_err(),
    ];
    for err in &errors {
        assert_error_clean(err);
    }
    // The cached provider whose refresh now fails still shows nothing secret.
    assert_no_secrets(&format!("{cvm:?}"));
}
