//! insta snapshots of everything the generator writes, for the real spec and
//! for the fixture that uses every feature of the format. A changed shape
//! shows up as a snapshot diff in review.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use tcmpp_tests::workspace_root;

/// `insta::assert_snapshot!` with the file named `snapshots__{name}.snap`
/// whichever binary this file is compiled into (by default insta names it
/// after the module path, which starts with the binary's name).
macro_rules! assert_snapshot {
    ($name:expr, $contents:expr) => {
        insta::with_settings!({ prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(format!("snapshots__{}", $name), $contents);
        })
    };
}

fn generate(spec_path: &str, options: &codegen::Options) -> Vec<codegen::GeneratedFile> {
    let text = std::fs::read_to_string(workspace_root().join(spec_path)).unwrap();
    let files = codegen::generate(&text, options).unwrap();
    assert!(
        files.len() >= 3,
        "expected mod.rs, models.rs and one file per action"
    );
    files
}

fn snapshot_all(spec_path: &str, prefix: &str, options: &codegen::Options) {
    for f in generate(spec_path, options) {
        assert_snapshot!(format!("{prefix}__{}", f.name), f.contents);
    }
}

fn fixture_options(spec: &str) -> codegen::Options {
    codegen::Options {
        spec_label: format!("tests/fixtures/{spec}"),
        doctest_crate: None,
    }
}

/// The two hand-described actions (`tests/fixtures/seeded.json`, the spec
/// before the import): every shape the real client uses, at a reviewable
/// size. The real spec's 104 actions are guarded by `codegen --check`.
#[test]
fn seeded_spec() {
    snapshot_all(
        "tests/fixtures/seeded.json",
        "seeded",
        &codegen::Options {
            spec_label: "tests/fixtures/seeded.json".to_owned(),
            ..codegen::Options::default()
        },
    );
}

/// TCSAS, the second service: its generated root and its two seeded
/// actions (TCSAS's CreateMNPVersion has five more members than TCMPP's).
/// The other 153 actions are guarded by `codegen --check`.
#[test]
fn tcsas_seeded_actions() {
    let files = generate(
        "spec/tcsas.json",
        &codegen::Options {
            spec_label: "spec/tcsas.json".to_owned(),
            doctest_crate: Some("tcsas_api".to_owned()),
        },
    );
    let shown = [
        "mod.rs",
        "unset.rs",
        "actions/create_mnp_version.rs",
        "actions/describe_mnp_all_stage_versions.rs",
    ];
    for f in files.iter().filter(|f| shown.contains(&f.name.as_str())) {
        assert_snapshot!(format!("tcsas__{}", f.name), f.contents);
    }
}

#[test]
fn fixture_spec() {
    snapshot_all(
        "tests/fixtures/full.json",
        "fixture",
        &fixture_options("full.json"),
    );
}

/// The collisions fixture's shared files and its two rich actions, plus one
/// action named like a prelude item (the others differ only in names).
#[test]
fn collisions_spec() {
    let files = generate(
        "tests/fixtures/collisions.json",
        &fixture_options("collisions.json"),
    );
    let shown = [
        "mod.rs",
        "client.rs",
        "models.rs",
        "actions/put_thing.rs",
        "actions/s3.rs",
        "actions/ok.rs",
    ];
    for f in files.iter().filter(|f| shown.contains(&f.name.as_str())) {
        assert_snapshot!(format!("collisions__{}", f.name), f.contents);
    }
}

/// Every doc link names an item (rustdoc checks those); a `#fragment` link
/// would go unchecked, as `#kind::Unhandled` once did.
#[test]
fn doc_links_are_item_paths() {
    let specs = [
        ("spec/tcmpp.json", codegen::Options::default()),
        (
            "spec/tcsas.json",
            codegen::Options {
                spec_label: "spec/tcsas.json".to_owned(),
                doctest_crate: Some("tcsas_api".to_owned()),
            },
        ),
        ("tests/fixtures/full.json", fixture_options("full.json")),
        (
            "tests/fixtures/collisions.json",
            fixture_options("collisions.json"),
        ),
    ];
    for (spec, options) in specs {
        for f in generate(spec, &options) {
            for (n, line) in f.contents.lines().enumerate() {
                let doc = line.trim_start();
                if doc.starts_with("///") || doc.starts_with("//!") || doc.starts_with("#[doc") {
                    assert!(
                        !doc.contains("](#"),
                        "{spec} {}:{}: fragment link in {doc}",
                        f.name,
                        n + 1
                    );
                }
            }
        }
    }
}

#[test]
fn generation_is_deterministic() {
    let text = std::fs::read_to_string(workspace_root().join("spec/tcmpp.json")).unwrap();
    let a = codegen::generate(&text, &codegen::Options::default()).unwrap();
    let b = codegen::generate(&text, &codegen::Options::default()).unwrap();
    assert_eq!(a, b);
}
