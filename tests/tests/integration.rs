//! Most of this crate's integration tests, one module per file, linked
//! into one binary: a test binary here links every crate of the workspace,
//! and each one costs seconds to build on a clean checkout. The files stay
//! where they were, each still reads as a test file of its own, and their
//! tests run side by side as one file's tests do.
//!
//! Files that measure time (or set process-wide state) are binaries of
//! their own, declared in `Cargo.toml` (`autotests = false`): with another
//! file's tests beside them on a small machine, their bounds would measure
//! their neighbours. [`every_test_file_runs`] keeps the two lists whole.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

mod bare;
mod collisions;
mod crates;
mod fixture;
mod freshness;
mod imported;
mod malformed;
mod paginate;
mod properties;
mod published;
mod reserved;
mod secrets;
mod skew;
mod snapshots;
mod trust;
mod typed_members;
mod unsigned;
mod wait;

/// With `autotests = false`, a file added to `tests/` runs only if it is a
/// module above or a `[[test]]` of `Cargo.toml`: each file is one of the
/// two, once.
#[test]
fn every_test_file_runs() {
    tcmpp_tests::assert_every_test_file_runs(
        "tests/tests",
        "integration.rs",
        include_str!("integration.rs"),
        include_str!("../Cargo.toml"),
    );
}
