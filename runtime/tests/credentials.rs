//! Credentials sources: environment, profile file, CVM role (against a fake
//! metadata service on 127.0.0.1) and the default chain.
//!
//! Every secret key and token used here contains `s3cr3t`, so a leak into
//! an error message or `Debug` output is caught by one substring check.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::System;
use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::{Body, Bytes, Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tencentcloud_runtime::credentials::{
    Credentials, CredentialsError, CvmRoleProvider, DefaultCredentialsChain, EnvironmentProvider,
    ProfileFileProvider, ProvideCredentials,
};

/// Counts allocations, to show that huge inputs are not buffered.
#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// In every secret value used by these tests.
const MARKER: &str = "s3cr3t";

/// Bytes allocated while `f` runs (by any thread: other tests add a
/// little), to tell "bounded" from "buffered a gigabyte".
async fn allocated_during<T>(f: impl Future<Output = T>) -> (T, usize) {
    let region = Region::new(GLOBAL);
    let out = f.await;
    // A reallocation's growth is in `bytes_allocated` already.
    (out, region.change().bytes_allocated)
}

/// Generous bound for "memory stayed bounded": far above what the code
/// under test allocates, far below the gigabyte an unbounded read takes.
const MEMORY_BOUND: usize = 64 << 20;

/// Each level of the error chain says its own thing: no message contains
/// the message of its source (so `{:#}` prints each once).
fn assert_each_message_once(err: &(dyn std::error::Error + 'static)) {
    let mut current = err;
    while let Some(source) = current.source() {
        let (outer, inner) = (current.to_string(), source.to_string());
        assert!(!outer.contains(&inner), "{outer:?} repeats {inner:?}");
        current = source;
    }
}

/// The messages of an error and its sources, joined as `{:#}` would.
fn chain_text(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

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
        let code = serde_json::to_string(&*self.code.lock().unwrap()).unwrap();
        let body = format!(
            r#"{{"TmpSecretId":"AKIDTMP{n}","TmpSecretKey":"tmp-s3cr3t-key-{n}","Token":"tmp-s3cr3t-token-{n}","ExpiredTime":{expires},"Expiration":"2030-01-01T00:00:00Z","Code":{code}}}"#
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
async fn cvm_timeout_after_connecting_is_an_error() {
    // The service accepted the connection but sends no headers in time: it
    // is there, so this is not "not found" and a chain must not move on.
    let meta = Metadata::new(3600);
    *meta.delay.lock().unwrap() = Duration::from_secs(3);
    let provider = CvmRoleProvider::new()
        .endpoint(serve(meta).await)
        .role("TestRole")
        .timeout(Duration::from_millis(200));
    let err = provider.provide_credentials().await.unwrap_err();
    assert!(provider_message(&err).contains("timed out"), "{err}");
    assert_each_message_once(&err);
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

/// In a TKE pod the metadata service answers with the node's role: this
/// chain, which cannot exchange the pod's token (no STS here), must stop
/// rather than sign as the node.
#[tokio::test]
async fn chain_without_web_identity_refuses_tke_variables_rather_than_use_the_node() {
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;
    let err = chain(
        &[
            ("HOME", "/nonexistent-home"),
            ("TKE_REGION", "ap-singapore"),
            ("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/pod"),
            // Empty counts as unset, and is not named.
            ("TKE_PROVIDER_ID", ""),
        ],
        &url,
    )
    .provide_credentials()
    .await
    .unwrap_err();
    let message = provider_message(&err);
    assert!(
        message.contains("TKE_REGION, TKE_ROLE_ARN are set"),
        "{message}"
    );
    assert!(!message.contains("TKE_PROVIDER_ID"), "{message}");
    assert!(message.contains("tencentcloud-credentials"), "{message}");
    assert!(message.contains("CVM role"), "{message}");
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
    assert_each_message_once(&err);

    // Credentials in the environment still come first.
    let creds = chain(
        &[
            ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
            ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
            ("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/pod"),
        ],
        &url,
    )
    .provide_credentials()
    .await
    .unwrap();
    assert_eq!(creds.secret_id(), "AKIDENV");
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

// ---------------------------------------------------------------- malformed profile files

/// A chain reading only `file` for its profile, with a CVM role served by
/// `meta` that must never be asked.
fn chain_with_file(file: &Path, metadata_url: &str) -> DefaultCredentialsChain {
    chain(
        &[
            ("TENCENTCLOUD_CREDENTIALS_FILE", file.to_str().unwrap()),
            ("HOME", "/nonexistent-home"),
        ],
        metadata_url,
    )
}

#[tokio::test]
async fn profile_with_byte_order_mark_is_read_as_intended() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "credentials",
        "\u{feff}[default]\r\nsecret_id = AKIDBOM\r\nsecret_key = bom-s3cr3t-key\r\n",
    );
    let creds = profile_via_env(&file, &[])
        .provide_credentials()
        .await
        .unwrap();
    assert_eq!(creds.secret_id(), "AKIDBOM");
    assert_eq!(creds.secret_key(), "bom-s3cr3t-key");

    // Through the chain too, without asking the CVM role.
    let meta = Metadata::new(3600);
    let chain = chain_with_file(&file, &serve(meta.clone()).await);
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDBOM"
    );
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
}

#[tokio::test]
async fn malformed_profile_files_name_the_line_and_stop_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;
    let cases = [
        (
            "no-header",
            "secret_id = AKIDX\nsecret_key = x-s3cr3t-key\n",
            "line 1: expected a section header such as [default] before the first `key = value`",
        ),
        (
            "garbage",
            "# mine\n[default]\nsecret_id = AKIDX\ngarbage-s3cr3t-line\nsecret_key = x-s3cr3t-key\n",
            "line 4: expected `key = value`, a [section] header, a `#` comment or a blank line",
        ),
        (
            "unclosed",
            "[default]\nsecret_id = AKIDX\n[other\n",
            "line 3: expected the section header to end with `]`",
        ),
        (
            "repeated",
            "[default]\nsecret_key = a-s3cr3t\nsecret_key = b-s3cr3t\n",
            "line 3: `secret_key` is set again (first on line 2)",
        ),
        (
            "not-utf8",
            "[default]\nsecret_id = AKID\u{fffd}\n",
            "line 2: expected UTF-8 text",
        ),
    ];
    for (name, text, expected) in cases {
        let path = dir.path().join(name);
        let bytes = text.replace('\u{fffd}', "\u{0}").into_bytes();
        // A lone 0xff byte: invalid UTF-8 where the placeholder was.
        let bytes: Vec<u8> = bytes
            .into_iter()
            .map(|b| if b == 0 { 0xff } else { b })
            .collect();
        std::fs::write(&path, bytes).unwrap();
        let shown = path.display().to_string();

        let err = ProfileFileProvider::new()
            .path(&path)
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("credentials: cannot parse credentials file {shown}"),
            "{name}"
        );
        let source = std::error::Error::source(&err).unwrap().to_string();
        assert!(source.starts_with(expected), "{name}: {source}");
        assert_eq!(
            chain_text(&err),
            format!("credentials: cannot parse credentials file {shown}: {source}")
        );
        assert_error_clean(&err);
        assert_each_message_once(&err);

        // The chain stops here: it does not sign as the CVM role instead.
        let err = chain_with_file(&path, &url)
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(provider_message(&err).contains(&shown), "{name}: {err}");
    }

    // A present [default] without its key stops the chain too.
    let file = write(dir.path(), "nokey", "[default]\nsecret_id = AKIDX\n");
    let err = chain_with_file(&file, &url)
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        (invalid_parts(&err).1, invalid_parts(&err).2),
        ("secret_key", "is missing")
    );
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
}

#[tokio::test]
async fn profile_well_formed_without_the_profile_moves_on() {
    // As the Python SDK does: a file for other profiles is not an error.
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "credentials",
        "[prod]\nsecret_id = AKIDPROD\nsecret_key = prod-s3cr3t\n",
    );
    let meta = Metadata::new(3600);
    let chain = chain_with_file(&file, &serve(meta.clone()).await);
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDTMP1"
    );
}

// ---------------------------------------------------------------- files that are not files

async fn within<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), f)
        .await
        .expect("hung instead of failing promptly")
}

#[tokio::test]
async fn dev_zero_is_refused_without_reading_it() {
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;
    let provider = profile_via_env(Path::new("/dev/zero"), &[]);
    let (result, allocated) = allocated_during(within(provider.provide_credentials())).await;
    let err = result.unwrap_err();
    assert_eq!(
        provider_message(&err),
        "cannot read credentials file /dev/zero: it is a device, not a regular file"
    );
    assert!(allocated < MEMORY_BOUND, "{allocated} bytes allocated");

    let err = within(chain_with_file(Path::new("/dev/zero"), &url).provide_credentials())
        .await
        .unwrap_err();
    assert!(provider_message(&err).contains("device"), "{err}");
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifo_is_refused_without_opening_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("credentials");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let err = within(profile_via_env(&fifo, &[]).provide_credentials())
        .await
        .unwrap_err();
    assert_eq!(
        provider_message(&err),
        format!(
            "cannot read credentials file {}: it is a FIFO (named pipe), not a regular file",
            fifo.display()
        )
    );
}

#[tokio::test]
async fn huge_regular_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("credentials");
    // Sparse: a gigabyte that takes no disk space.
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(1 << 30).unwrap();
    drop(file);
    let provider = ProfileFileProvider::new().path(&path);
    let (result, allocated) = allocated_during(within(provider.provide_credentials())).await;
    let err = result.unwrap_err();
    assert!(
        provider_message(&err)
            .ends_with("it is larger than 64 KiB, too large for a credentials file"),
        "{err}"
    );
    assert!(allocated < MEMORY_BOUND, "{allocated} bytes allocated");

    // Just over the limit, and just under it (padded with comment lines).
    let line = format!("#{}\n", "x".repeat(1022));
    let head = "[default]\nsecret_id = AKIDBIG\nsecret_key = big-s3cr3t\n";
    let under: String = head.to_owned() + &line.repeat(63);
    assert!(under.len() <= 64 * 1024);
    std::fs::write(&path, &under).unwrap();
    assert_eq!(
        provider.provide_credentials().await.unwrap().secret_id(),
        "AKIDBIG"
    );
    std::fs::write(&path, under + &line).unwrap();
    assert!(provider.provide_credentials().await.is_err());
}

#[tokio::test]
async fn unreadable_file_error_says_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let err = ProfileFileProvider::new()
        .path(dir.path())
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        provider_message(&err),
        format!(
            "cannot read credentials file {}: it is a directory, not a regular file",
            dir.path().display()
        )
    );

    // A symlink loop: present, but stat fails. The OS error is the source,
    // not part of the message.
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::os::unix::fs::symlink(&a, &b).unwrap();
    std::os::unix::fs::symlink(&b, &a).unwrap();
    let err = profile_via_env(&a, &[])
        .provide_credentials()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("credentials: cannot read credentials file {}", a.display())
    );
    let source = std::error::Error::source(&err).unwrap();
    assert!(source.to_string().contains("symbolic links"), "{source}");
    assert_each_message_once(&err);
}

// ---------------------------------------------------------------- misbehaving metadata service

/// A response body produced lazily: `total` bytes in 64 KiB chunks of one
/// static buffer (nothing is allocated per chunk), then either the end or,
/// with `stall`, a body that never finishes.
struct LazyBody {
    remaining: u64,
    stall: bool,
    sent: Arc<AtomicU64>,
}

static CHUNK: [u8; 64 * 1024] = [b'x'; 64 * 1024];

impl Body for LazyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            // Never woken again: the body stalls for good.
            return if self.stall {
                Poll::Pending
            } else {
                Poll::Ready(None)
            };
        }
        let n = self.remaining.min(CHUNK.len() as u64);
        self.remaining -= n;
        self.sent.fetch_add(n, Ordering::SeqCst);
        let chunk = Bytes::from_static(&CHUNK[..usize::try_from(n).unwrap()]);
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }
}

/// Serves every request with a [`LazyBody`] on 127.0.0.1; returns the
/// base URL and the count of body bytes handed to the connection.
async fn serve_lazy(total: u64, stall: bool) -> (String, Arc<AtomicU64>) {
    let sent = Arc::new(AtomicU64::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counter = sent.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let sent = counter.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_: Request<Incoming>| {
                    let body = LazyBody {
                        remaining: total,
                        stall,
                        sent: sent.clone(),
                    };
                    async move { Ok::<_, Infallible>(Response::new(body)) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}{BASE_PATH}"), sent)
}

#[tokio::test]
async fn cvm_huge_answer_is_a_size_error_with_bounded_memory() {
    let (url, sent) = serve_lazy(1 << 30, false).await;
    let provider = CvmRoleProvider::new().endpoint(&url).role("TestRole");
    let started = std::time::Instant::now();
    let (result, allocated) = allocated_during(within(provider.provide_credentials())).await;
    let err = result.unwrap_err();
    assert_eq!(
        provider_message(&err),
        format!("CVM role: answer from {url}TestRole is larger than 64 KiB")
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(allocated < MEMORY_BOUND, "{allocated} bytes allocated");
    // The client stopped reading: only socket buffers' worth went out.
    let sent = sent.load(Ordering::SeqCst);
    assert!(sent < MEMORY_BOUND as u64, "{sent} bytes sent");

    // Discovering the role reads through the same bound.
    let err = within(CvmRoleProvider::new().endpoint(&url).provide_credentials())
        .await
        .unwrap_err();
    assert!(
        provider_message(&err).contains("larger than 64 KiB"),
        "{err}"
    );
}

#[tokio::test]
async fn cvm_stalled_body_is_a_timeout_error_and_stops_the_chain() {
    let (url, _) = serve_lazy(100, true).await;
    let provider = || {
        CvmRoleProvider::new()
            .endpoint(&url)
            .role("TestRole")
            .timeout(Duration::from_millis(300))
    };
    let err = within(provider().provide_credentials()).await.unwrap_err();
    assert_eq!(
        provider_message(&err),
        format!("CVM role: the metadata service at {url}TestRole timed out")
    );
    assert!(std::error::Error::source(&err).is_some());
    assert_each_message_once(&err);

    let chain = DefaultCredentialsChain::from_providers(
        EnvironmentProvider::from_lookup(vars(&[])),
        ProfileFileProvider::from_lookup(vars(&[("HOME", "/nonexistent-home")])),
        provider(),
    );
    let err = within(chain.provide_credentials()).await.unwrap_err();
    assert!(provider_message(&err).contains("timed out"), "{err}");
}

#[tokio::test]
async fn cvm_code_is_quoted_short_and_escaped() {
    let meta = Metadata::new(3600);
    let hostile = format!("\u{1b}]0;pwned\u{7}\u{202e}{}", "A".repeat(20_000));
    *meta.code.lock().unwrap() = hostile;
    let err = CvmRoleProvider::new()
        .endpoint(serve(meta).await)
        .provide_credentials()
        .await
        .unwrap_err();
    let shown = err.to_string();
    assert!(shown.len() < 400, "{} bytes: {shown}", shown.len());
    assert!(
        !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
        "{shown:?}"
    );
    assert!(
        shown.contains(r#"has Code "\u{1b}]0;pwned\u{7}\u{202e}AAA"#),
        "{shown}"
    );
    assert!(shown.contains("bytes in all)"), "{shown}");
}

#[tokio::test]
async fn cvm_empty_role_list_is_an_error() {
    let (url, _) = serve_lazy(0, false).await;
    let err = CvmRoleProvider::new()
        .endpoint(&url)
        .provide_credentials()
        .await
        .unwrap_err();
    assert!(provider_message(&err).contains("empty role list"), "{err}");
}

// ---------------------------------------------------------------- empty variables

#[tokio::test]
async fn empty_variables_count_as_unset() {
    // All empty (a CI leftover): nothing here, as in the official SDKs.
    let err = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", ""),
        ("TENCENTCLOUD_SECRET_KEY", ""),
        ("TENCENTCLOUD_SESSION_TOKEN", ""),
    ])
    .await
    .unwrap_err();
    let detail = not_found_detail(&err);
    assert!(
        detail.contains("TENCENTCLOUD_SECRET_ID is empty, which counts as unset"),
        "{detail}"
    );

    // So the chain moves on to the profile file.
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let chain = chain(
        &[
            ("TENCENTCLOUD_SECRET_ID", ""),
            ("TENCENTCLOUD_SECRET_KEY", ""),
            ("TENCENTCLOUD_SESSION_TOKEN", ""),
            ("TENCENTCLOUD_CREDENTIALS_FILE", &file),
        ],
        &serve(meta).await,
    );
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDDEFAULT"
    );

    // An empty token with a key is no token.
    let creds = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
        ("TENCENTCLOUD_SESSION_TOKEN", ""),
    ])
    .await
    .unwrap();
    assert_eq!(creds.token(), None);

    // Half a key is still an error: an empty id beside a key.
    let err = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", ""),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
    ])
    .await
    .unwrap_err();
    assert_eq!(
        invalid_parts(&err),
        (
            "environment variable TENCENTCLOUD_SECRET_ID",
            "secret_id",
            "is empty"
        )
    );

    // Whitespace is not empty: it is a mistake, as in the official SDKs.
    let err = env_result(&[
        ("TENCENTCLOUD_SECRET_ID", " "),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
    ])
    .await
    .unwrap_err();
    assert_eq!(invalid_parts(&err).2, "has leading or trailing whitespace");
}

// ---------------------------------------------------------------- chain resolves once

/// A variable lookup over values that tests change, counting reads per name.
#[derive(Clone, Default)]
struct LiveVars {
    values: Arc<Mutex<HashMap<String, String>>>,
    reads: Arc<Mutex<HashMap<String, usize>>>,
}

impl LiveVars {
    fn new(pairs: &[(&str, &str)]) -> Self {
        let vars = LiveVars::default();
        for (k, v) in pairs {
            vars.set(k, v);
        }
        vars
    }

    fn set(&self, name: &str, value: &str) {
        self.values
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    fn reads(&self, name: &str) -> usize {
        self.reads.lock().unwrap().get(name).copied().unwrap_or(0)
    }

    /// Reads of any variable so far.
    fn all_reads(&self) -> usize {
        self.reads.lock().unwrap().values().sum()
    }

    /// How many reads one resolution makes, measured on a fresh copy.
    async fn reads_of_one_resolution(pairs: &[(&str, &str)], metadata_url: &str) -> usize {
        let vars = LiveVars::new(pairs);
        let _ = vars.chain(metadata_url).provide_credentials().await;
        vars.all_reads()
    }

    fn lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let this = self.clone();
        move |name| {
            *this
                .reads
                .lock()
                .unwrap()
                .entry(name.to_owned())
                .or_default() += 1;
            this.values.lock().unwrap().get(name).cloned()
        }
    }

    fn chain(&self, metadata_url: &str) -> DefaultCredentialsChain {
        DefaultCredentialsChain::from_providers(
            EnvironmentProvider::from_lookup(self.lookup()),
            ProfileFileProvider::from_lookup(self.lookup()),
            CvmRoleProvider::new().endpoint(metadata_url),
        )
    }
}

#[tokio::test]
async fn chain_reads_the_environment_once() {
    let meta = Metadata::new(3600);
    let vars = LiveVars::new(&[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "env-s3cr3t-key"),
    ]);
    let chain = vars.chain(&serve(meta.clone()).await);
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDENV"
    );
    vars.set("TENCENTCLOUD_SECRET_ID", "AKIDCHANGED");
    vars.set("TENCENTCLOUD_SECRET_KEY", "");
    for _ in 0..10 {
        assert_eq!(
            chain.provide_credentials().await.unwrap().secret_id(),
            "AKIDENV"
        );
    }
    assert_eq!(vars.reads("TENCENTCLOUD_SECRET_ID"), 1);
    assert!(
        format!("{chain:?}").contains("source: \"environment\""),
        "{chain:?}"
    );
}

#[tokio::test]
async fn chain_reads_the_profile_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let vars = LiveVars::new(&[
        ("TENCENTCLOUD_CREDENTIALS_FILE", &file),
        ("HOME", "/nonexistent-home"),
    ]);
    let chain = vars.chain(&serve(meta.clone()).await);
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDDEFAULT"
    );
    std::fs::remove_file(&file).unwrap();
    for _ in 0..10 {
        assert_eq!(
            chain.provide_credentials().await.unwrap().secret_id(),
            "AKIDDEFAULT"
        );
    }
    assert_eq!(vars.reads("TENCENTCLOUD_CREDENTIALS_FILE"), 1);
    assert_eq!(meta.role_hits() + meta.cred_hits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_calls_resolve_once() {
    // From the profile file (read on the blocking pool).
    let dir = tempfile::tempdir().unwrap();
    let file = profile_file(dir.path());
    let meta = Metadata::new(3600);
    let url = serve(meta.clone()).await;
    let pairs = [
        ("TENCENTCLOUD_CREDENTIALS_FILE", file.as_str()),
        ("HOME", "/nonexistent-home"),
    ];
    let vars = LiveVars::new(&pairs);
    let chain: Arc<dyn ProvideCredentials> = Arc::new(vars.chain(&url));
    for result in call_all(&chain, 20).await {
        assert_eq!(result.unwrap().secret_id(), "AKIDDEFAULT");
    }
    assert_eq!(vars.reads("TENCENTCLOUD_CREDENTIALS_FILE"), 1);
    assert_eq!(
        vars.all_reads(),
        LiveVars::reads_of_one_resolution(&pairs, &url).await
    );

    // From a slow CVM role: one resolution, one metadata request.
    *meta.delay.lock().unwrap() = Duration::from_millis(200);
    let vars = LiveVars::new(&[("HOME", "/nonexistent-home")]);
    let chain: Arc<dyn ProvideCredentials> = Arc::new(vars.chain(&url));
    for result in call_all(&chain, 20).await {
        assert_eq!(result.unwrap().secret_id(), "AKIDTMP1");
    }
    assert_eq!(vars.reads("TENCENTCLOUD_CREDENTIALS_FILE"), 1);
    assert_eq!((meta.role_hits(), meta.cred_hits()), (1, 1));
    // Later calls are served from the CVM provider's cache.
    chain.provide_credentials().await.unwrap();
    assert_eq!(meta.cred_hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_calls_share_one_failure_and_later_calls_retry() {
    let meta = Metadata::new(3600);
    *meta.code.lock().unwrap() = "InternalError".to_owned();
    *meta.delay.lock().unwrap() = Duration::from_millis(200);
    let vars = LiveVars::new(&[("HOME", "/nonexistent-home")]);
    let chain: Arc<dyn ProvideCredentials> = Arc::new(vars.chain(&serve(meta.clone()).await));
    for result in call_all(&chain, 10).await {
        let err = result.unwrap_err();
        assert!(provider_message(&err).contains("InternalError"), "{err}");
    }
    assert_eq!(vars.reads("TENCENTCLOUD_CREDENTIALS_FILE"), 1);
    assert_eq!(meta.cred_hits(), 1);

    // A failure is not remembered: once the service recovers, it works.
    *meta.code.lock().unwrap() = "Success".to_owned();
    assert_eq!(
        chain.provide_credentials().await.unwrap().secret_id(),
        "AKIDTMP2"
    );
}

async fn call_all(
    provider: &Arc<dyn ProvideCredentials>,
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
