//! Every registered service's committed `<crate>/src/generated` must be
//! exactly what its spec produces: generated files are never edited by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::fs;

use tcmpp_tests::workspace_root;

#[test]
fn committed_generated_code_is_fresh() {
    let root = workspace_root();
    let registry: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(root.join("spec/services.json")).unwrap())
            .unwrap();
    let services = registry["services"].as_array().unwrap();
    assert!(services.len() >= 2, "{registry}");
    for service in services {
        let (name, krate) = (
            service["name"].as_str().unwrap(),
            service["crate"].as_str().unwrap(),
        );
        let spec_label = format!("spec/{name}.json");
        let spec = fs::read_to_string(root.join(&spec_label)).unwrap();
        let options = codegen::Options {
            spec_label,
            doctest_crate: Some(krate.replace('-', "_")),
        };
        let files = codegen::generate(&spec, &options).unwrap();
        let dir = root.join(krate).join("src/generated");
        let mut stale = Vec::new();
        for f in &files {
            if fs::read_to_string(dir.join(&f.name)).ok().as_deref() != Some(f.contents.as_str()) {
                stale.push(f.name.clone());
            }
        }
        for sub in ["", "actions/"] {
            for entry in fs::read_dir(dir.join(sub)).unwrap() {
                let name = format!("{sub}{}", entry.unwrap().file_name().to_string_lossy());
                if name.ends_with(".rs") && !files.iter().any(|f| f.name == name) {
                    stale.push(format!("{name} (no longer generated)"));
                }
            }
        }
        assert!(
            stale.is_empty(),
            "{krate}/src/generated is stale: {}. Run `{}` and commit the result.",
            stale.join(", "),
            codegen::REGENERATE
        );
    }
}
