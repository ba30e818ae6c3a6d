//! Every malformed spec is rejected with a problem at the right JSON path;
//! none panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use tcmpp_tests::malformed;

#[test]
fn each_malformed_spec_names_its_json_path() {
    let cases = malformed::cases().unwrap();
    assert!(cases.len() >= 12, "the table must hold at least 12 cases");
    let mut failures = Vec::new();
    for case in &cases {
        match codegen::load(&case.text) {
            Ok(_) => failures.push(format!("{}: accepted", case.name)),
            Err(err) => {
                let hit = err
                    .problems
                    .iter()
                    .any(|p| p.path == case.path && p.message.contains(&case.message));
                if !hit {
                    failures.push(format!(
                        "{}: no problem at `{}` containing {:?}; got:\n{err}",
                        case.name, case.path, case.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let spec =
        std::fs::read_to_string(tcmpp_tests::workspace_root().join("tests/fixtures/seeded.json"))
            .unwrap();
    let spec = spec
        .replacen("\"type\": \"string\"", "\"type\": \"strin\"", 1)
        .replacen("\"retry_safe\": false", "\"retry_safe\": \"no\"", 1);
    let err = codegen::load(&spec).unwrap_err();
    assert!(
        err.has_path("actions.DescribeMNPAllStageVersions.request.members[0].type"),
        "{err}"
    );
    assert!(err.has_path("actions.CreateMNPVersion.retry_safe"), "{err}");
    let shown = err.to_string();
    assert!(shown.starts_with("the spec has "), "{shown}");
    assert!(
        shown.contains("actions.CreateMNPVersion.retry_safe: expected true or false"),
        "{shown}"
    );
}

#[test]
fn the_real_spec_and_the_fixture_are_valid() {
    for path in [
        "spec/tcmpp.json",
        "tests/fixtures/seeded.json",
        "tests/fixtures/full.json",
        "tests/fixtures/collisions.json",
    ] {
        let text = std::fs::read_to_string(tcmpp_tests::workspace_root().join(path)).unwrap();
        if let Err(e) = codegen::load(&text) {
            panic!("{path}: {e}");
        }
    }
}

#[test]
fn odd_inputs_are_errors_not_panics() {
    for text in [
        "",
        "null",
        "[]",
        "{}",
        "\"x\"",
        "{\"actions\": 5}",
        "{\"format_version\": 1, \"service\": [], \"actions\": {\"A\": null}}",
    ] {
        assert!(codegen::load(text).is_err(), "{text:?} was accepted");
    }
}
