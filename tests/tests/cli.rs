//! The `tcmpp` example binary, run as a user runs it, against a recording
//! server on 127.0.0.1: a command line with any problem exits 2 naming it,
//! and no request (not even a connection) reaches the server.
//!
//! Cargo gives tests no path to an example (`CARGO_BIN_EXE_*` is for
//! binaries only), and `cargo test -p tcmpp-tests` or `--test cli` does not
//! build the examples at all. So the test builds it itself, once per run,
//! with the cargo that built the test: `cargo build --workspace --example
//! tcmpp` into the same target directory and profile, without the
//! per-package variables cargo sets for a running test. `--workspace`
//! resolves features as `cargo test --workspace` does, so under that command
//! the build is a no-op (run alone with `-p tcmpp-tests`, it builds what
//! differs once). Cargo releases its build lock before running tests, so it
//! does not wait on the outer cargo. The path comes from cargo's JSON
//! messages, not from a guess about the layout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a panic is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;
use tcmpp_tests::server::{Reply, TestServer};
use tcmpp_tests::workspace_root;

const SECRET_ID: &str = "AKIDcliTEST";
/// Must never be printed.
const SECRET_KEY: &str = "cli-s3cr3t-key";

/// The example binary, built once for all tests in this file.
fn cli_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BINARY.get_or_init(build_cli) {
        Ok(path) => path,
        Err(e) => panic!("cannot build the tcmpp example: {e}"),
    }
}

fn build_cli() -> Result<PathBuf, String> {
    let mut cargo = Command::new(env!("CARGO"));
    cargo
        .current_dir(workspace_root())
        .args(["build", "--workspace", "--example", "tcmpp"])
        .args(["--message-format", "json-render-diagnostics"]);
    // This test runs from TARGET/PROFILE/deps/; build into the same place.
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let profile_dir = exe.parent().and_then(Path::parent);
    if let Some(dir) = profile_dir {
        match dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some(profile) => {
                cargo.args(["--profile", profile]);
            }
        }
        // The target directory itself (not TARGET/TRIPLE when cross-building).
        if let Some(target) = dir.parent().filter(|t| t.join("CACHEDIR.TAG").is_file()) {
            cargo.arg("--target-dir").arg(target);
        }
    }
    // Cargo sets these for the running test (this package's name, manifest,
    // OUT_DIR); build scripts that watch them (ring's watches
    // CARGO_MANIFEST_DIR) would rebuild if the nested cargo saw them.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        let per_package = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
        ]
        .iter()
        .any(|p| name.starts_with(p));
        if per_package || name == "CARGO_PRIMARY_PACKAGE" || name == "OUT_DIR" {
            cargo.env_remove(name);
        }
    }
    let out = cargo
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("cargo build exited with {}", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "tcmpp")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo reported no tcmpp executable".to_owned())
}

/// What the server answers every request with: the spec's example answer.
fn create_answer() -> Value {
    let spec: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("spec/tcmpp.json")).unwrap(),
    )
    .unwrap();
    spec["actions"]["CreateMNPVersion"]["examples"][0]["response"].clone()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `tcmpp --endpoint SERVER --region ap-singapore ARGS` with static
/// credentials in the environment (and no other Tencent Cloud or proxy
/// settings), killing it if it takes over a minute.
async fn run_cli(server: &TestServer, args: &[&str]) -> Run {
    let mut cmd = Command::new(cli_binary());
    cmd.args(["--endpoint", &server.url(), "--region", "ap-singapore"])
        .args(args);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("TENCENTCLOUD_") || name.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(name);
        }
    }
    cmd.env("TENCENTCLOUD_SECRET_ID", SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let output: Output = tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().expect("start the tcmpp example");
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().expect("wait for tcmpp").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let out = child.wait_with_output().expect("collect tcmpp output");
                panic!(
                    "tcmpp did not finish within a minute; stderr:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.wait_with_output().expect("collect tcmpp output")
    })
    .await
    .unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    for shown in [&run.stdout, &run.stderr] {
        assert!(!shown.contains(SECRET_KEY), "the secret key was printed");
    }
    run
}

async fn server() -> TestServer {
    let answer = create_answer();
    TestServer::start(move |_| Reply::Json(answer.clone()))
        .await
        .unwrap()
}

/// The flags of a correct `create`.
const CREATE: [&str; 11] = [
    "create",
    "--mnp-id",
    "mpg9yjc0qbpkelik",
    "--platform-id",
    "T04257DS9431720WTAG",
    "--version",
    "1.0.279",
    "--file-url",
    "https://files.example.com/app.zip",
    "--intro",
    "cli test",
];

fn create_with(extra: &[&'static str]) -> Vec<&'static str> {
    CREATE
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

fn create_without(flag: &str) -> Vec<&'static str> {
    let mut args = CREATE.to_vec();
    let i = args.iter().position(|a| *a == flag).unwrap();
    args.drain(i..i + 2);
    args
}

/// No connection to the server, exit status 2, every `expected` text in the
/// error output, and nothing on stdout.
fn assert_refused(run: &Run, server: &TestServer, expected: &[&str]) {
    assert_eq!(
        server.requests().len(),
        0,
        "a refused command sent requests: {:?}",
        server.requests()
    );
    assert_eq!(server.connections(), 0, "a refused command connected");
    assert_eq!(run.code, Some(2), "stderr:\n{}", run.stderr);
    for text in expected {
        assert!(
            run.stderr.contains(text),
            "stderr does not say {text:?}:\n{}",
            run.stderr
        );
    }
    assert_eq!(run.stdout, "", "a refused command printed a result");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mistyped_flag_on_create_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_with(&["--intro-typo", "y"])).await;
    assert_refused(&run, &server, &["create does not take --intro-typo"]);
    // Only the bad flag is reported: the rest of the line is fine.
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_required_flag_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_without("--intro")).await;
    assert_refused(&run, &server, &["create needs --intro"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicated_flag_sends_nothing() {
    let server = server().await;
    let run = run_cli(&server, &create_with(&["--intro", "second"])).await;
    assert_refused(&run, &server, &["--intro is given more than once"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correct_create_sends_exactly_one_request() {
    let server = server().await;
    let run = run_cli(&server, &CREATE).await;
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("x-tc-action"), "CreateMNPVersion");
    assert_eq!(r.header("x-tc-region"), "ap-singapore");
    assert!(
        r.header("authorization")
            .contains(&format!("Credential={SECRET_ID}/")),
        "{}",
        r.header("authorization")
    );
    assert_eq!(
        r.json(),
        serde_json::json!({
            "MNPId": "mpg9yjc0qbpkelik",
            "PlatformId": "T04257DS9431720WTAG",
            "MNPVersion": "1.0.279",
            "FileUrl": "https://files.example.com/app.zip",
            "MNPVersionIntro": "cli test",
        })
    );
    // The decoded answer is printed as JSON on stdout.
    let printed: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(
        printed["RequestId"],
        create_answer()["Response"]["RequestId"],
        "{printed}"
    );
}

/// Every other kind of bad command line: each is refused before anything is
/// sent, with a message naming what is wrong.
#[tokio::test(flavor = "multi_thread")]
async fn every_bad_command_line_is_refused_before_sending() {
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        // A flag with no value at the end, or followed by another flag.
        (
            {
                let mut a = create_without("--intro");
                a.push("--intro");
                a
            },
            vec!["--intro needs a value"],
        ),
        (
            vec![
                "create",
                "--mnp-id",
                "m",
                "--platform-id",
                "p",
                "--version",
                "1.0.0",
                "--file-url",
                "https://x.example/a.zip",
                "--intro",
                "--extra",
                "x",
            ],
            vec!["--intro needs a value", "create does not take --extra"],
        ),
        // Empty values and values that are not what the flag needs.
        (
            {
                let mut a = create_without("--intro");
                a.extend(["--intro", "  "]);
                a
            },
            vec!["--intro needs a non-empty value"],
        ),
        (
            {
                let mut a = create_without("--file-url");
                a.extend(["--file-url", "files.example.com/app.zip"]);
                a
            },
            vec!["--file-url must be an absolute http:// or https:// URL"],
        ),
        // Flags of other commands, single-dash flags, stray words.
        (
            create_with(&["--port", "80"]),
            vec!["create does not take --port"],
        ),
        (create_with(&["-v"]), vec!["unknown flag -v"]),
        (
            create_with(&["again"]),
            vec!["unexpected argument \"again\""],
        ),
        (
            create_with(&["--endpoint", "http://127.0.0.1:9"]),
            vec!["--endpoint is given more than once"],
        ),
        // A mistyped flag on describe, several problems at once, no command.
        (
            vec!["describe", "--mnp-id", "m", "--platfrom-id", "p"],
            vec![
                "describe does not take --platfrom-id",
                "describe needs --platform-id",
            ],
        ),
        (
            vec!["craete", "--mnp-id", "m"],
            vec!["unknown command \"craete\""],
        ),
        (vec![], vec!["no command"]),
        // A value given to a flag the command does not take is not echoed.
        (
            create_with(&["--secret-key=hunter2-s3cr3t"]),
            vec!["create does not take --secret-key"],
        ),
    ];
    for (args, expected) in cases {
        let server = server().await;
        let run = run_cli(&server, &args).await;
        assert_refused(&run, &server, &expected);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn serve_checks_its_flags_before_listening() {
    // `serve` ignores the server; its --endpoint (added by run_cli) is refused.
    let server = server().await;
    let run = run_cli(&server, &["serve", "--port", "70000"]).await;
    assert_refused(
        &run,
        &server,
        &[
            "serve does not take --endpoint",
            "--port must be a number from 0 to 65535, not \"70000\"",
        ],
    );
    assert!(!run.stderr.contains("listening"), "{}", run.stderr);
}
