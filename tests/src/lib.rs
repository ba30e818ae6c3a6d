//! Workspace-level tests (in `tests/`) and the compiled fixture.
//!
//! [`fixture`] is the code the generator emits for `fixtures/full.json`, a
//! spec that uses every feature of the format; it is built by `build.rs` on
//! every test run, so generated code that stops compiling fails the suite.
//! [`collisions`] does the same for a spec whose names meet the generator's,
//! [`published`] for one imported from Tencent's published form.

/// Code generated from `fixtures/full.json`.
pub mod fixture {
    include!(concat!(env!("OUT_DIR"), "/fixture.rs"));
}

pub mod arrivals;
pub mod calls;

/// Code generated from `fixtures/bare.json`: the least a service can have,
/// as ai3d has (no error codes, no documents, an action without members).
pub mod bare {
    include!(concat!(env!("OUT_DIR"), "/bare.rs"));
}
/// Code generated from `fixtures/collisions.json`: names that meet the
/// generator's own (in docs too, which `cargo doc` checks here).
pub mod collisions {
    include!(concat!(env!("OUT_DIR"), "/collisions.rs"));
}

pub mod logs;
pub mod malformed;
pub mod redis;

/// Code generated from `fixtures/published.json`, which `cargo xtask
/// import` writes from `fixtures/published/`: a service description in
/// Tencent's published form, with what other services publish that does
/// not fit (see `tests/published.rs`).
pub mod published {
    include!(concat!(env!("OUT_DIR"), "/published.rs"));
}
pub mod server;
pub mod v1;
pub mod wire;

/// The workspace root, for reading `spec/` and fixtures.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default()
}

/// For a crate whose test files are mostly modules of one binary
/// (`autotests = false`): every `.rs` file of `dir` (from the workspace
/// root) other than `main_file` is either a `mod NAME;` line of `main` (that
/// file's text) or a `[[test]]` of `manifest` (`path = "tests/FILE"`),
/// never both. Otherwise a file added there would silently never run.
pub fn assert_every_test_file_runs(dir: &str, main_file: &str, main: &str, manifest: &str) {
    let entries = std::fs::read_dir(workspace_root().join(dir));
    assert!(entries.is_ok(), "{dir}: {entries:?}");
    let mut files: Vec<String> = entries
        .into_iter()
        .flatten()
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".rs") && n != main_file)
        .collect();
    files.sort();
    assert!(files.len() > 1, "{dir}: {files:?}");
    for file in &files {
        let name = file.trim_end_matches(".rs");
        let as_module = main.lines().any(|l| l == format!("mod {name};"));
        let as_binary = manifest
            .lines()
            .any(|l| l == format!("path = \"tests/{file}\""));
        assert!(
            as_module != as_binary,
            "{dir}/{file}: add `mod {name};` to {dir}/{main_file}, or a [[test]] with \
             `path = \"tests/{file}\"` to Cargo.toml (not both)"
        );
    }
}

/// A client builder for `endpoint`: region `ap-singapore` and the mock's demo
/// key, which every `MockServer::start()` accepts.
pub fn client_builder(endpoint: impl Into<String>) -> tcmpp_api::ClientBuilder {
    builder_for(tcmpp_api::SERVICE, endpoint)
}

/// [`client_builder`] for any generated service (`C`: its `Client`).
pub fn builder_for<C>(
    service: tencentcloud_runtime::ServiceInfo,
    endpoint: impl Into<String>,
) -> tencentcloud_runtime::ClientBuilder<C> {
    tencentcloud_runtime::ClientBuilder::new(service)
        .region("ap-singapore")
        .endpoint(endpoint)
        .credentials(tencentcloud_mock::demo_credentials())
}

/// `tcmpp-api`'s README examples, compiled as doctests here: one uses the
/// test server, which `tcmpp-api` cannot depend on (the server depends on it).
#[cfg(doctest)]
#[doc = include_str!("../../tcmpp-api/README.md")]
struct TcmppApiReadme;

/// `tcsas-api`'s, likewise.
#[cfg(doctest)]
#[doc = include_str!("../../tcsas-api/README.md")]
struct TcsasApiReadme;

/// `sts-api`'s, likewise (it has no tokio of its own).
#[cfg(doctest)]
#[doc = include_str!("../../sts-api/README.md")]
struct StsApiReadme;

/// `tencentcloud-redis-budget`'s, likewise (it has no service crate of its own).
#[cfg(doctest)]
#[doc = include_str!("../../redis-budget/README.md")]
struct RedisBudgetReadme;

/// The workspace README's Rust examples (the user guide: the client,
/// retries, paging, waiters, a test against the test server), compiled
/// and run as doctests here, where every crate they use is a dependency.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadme;
