//! Every public method of a service's `Client` (its own, and the runtime
//! client's it dereferences to) is a name an action's module may not take
//! (each action becomes a `Client` method of its module's name): the
//! generator's reserved list must keep up with both.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use serde_json::{Value, json};
use tcmpp_tests::workspace_root;

/// Names of the `pub fn`s in the runtime's `impl Client` blocks (in any
/// file of its `client` module) and in the generated client's first (its
/// own methods; the second holds the actions').
fn client_methods() -> Vec<String> {
    let root = workspace_root();
    let mut files: Vec<_> = std::fs::read_dir(root.join("runtime/src/client"))
        .unwrap()
        .map(|e| (e.unwrap().path(), usize::MAX))
        .collect();
    files.push((root.join("tcmpp-api/src/generated/client.rs"), 1));
    let mut names = Vec::new();
    for (file, blocks) in files {
        let text = std::fs::read_to_string(file).unwrap();
        let (mut in_client, mut seen) = (false, 0);
        for line in text.lines() {
            if line.starts_with("impl ") || line.starts_with("impl<") {
                in_client = line.starts_with("impl Client {") && seen < blocks;
                seen += usize::from(in_client);
            }
            let t = line.trim_start();
            let rest = t
                .strip_prefix("pub async fn ")
                .or_else(|| t.strip_prefix("pub fn "));
            if let (true, Some(rest)) = (in_client, rest) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.push(name);
            }
        }
    }
    names
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn no_action_module_takes_a_client_method_name() {
    let methods = client_methods();
    for expected in [
        "builder",
        "call",
        "call_json",
        "with_overrides",
        "runtime",
        "region",
    ] {
        assert!(
            methods.iter().any(|m| m == expected),
            "{expected} not found in {methods:?}"
        );
    }
    let mut spec: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("tests/fixtures/bare.json")).unwrap(),
    )
    .unwrap();
    let template = spec["actions"]["Ping"].clone();
    let actions = spec["actions"].as_object_mut().unwrap();
    for m in &methods {
        actions.insert(camel(m), template.clone());
    }
    let api = codegen::load(&json!(spec).to_string()).unwrap();
    for a in &api.actions {
        assert!(
            !methods.contains(&a.module),
            "action {} became module `{}`, which is also a Client method",
            a.wire_name,
            a.module
        );
    }
}
