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

/// Each registered service crate's library has no test build (`[lib] test
/// = false`, also in `cargo xtask new-service`'s template): a `#[test]`
/// there would never run, so there is none.
#[test]
fn service_crates_hold_no_unit_tests() {
    let root = tcmpp_tests::workspace_root();
    let registry: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("spec/services.json")).unwrap())
            .unwrap();
    let crates: Vec<&str> = registry["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["crate"].as_str().unwrap())
        .collect();
    assert!(crates.len() >= 3, "{crates:?}");
    for krate in crates {
        let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("\n[lib]\ntest = false\n"),
            "{krate}/Cargo.toml"
        );
        let mut dirs = vec![root.join(krate).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert!(
                        !text.contains("#[test]") && !text.contains("cfg(test)"),
                        "{}: a unit test in a crate whose library has no test build",
                        path.display()
                    );
                }
            }
        }
    }
}
