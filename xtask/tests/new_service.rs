//! The maintainers' guide to adding a service (README.md, "Adding a
//! service"), followed on a workspace of its own with a small fixture
//! service (`fixtures/demo/`, in Tencent's published form): each step is run
//! as the guide gives it, as a process (`--root` points the tasks at the
//! temporary workspace), and what it wrote is read back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const NAME: &str = "demo";
const VERSION: &str = "v20240101";

/// The real workspace (its runtime, LICENSE, script and lock file are used).
fn real_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo")
}

/// A workspace with no service yet: a root manifest whose dependencies name
/// the real runtime, an empty registry, the LICENSE and the refresh script.
struct Workspace {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        let real = real_root();
        fs::create_dir_all(root.join("spec")).unwrap();
        fs::create_dir_all(root.join("scripts")).unwrap();
        let manifest = format!(
            r#"[workspace]
resolver = "3"
members = []
default-members = []

[workspace.package]
edition = "2024"
rust-version = "1.85"
license = "Apache-2.0"

[workspace.dependencies]
tencentcloud-runtime = {{ path = {runtime:?}, version = "0.1.0", default-features = false }}

[workspace.lints.rust]
unsafe_code = "forbid"
missing_docs = "warn"
rust_2018_idioms = {{ level = "warn", priority = -1 }}
"#,
            runtime = real.join("runtime").display().to_string()
        );
        fs::write(root.join("Cargo.toml"), manifest).unwrap();
        fs::write(
            root.join("spec/services.json"),
            "{\n  \"$comment\": \"The services this workspace generates.\",\n  \"services\": []\n}\n",
        )
        .unwrap();
        fs::copy(real.join("LICENSE"), root.join("LICENSE")).unwrap();
        fs::copy(
            real.join("scripts/refresh-upstream.sh"),
            root.join("scripts/refresh-upstream.sh"),
        )
        .unwrap();
        Workspace { tmp: dir, root }
    }

    /// `cargo xtask ARGS` on this workspace.
    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .output()
            .unwrap()
    }

    fn read(&self, path: &str) -> String {
        fs::read_to_string(self.root.join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }

    fn json(&self, path: &str) -> Value {
        serde_json::from_str(&self.read(path)).unwrap()
    }

    /// `scripts/refresh-upstream.sh 9.1.0 9.0.0` with `PIP_WHEELS` pointing
    /// at two wheels laid out as Tencent's, holding the fixture service.
    fn refresh(&self) {
        let staging = self.tmp.path().join("staging");
        let wheels = self.tmp.path().join("wheels");
        fs::create_dir_all(&wheels).unwrap();
        let layout = [
            (
                "tccli",
                format!("services/{NAME}/{VERSION}"),
                &["api.json", "examples.json"][..],
            ),
            (
                "tencentcloud",
                format!("{NAME}/{VERSION}"),
                &["errorcodes.py"][..],
            ),
        ];
        for (top, inner, files) in &layout {
            let dir = staging.join(top).join(inner);
            fs::create_dir_all(&dir).unwrap();
            for f in *files {
                fs::copy(fixture().join(f), dir.join(f)).unwrap();
            }
        }
        // Both wheels in one python3 (each start costs a quarter second here).
        let zip = "import shutil, sys\nfor top in sys.argv[1:]: shutil.make_archive(top, 'zip', '.', top)";
        let made = Command::new("python3")
            .current_dir(&staging)
            .args(["-c", zip, "tccli", "tencentcloud"])
            .output();
        let Ok(made) = made else {
            // The script needs python3; without it, copy as it would.
            eprintln!("python3 not found: the fixture is copied, not vendored by the script");
            for (package, file) in [
                ("tccli-intl-en", "api.json"),
                ("tccli-intl-en", "examples.json"),
                ("tencentcloud-sdk-python-intl-en", "errorcodes.py"),
            ] {
                let dir = self
                    .root
                    .join("spec/upstream")
                    .join(package)
                    .join(NAME)
                    .join(VERSION);
                fs::create_dir_all(&dir).unwrap();
                fs::copy(fixture().join(file), dir.join(file)).unwrap();
            }
            return;
        };
        assert!(made.status.success(), "{}", stderr(&made));
        for (top, wheel) in [
            ("tccli", "tccli_intl_en-9.1.0-py2.py3-none-any.whl"),
            (
                "tencentcloud",
                "tencentcloud_sdk_python_intl_en-9.0.0-py2.py3-none-any.whl",
            ),
        ] {
            fs::rename(staging.join(format!("{top}.zip")), wheels.join(wheel)).unwrap();
        }
        let o = Command::new("bash")
            .arg(self.root.join("scripts/refresh-upstream.sh"))
            .args(["9.1.0", "9.0.0"])
            .env("PIP_WHEELS", &wheels)
            .output()
            .unwrap();
        assert!(o.status.success(), "refresh-upstream.sh: {}", stderr(&o));
    }

    /// Every folder and file under the root, with its bytes.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pending = vec![self.root.clone()];
        while let Some(dir) = pending.pop() {
            for e in fs::read_dir(&dir).unwrap() {
                let path = e.unwrap().path();
                let name = path.strip_prefix(&self.root).unwrap().display().to_string();
                if path.is_dir() {
                    out.push((format!("{name}/"), Vec::new()));
                    pending.push(path);
                } else {
                    out.push((name, fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(step: &str, o: &Output) {
    assert!(
        o.status.success(),
        "{step} failed:\n{}\n{}",
        stdout(o),
        stderr(o)
    );
}

/// The guide's steps for the fixture service, each as the guide gives it
/// (the curated overlay is left as new-service wrote it: the import must
/// take it as it is).
fn add_demo(ws: &Workspace) {
    let o = ws.xtask(&["new-service", NAME, VERSION]);
    assert_ok("new-service", &o);
    let next = stdout(&o);
    for step in [
        "scripts/refresh-upstream.sh",
        "spec/curated/demo.json",
        "cargo xtask import --service demo",
        "cargo xtask codegen --service demo",
        "cargo test -p demo-api",
    ] {
        assert!(next.contains(step), "the next steps lack {step}:\n{next}");
    }
    ws.refresh();
    assert_ok(
        "import --service demo",
        &ws.xtask(&["import", "--service", NAME]),
    );
    assert_ok(
        "codegen --service demo",
        &ws.xtask(&["codegen", "--service", NAME]),
    );
}

#[test]
fn the_guide_adds_a_service_that_ci_then_checks() {
    let ws = Workspace::new();
    add_demo(&ws);

    // The registry: one entry, one line.
    assert_eq!(
        ws.json("spec/services.json")["services"],
        json!([{"name": "demo", "version": "v20240101", "crate": "demo-api"}])
    );
    assert!(ws.read("spec/services.json").contains(
        "\n    { \"name\": \"demo\", \"version\": \"v20240101\", \"crate\": \"demo-api\" }\n"
    ));

    // The curated overlay says what belongs in it.
    let curated = ws.json("spec/curated/demo.json");
    let comment = curated["$comment"].as_str().unwrap();
    for said in ["does not publish", "spec/README.md", "refresh it"] {
        assert!(comment.contains(said), "{comment}");
    }

    // The crate, shaped like tcsas-api, in the workspace.
    let cargo = ws.read("demo-api/Cargo.toml");
    for line in [
        "name = \"demo-api\"",
        "tencentcloud-runtime.workspace = true",
        "rustls = [\"tencentcloud-runtime/rustls\"]",
        "native-tls = [\"tencentcloud-runtime/native-tls\"]",
        "description = \"Typed async client for Tencent Cloud's DEMO API, version 2024-01-01\"",
    ] {
        assert!(cargo.lines().any(|l| l == line), "no {line} in\n{cargo}");
    }
    let lib = ws.read("demo-api/src/lib.rs");
    assert!(lib.starts_with("//! Typed async client for Tencent Cloud's DEMO API"));
    assert!(
        lib.contains("#[rustfmt::skip]") && lib.contains("mod generated;\n\npub use generated::*;")
    );
    assert!(ws.read("demo-api/README.md").starts_with("# demo-api\n"));
    assert_eq!(ws.read("demo-api/LICENSE"), ws.read("LICENSE"));
    let manifest = ws.read("Cargo.toml");
    for line in [
        "members = [\"demo-api\"]",
        "default-members = [\"demo-api\"]",
        "demo-api = { path = \"demo-api\", version = \"0.1.0\" }",
    ] {
        assert!(
            manifest.lines().any(|l| l == line),
            "no {line} in\n{manifest}"
        );
    }

    // Upstream vendored where the registry says, with its sources.
    let upstream = "spec/upstream/tccli-intl-en/demo/v20240101/api.json";
    assert_eq!(
        ws.read(upstream),
        fs::read_to_string(fixture().join("api.json")).unwrap()
    );
    let sources = ws.read("spec/upstream/SOURCES");
    assert!(
        sources.contains("tencentcloud/demo/v20240101/errorcodes.py -> tencentcloud-sdk-python-intl-en/demo/v20240101/errorcodes.py"),
        "{sources}"
    );

    // The spec: upstream's actions, the overlay's service facts and common
    // codes (so the service's list keeps only its own).
    let spec = ws.json("spec/demo.json");
    assert_eq!(spec["service"]["name"], "demo");
    assert_eq!(
        spec["service"]["title"], "DEMO",
        "the overlay's, not serviceNameCN"
    );
    assert_eq!(spec["service"]["version"], "2024-01-01");
    assert_eq!(spec["service"]["endpoint"], "demo.intl.tencentcloudapi.com");
    let actions: Vec<&String> = spec["actions"].as_object().unwrap().keys().collect();
    assert_eq!(actions, ["CreateWidget", "DeleteWidget", "DescribeWidgets"]);
    assert_eq!(spec["actions"]["DescribeWidgets"]["retry_safe"], true);
    assert_eq!(spec["actions"]["CreateWidget"]["retry_safe"], false);
    let name_member = &spec["actions"]["CreateWidget"]["request"]["members"][0];
    assert_eq!(
        (&name_member["name"], &name_member["required"]),
        (&json!("Name"), &json!(true))
    );
    assert_eq!(
        spec["actions"]["CreateWidget"]["examples"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let codes: Vec<&Value> = spec["service_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["code"])
        .collect();
    assert_eq!(
        codes,
        [
            &json!("FailedOperation.WidgetInUse"),
            &json!("ResourceNotFound.Widget")
        ]
    );
    assert!(spec["common_errors"].as_array().unwrap().len() > 30);

    // The generated client, one method and module per action.
    let generated = ws.root.join("demo-api/src/generated");
    let client = ws.read("demo-api/src/generated/client.rs");
    for action in ["create_widget", "delete_widget", "describe_widgets"] {
        assert!(
            client.contains(&format!("pub fn {action}(")),
            "no {action} in client.rs"
        );
        assert!(generated.join(format!("actions/{action}.rs")).is_file());
    }
    assert!(
        ws.read("demo-api/src/generated/models.rs")
            .contains("pub struct Widget {")
    );
    assert!(
        ws.read("demo-api/src/generated/errors.rs")
            .contains("ResourceNotFoundWidget")
    );
    assert!(
        ws.read("demo-api/src/generated/service.rs")
            .contains("\"demo.intl.tencentcloudapi.com\"")
    );
    assert!(
        ws.read("demo-api/src/generated/mod.rs")
            .starts_with("// @generated by `cargo xtask codegen` from spec/demo.json.\n"),
        "the preamble names the spec relative to the workspace"
    );

    // What CI runs covers the new service with no change to CI.
    for check in [["import", "--check"], ["codegen", "--check"]] {
        let o = ws.xtask(&check);
        assert_ok(&check.join(" "), &o);
        assert!(stdout(&o).contains("up to date"), "{}", stdout(&o));
    }
}

#[test]
fn refusals_name_what_is_wrong_and_write_nothing() {
    let ws = Workspace::new();
    assert_ok("new-service", &ws.xtask(&["new-service", NAME, VERSION]));
    // What is there already: a folder, an overlay, a crate the manifest lists.
    fs::create_dir(ws.root.join("taken-api")).unwrap();
    fs::write(ws.root.join("spec/curated/late.json"), "{}").unwrap();
    let manifest = ws.read("Cargo.toml").replace(
        "members = [\"demo-api\"]",
        "members = [\"demo-api\", \"ghost-api\"]",
    );
    fs::write(ws.root.join("Cargo.toml"), manifest).unwrap();
    let before = ws.snapshot();

    for (args, error) in [
        (
            &["demo", "v20250101"][..],
            "service \"demo\" is already in spec/services.json (v20240101, crate demo-api)",
        ),
        (
            &["other", "v20240101", "--crate", "demo-api"],
            "crate \"demo-api\" is already in spec/services.json, for service \"demo\"",
        ),
        (&["taken", "v20240101"], "taken-api already exists"),
        (
            &["late", "v20240101"],
            "spec/curated/late.json already exists",
        ),
        (
            &["ghost", "v20240101"],
            "Cargo.toml: [workspace] members already lists \"ghost-api\"",
        ),
        (
            &["Demo2", "v20240101"],
            "\"Demo2\" is not a service name (lowercase letters and digits",
        ),
        (&["demo-2", "v20240101"], "\"demo-2\" is not a service name"),
        (
            &["demo2", "2024-01-01"],
            "\"2024-01-01\" is not a version folder (v and eight digits",
        ),
        (&["demo2", "v2024"], "\"v2024\" is not a version folder"),
        (
            &["demo2", "v20240101", "--crate", "Demo_Api"],
            "\"Demo_Api\" is not a crate name",
        ),
        (&["demo2"], "new-service takes a NAME and a VERSION, got 1"),
        (&["demo2", "v20240101", "--crate"], "--crate needs a name"),
        (
            &["demo2", "v20240101", "--krate", "x"],
            "unknown argument \"--krate\"",
        ),
    ] {
        let mut argv = vec!["new-service"];
        argv.extend(args);
        let o = ws.xtask(&argv);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?} was not refused: {err}");
        assert!(err.contains(error), "{args:?}: expected {error:?} in {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(before == ws.snapshot(), "{args:?} changed the workspace");
    }

    // Several mistakes at once are named together.
    let err = stderr(&ws.xtask(&["new-service", "X", "v1", "--crate", "_"]));
    for what in [
        "\"X\" is not a service name",
        "\"v1\" is not a version folder",
        "\"_\" is not a crate name",
    ] {
        assert!(err.contains(what), "{err}");
    }
}

/// The new crate compiles and its tests pass, as the guide's last step
/// runs them: against the real runtime and the real lock file's versions,
/// offline, in a target folder kept between runs.
#[test]
#[ignore = "compiles a crate (about a minute cold): run by .ci/run"]
fn the_new_crate_compiles() {
    let ws = Workspace::new();
    add_demo(&ws);
    fs::copy(real_root().join("Cargo.lock"), ws.root.join("Cargo.lock")).unwrap();
    // Beside this build's own target folder (CARGO_TARGET_TMPDIR is its tmp/).
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("new-service-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let o = Command::new(cargo)
        .current_dir(&ws.root)
        .args(["test", "--offline", "-p", "demo-api"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_ok("cargo test -p demo-api", &o);
    assert!(!err.contains("warning"), "{err}");
    let out = stdout(&o);
    assert!(out.contains("test result: ok."), "{out}");
}
