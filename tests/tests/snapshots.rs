//! insta snapshots of everything the generator writes, for the real spec and
//! for the fixture that uses every feature of the format. A changed shape
//! shows up as a snapshot diff in review.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use tcmpp_tests::workspace_root;

fn snapshot_all(spec_path: &str, prefix: &str, options: &codegen::Options) {
    let text = std::fs::read_to_string(workspace_root().join(spec_path)).unwrap();
    let files = codegen::generate(&text, options).unwrap();
    assert!(
        files.len() >= 3,
        "expected mod.rs, models.rs and one file per action"
    );
    for f in files {
        insta::assert_snapshot!(format!("{prefix}__{}", f.name), f.contents);
    }
}

#[test]
fn tcmpp_spec() {
    snapshot_all("spec/tcmpp.json", "tcmpp", &codegen::Options::default());
}

#[test]
fn fixture_spec() {
    let options = codegen::Options {
        spec_label: "tests/fixtures/full.json".to_owned(),
        doctest_crate: None,
        client_methods: false,
    };
    snapshot_all("tests/fixtures/full.json", "fixture", &options);
}

#[test]
fn generation_is_deterministic() {
    let text = std::fs::read_to_string(workspace_root().join("spec/tcmpp.json")).unwrap();
    let a = codegen::generate(&text, &codegen::Options::default()).unwrap();
    let b = codegen::generate(&text, &codegen::Options::default()).unwrap();
    assert_eq!(a, b);
}
