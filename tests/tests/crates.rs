//! The crate graph is one-way (service crates → runtime; test server →
//! runtime and the services it serves; nothing of the generator in what
//! users compile), and the runtime knows no service: `cargo tree` and the
//! runtime's source are read as a user or reviewer would.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::collections::BTreeSet;
use std::process::Command;

use tcmpp_tests::workspace_root;

/// The crates in `package`'s normal dependency tree (itself included),
/// from the lock file, with its default features.
fn normal_tree(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "tree",
            "--offline",
            "--locked",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "-p", package])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo tree -p {package}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// The generator's own crates (`quote` and `syn` are there too, but as
/// serde's derive's).
const GENERATOR: &[&str] = &["tcmpp-codegen", "prettyplease", "heck", "xtask"];

#[test]
fn dependencies_point_one_way() {
    let runtime = normal_tree("tencentcloud-runtime");
    for other in [
        "tcmpp-api",
        "tcsas-api",
        "sts-api",
        "tencentcloud-credentials",
        "tencentcloud-mock",
        "tcmpp-cli",
    ] {
        assert!(!runtime.contains(other), "the runtime depends on {other}");
    }
    let mock = normal_tree("tencentcloud-mock");
    assert!(mock.contains("tencentcloud-runtime") && mock.contains("tcmpp-api"));
    // A user of one service compiles only that service: STS (and the role
    // providers over it) only when asked for.
    let services = ["tcmpp-api", "tcsas-api", "sts-api"];
    for krate in services {
        let service = normal_tree(krate);
        assert!(service.contains("tencentcloud-runtime"), "{service:?}");
        assert!(service.contains("reqwest"), "{service:?}");
        for other in services.iter().filter(|&&o| o != krate) {
            assert!(!service.contains(*other), "{krate} depends on {other}");
        }
        assert!(
            !service.contains("tencentcloud-credentials"),
            "{krate} depends on tencentcloud-credentials"
        );
        assert!(
            !service.contains("tencentcloud-mock"),
            "the test server reaches users of {krate}"
        );
        for generator in GENERATOR {
            assert!(!service.contains(*generator), "{generator} in {krate}");
        }
        // The service crate adds nothing of its own to the runtime's tree.
        let extra: Vec<&String> = service.difference(&runtime).collect();
        assert_eq!(extra, [krate]);
    }
    // The role providers: a layer above the runtime and STS, no other service.
    let credentials = normal_tree("tencentcloud-credentials");
    assert!(credentials.contains("sts-api") && credentials.contains("tencentcloud-runtime"));
    for other in ["tcmpp-api", "tcsas-api", "tencentcloud-mock"] {
        assert!(
            !credentials.contains(other),
            "tencentcloud-credentials depends on {other}"
        );
    }
    let extra: Vec<&String> = credentials.difference(&runtime).collect();
    assert_eq!(extra, ["sts-api", "tencentcloud-credentials"]);
    // The test server serves STS only with its feature.
    assert!(
        !mock.contains("sts-api"),
        "the test server's defaults pull in STS"
    );
    for tree in [&runtime, &mock, &credentials] {
        for generator in GENERATOR {
            assert!(!tree.contains(*generator), "{generator} in {tree:?}");
        }
    }
}

#[test]
fn the_runtime_names_no_service() {
    let src = workspace_root().join("runtime/src");
    let mut pending = vec![src];
    let mut found = Vec::new();
    let mut files = 0;
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
            for (n, line) in text.lines().enumerate() {
                if ["tcmpp", "tcsas", "mnp", "mini program"]
                    .iter()
                    .any(|name| line.contains(name))
                {
                    found.push(format!("{}:{}: {line}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(files > 10, "read {files} files");
    assert!(found.is_empty(), "{}", found.join("\n"));
}
