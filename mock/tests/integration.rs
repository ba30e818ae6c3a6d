//! Most of the test server's integration tests, one module per file,
//! linked into one binary (each test binary here links the server, the
//! service crates and the workspace's test helpers: seconds of a clean
//! build). The files stay where they were; their tests run side by side
//! as one file's tests do.
//!
//! `hostile.rs` (its own global allocator measures memory) and `load.rs`
//! (rolling-second counts) are binaries of their own, declared in
//! `Cargo.toml` (`autotests = false`). [`every_test_file_runs`] keeps the
//! two lists whole.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

mod families;
mod http_errors;
mod server;
mod services;
mod signing;
mod sts;

/// With `autotests = false`, a file added to `tests/` runs only if it is a
/// module above or a `[[test]]` of `Cargo.toml`: each file is one of the
/// two, once.
#[test]
fn every_test_file_runs() {
    let dir = tcmpp_tests::workspace_root().join("mock/tests");
    let this = include_str!("integration.rs");
    let manifest = include_str!("../Cargo.toml");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs") && n != "integration.rs")
        .collect();
    files.sort();
    assert!(files.len() > 5, "{files:?}");
    for file in &files {
        let name = file.trim_end_matches(".rs");
        let as_module = this.lines().any(|l| l == format!("mod {name};"));
        let as_binary = manifest
            .lines()
            .any(|l| l == format!("path = \"tests/{file}\""));
        assert!(
            as_module != as_binary,
            "tests/{file}: add `mod {name};` to tests/integration.rs, or a \
             [[test]] with `path = \"tests/{file}\"` to Cargo.toml (not both)"
        );
    }
}
