//! The committed `tcmpp-api/src/generated` must be exactly what the spec
//! produces: generated files are never edited by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::fs;

use tcmpp_tests::workspace_root;

#[test]
fn committed_generated_code_is_fresh() {
    let root = workspace_root();
    let spec = fs::read_to_string(root.join("spec/tcmpp.json")).unwrap();
    let files = codegen::generate(&spec, &codegen::Options::default()).unwrap();
    let dir = root.join("tcmpp-api/src/generated");
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
        "tcmpp-api/src/generated is stale: {}. Run `{}` and commit the result.",
        stale.join(", "),
        codegen::REGENERATE
    );
}
