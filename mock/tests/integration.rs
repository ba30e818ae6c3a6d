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
    tcmpp_tests::assert_every_test_file_runs(
        "mock/tests",
        "integration.rs",
        include_str!("integration.rs"),
        include_str!("../Cargo.toml"),
    );
}
